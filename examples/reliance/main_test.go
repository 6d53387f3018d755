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
	smoke.Formats(t)
	dir, _ := smoke.Run(t, run, []string{"--reps", "16", "--levels", "3", "--horizon", "104", "--trace-reps", "8", "--seed", "7", "--workers", "2"},
		[]string{"reliance P", "breakthrough by 104", "paired differences", "returns of the k-th back channel", "16 replications", "repeated impasse", "2nd impasse ≤ 52"}...)
	smoke.Files(t, dir,
		[]string{"report.json", "reliance.csv", "paired.csv", "impasse.csv", "channel_yield.csv", "channel_returns.csv", "table.txt"},
		[]string{"shares", "early", "channels", "ratification", "incidence", "repeated", "impasse-kth", "occupancy"})
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
