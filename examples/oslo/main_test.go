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
	for _, s := range []string{"parallel", "front-only", "back-only", "attacks/100 secret rounds"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	files := []string{"summary.json", "case.json"}
	for _, fig := range []string{"incidence", "channels", "trajectories", "attack-rates", "mobilisation"} {
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
	if sc.Policy != "parallel" || !sc.Mediator.Enabled || len(sc.Spoilers) != 4 {
		t.Errorf("policy %q, mediator %v, %d spoilers; want parallel, enabled, 4", sc.Policy, sc.Mediator.Enabled, len(sc.Spoilers))
	}
	if got := sc.Spoilers[2].Capability; got != 0.1 {
		t.Errorf("Hamas/PIJ capability = %v, want 0.1", got)
	}
	if got, want := sc.Spoilers[0].Capability, sim.DefaultScenario().Spoilers[0].Capability; got != want {
		t.Errorf("Israeli rejectionists' capability = %v, want the default %v", got, want)
	}
}

func TestPoissonRate(t *testing.T) {
	// 10 events in 1000 rounds: 1 per 100 rounds, exact 95% interval
	// [0.4795, 1.8390] (Garwood).
	r := poissonRate(10, 1000)
	if float64(r.Per100) != 1 || abs(float64(r.CI[0])-0.4795) > 1e-3 || abs(float64(r.CI[1])-1.8390) > 1e-3 {
		t.Errorf("poissonRate(10, 1000) = %+v, want 1 [0.4795, 1.8390]", r)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
