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
		[]string{"back-then-front, Oman", "front-only, Oman", "no mediator", "JPOA"},
		[]string{"incidence", "channels", "trajectories", "incidence-record"},
		[]string{"case.json"})
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
	if got := sc.Parties[0].Negotiator.GestureDeniability; got != 1 {
		t.Errorf("US gesture_deniability = %v, want 1", got)
	}
	if got, want := sc.Parties[1].Negotiator.GestureDeniability, sim.DefaultScenario().Parties[1].Negotiator.GestureDeniability; got != want {
		t.Errorf("Iran gesture_deniability = %v, want the default %v", got, want)
	}
	// Fields not listed keep their defaults.
	if got, want := sc.Parties[0].Negotiator.ConcessionRate, sim.DefaultScenario().Parties[0].Negotiator.ConcessionRate; got != want {
		t.Errorf("concession_rate = %v, want the default %v", got, want)
	}
}
