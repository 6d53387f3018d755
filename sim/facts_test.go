package sim_test

import (
	"testing"

	"github.com/backchannel-sim/backchannel/internal/facts"
	"github.com/backchannel-sim/backchannel/sim"
)

// The stylized facts of docs/MODEL.md §1.2 as comparative statics on
// common random numbers (package internal/facts): each must hold at the
// defaults with a margin of at least four standard errors. The default
// suite runs one seed per fact with the replications each needs;
// facts_heavy_test.go (build tag heavy) runs three seeds each.

const factMargin = 4

// factCase is one fact on one scenario variant.
type factCase struct {
	name string
	fact func(*sim.Scenario, facts.Config) (facts.Result, error)
	sc   func() *sim.Scenario
	reps int
	skip []int // indices of checks that are documented not to hold here
}

func defaults() *sim.Scenario { return sim.DefaultScenario() }

// noPrecondition switches the front-channel precondition off: public talks
// may open at any trust.
func noPrecondition() *sim.Scenario {
	sc := sim.DefaultScenario()
	sc.Talks.FrontMinTrust = 0
	return sc
}

// bayesian uses the Bayesian trust rule on both sides.
func bayesian() *sim.Scenario {
	sc := sim.DefaultScenario()
	for i := range sc.Parties {
		sc.Parties[i].Negotiator.TrustModel = "bayesian"
	}
	return sc
}

// factCases lists every fact and variant. Fact 3's early gain (reliance
// 0.5 beats front-only within five years, check 0) comes from the
// front-channel precondition that a back channel bypasses; under the
// Bayesian trust rule gestures meet the precondition within a few rounds,
// so that check is documented not to hold there (docs/MODEL.md §1.2).
func factCases() []factCase {
	return []factCase{
		{"1/defaults", facts.Fact1, defaults, 150, nil},
		{"1/no-precondition", facts.Fact1, noPrecondition, 400, nil},
		{"1/bayesian", facts.Fact1, bayesian, 250, nil},
		{"2/defaults", facts.Fact2, defaults, 150, nil},
		{"2/bayesian", facts.Fact2, bayesian, 150, nil},
		{"3/defaults", facts.Fact3, defaults, 150, nil},
		{"3/bayesian", facts.Fact3, bayesian, 200, []int{0}},
		{"4/defaults", facts.Fact4, defaults, 150, nil},
		{"4/bayesian", facts.Fact4, bayesian, 150, nil},
		{"5/defaults", facts.Fact5, defaults, 400, nil},
		{"6/defaults", facts.Fact6, defaults, 2, nil},
		{"6/bayesian", facts.Fact6, bayesian, 2, nil},
		{"7/defaults", facts.Fact7, defaults, 500, nil},
		{"7/bayesian", facts.Fact7, bayesian, 400, nil},
		{"8/defaults", facts.Fact8, defaults, 300, nil},
		{"8/bayesian", facts.Fact8, bayesian, 300, nil},
	}
}

func checkFact(t *testing.T, fc factCase, seed uint64, reps int) {
	t.Helper()
	res, err := fc.fact(fc.sc(), facts.Config{Reps: reps, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range res.Checks {
		skipped := false
		for _, s := range fc.skip {
			skipped = skipped || s == k
		}
		z := c.Z()
		switch {
		case skipped:
			t.Logf("seed %d, documented not to hold: %s = %.4g (SE %.3g, z %.1f)", seed, c.Name, c.Estimate, c.SE, z)
		case !(z >= factMargin):
			t.Errorf("fact %d, seed %d: %s = %.4g (SE %.3g, n %d): z %.2f, want ≥ %d", res.Fact, seed, c.Name, c.Estimate, c.SE, c.N, z, factMargin)
		default:
			t.Logf("seed %d: %s = %.4g (SE %.3g, z %.1f)", seed, c.Name, c.Estimate, c.SE, z)
		}
	}
}

func TestFacts(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("statistical; runs without -race (go test ./sim) and on three seeds in .ci/run's heavy step")
	}
	for _, fc := range factCases() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			checkFact(t, fc, 20261130, fc.reps)
		})
	}
}
