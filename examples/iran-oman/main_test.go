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
	for _, s := range []string{"back-then-front, Oman", "front-only, Oman", "no mediator", "JPOA"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	files := []string{"summary.json", "case.json"}
	for _, fig := range []string{"incidence", "channels", "trajectories", "incidence-record"} {
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

// TestScenario checks that the embedded scenario parses and differs from
// the defaults where the README says it does.
func TestScenario(t *testing.T) {
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Mediator.Enabled || sc.Mediator.Security != 0.95 {
		t.Errorf("mediator = %+v, want enabled with security 0.95", sc.Mediator)
	}
	if got := sc.Parties[1].Negotiator.CostRate; got != 0.006 {
		t.Errorf("Iran cost_rate = %v, want 0.006", got)
	}
	if got := sc.Parties[0].Negotiator.EnvoyAuthority; got != 0.2 {
		t.Errorf("US envoy_authority = %v, want 0.2", got)
	}
	// Fields not listed keep their defaults.
	if got, want := sc.Parties[0].Negotiator.Deadline, sim.DefaultScenario().Parties[0].Negotiator.Deadline; got != want {
		t.Errorf("deadline = %v, want the default %v", got, want)
	}
}
