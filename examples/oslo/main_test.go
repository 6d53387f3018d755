package main

import (
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
	"github.com/backchannel-sim/backchannel/sim"
)

// TestSmoke runs the study with a few replications (at least 10:
// studyout.StudyFigures draws trajectory rounds only where 10 or more
// replications remain) and checks that the table, the summary and the
// figures are written.
func TestSmoke(t *testing.T) {
	smoke.Check(t, run, 12, 3,
		[]string{"parallel", "front-only", "back-only", "attacks/100 secret rounds"},
		[]string{"incidence", "channels", "trajectories", "attack-rates", "mobilisation"},
		nil)
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
