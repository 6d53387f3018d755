package sim

import (
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/internal/check"
)

// Every field new in model 2.0.0 is validated with its path, value and
// range, and is parsed strictly (a misspelt key is an error).
func TestNewFieldsValidatedAndStrict(t *testing.T) {
	t.Parallel()
	s := DefaultScenario()
	s.Parties[0].Negotiator.ConcessionRate = 0
	s.Parties[0].Negotiator.Reciprocity = -1
	s.Parties[1].Negotiator.Posturing = 2.5
	s.Parties[1].Negotiator.AudienceCost = 11
	s.Parties[0].Negotiator.BeliefPrior = 1.2
	s.Parties[0].Negotiator.BeliefSD = 0
	s.Parties[0].Negotiator.SignalNoise = 0
	s.Parties[0].Negotiator.Bluff = -1
	s.Parties[0].Negotiator.GestureDeniability = 2
	s.Parties[1].Constituents.VoterNoise = -0.1
	s.Talks.DealTolerance = 0.6
	s.Talks.BeliefDrift = 0.1
	s.Talks.ParallelConsistency = 1.5
	s.Talks.ContinueBias = 30
	s.Talks.ContinueExposures = -1
	s.Leaks.InsidersPerChannel = -1
	s.Leaks.ParallelInsiders = 2000
	s.Ratification.TrustWeight = 2
	s.Ratification.Suspicion = -1
	s.Spoilers[0].ProgressBoost = -1
	want := []string{
		"parties[0].negotiator.concession_rate = 0: must be in [0.0001, 1]",
		"parties[0].negotiator.reciprocity = -1",
		"parties[1].negotiator.posturing = 2.5: must be in [0, 2]",
		"parties[1].negotiator.audience_cost = 11",
		"parties[0].negotiator.belief_prior = 1.2",
		"parties[0].negotiator.belief_sd = 0",
		"parties[0].negotiator.signal_noise = 0",
		"parties[0].negotiator.bluff = -1",
		"parties[0].negotiator.gesture_deniability = 2",
		"parties[1].constituents.voter_noise = -0.1",
		"talks.deal_tolerance = 0.6: must be in [0, 0.5]",
		"talks.belief_drift = 0.1",
		"talks.parallel_consistency = 1.5",
		"talks.continue_bias = 30: must be in [-20, 20]",
		"talks.continue_exposures = -1",
		"leaks.insiders_per_channel = -1",
		"leaks.parallel_insiders = 2000",
		"ratification.trust_weight = 2",
		"ratification.suspicion = -1",
		"spoilers[0].progress_boost = -1",
	}
	err := s.Validate()
	if err == nil {
		t.Fatal("invalid scenario validated")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q", w)
		}
	}
	if n := len(check.Flatten(err)); n != len(want) {
		t.Errorf("%d errors, want %d:\n%v", n, len(want), err)
	}
	for _, doc := range []string{
		"talks:\n  deal_tolerence: 0.1\n",
		"parties:\n  - negotiator:\n      bluf: 3\n",
		"spoilers:\n  - milestone_boost: 4\n",
		"talks:\n  back_returns: 0.7\n",
		"parties:\n  - negotiator:\n      deadline: 26\n",
	} {
		if _, err := ParseScenario([]byte(doc)); err == nil || !strings.Contains(err.Error(), "unknown field") {
			t.Errorf("ParseScenario(%q) = %v, want an unknown-field error", doc, err)
		}
	}
	sc, err := ParseScenario([]byte("talks:\n  deal_tolerance: 0.05\nparties:\n  - constituents:\n      voter_noise: 0.2\n  - name: B\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Talks.DealTolerance != 0.05 || sc.Parties[0].Constituents.VoterNoise != 0.2 || sc.Parties[1].Constituents.VoterNoise != 0.08 {
		t.Errorf("parsed deal_tolerance %g, voter_noise %g/%g; want 0.05, 0.2/0.08", sc.Talks.DealTolerance, sc.Parties[0].Constituents.VoterNoise, sc.Parties[1].Constituents.VoterNoise)
	}
}
