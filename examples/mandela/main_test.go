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
		[]string{"front-only", "back-then-front", "back-only", "talks by May 1988"},
		[]string{"incidence", "channels", "trajectories", "first-talks"},
		nil)
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
