package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
)

// TestSmoke runs the study in-process with a few replications, three
// levels and a short horizon, and checks that every table and figure is
// written.
func TestSmoke(t *testing.T) {
	formats := smoke.Formats(t)
	dir := t.TempDir()
	var out bytes.Buffer
	err := run([]string{"--reps", "16", "--levels", "3", "--horizon", "104", "--trace-reps", "8", "--seed", "7", "--workers", "2", "--out", dir}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"reliance P", "breakthrough by 104", "paired differences", "returns of the k-th back channel", "16 replications"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed table lacks %q:\n%s", want, out.String())
		}
	}
	files := []string{"report.json", "reliance.csv", "paired.csv", "channel_yield.csv", "channel_returns.csv", "table.txt"}
	for _, f := range []string{"shares", "early", "channels", "ratification", "incidence"} {
		for _, ext := range formats {
			files = append(files, f+"."+ext)
		}
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("missing output: %v", err)
			continue
		}
		if fi.Size() == 0 {
			t.Errorf("%s is empty", f)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "reliance.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(b), "\n"); rows != 4 {
		t.Errorf("reliance.csv has %d lines, want a header and 3 levels", rows)
	}
}

// TestFlags rejects bad arguments without running anything.
func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"--reps", "0"}, {"--levels", "1"}, {"--horizon", "-1"}, {"extra"}, {"--nosuch"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
