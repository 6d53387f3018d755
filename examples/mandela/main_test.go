package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
	"github.com/backchannel-sim/backchannel/sim"
)

// TestSmoke runs the study with a few replications (at least 10:
// studyout.StudyFigures draws trajectory rounds only where 10 or more
// replications remain) and checks that the table, the summary and the
// figures are written.
func TestSmoke(t *testing.T) {
	formats := smoke.Formats(t)
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"--reps", "12", "--seed", "3", "--workers", "2", "--out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, s := range []string{"front-only", "back-then-front", "back-only", "talks by May 1988"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	files := []string{"summary.json", "case.json"}
	for _, fig := range []string{"incidence", "channels", "trajectories", "first-talks"} {
		for _, f := range formats {
			files = append(files, fig+"."+f)
		}
	}
	for _, name := range files {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep sim.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if rep.Completed != 12 || len(rep.Arms) != 3 {
		t.Errorf("summary: completed %d, arms %d; want 12, 3", rep.Completed, len(rep.Arms))
	}
}

// TestScenario checks that the embedded scenario parses as the README says.
func TestScenario(t *testing.T) {
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Talks.FrontMinTrust != 0.6 || sc.Leaks.Insiders != 5 {
		t.Errorf("front_min_trust %v, insiders %d; want 0.6, 5", sc.Talks.FrontMinTrust, sc.Leaks.Insiders)
	}
	for i, p := range sc.Parties {
		if p.Negotiator.GestureRate != 0.02 {
			t.Errorf("party %d gesture_rate = %v, want 0.02", i, p.Negotiator.GestureRate)
		}
	}
	if sc.Policy != sim.DefaultScenario().Policy || sc.Mediator.Enabled {
		t.Errorf("policy %q, mediator %v: want the defaults", sc.Policy, sc.Mediator.Enabled)
	}
}
