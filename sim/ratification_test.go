package sim_test

import (
	"slices"
	"testing"

	"github.com/backchannel-sim/backchannel/internal/facts"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// Votes are cast by individual voters with their own taste shocks (random
// utility), so support spreads across votes instead of splitting into
// blocs of 0 and 1: at the defaults its interquartile range over all votes
// is at least 0.05, and many votes fall strictly between 0.2 and 0.8.
func TestVoteSupportSpreads(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	var sup []float64
	obs := sim.ObserverFunc(func(s *sim.Snapshot) {
		if s.Vote.Held {
			sup = append(sup, s.Vote.Support[0], s.Vote.Support[1])
		}
	})
	for _, pol := range []sim.Policy{sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}, sim.Reliance{P: 0.5}} {
		r, err := sim.NewReplication(sc, pol)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 100 {
			r.Run(facts.Rand(11, i), obs)
		}
	}
	if len(sup) < 100 {
		t.Fatalf("only %d vote sides", len(sup))
	}
	slices.Sort(sup)
	q := func(p float64) float64 { return sup[int(p*float64(len(sup)-1))] }
	iqr := q(0.75) - q(0.25)
	mid := 0
	for _, s := range sup {
		if s > 0.2 && s < 0.8 {
			mid++
		}
	}
	if iqr < 0.05 {
		t.Errorf("IQR of vote support %.3f (quartiles %.3f, %.3f; %d vote sides), want ≥ 0.05", iqr, q(0.25), q(0.75), len(sup))
	}
	if float64(mid) < 0.2*float64(len(sup)) {
		t.Errorf("%d of %d vote sides between 0.2 and 0.8: support is still a bloc", mid, len(sup))
	}
	t.Logf("support quartiles %.3f %.3f %.3f; IQR %.3f; %d of %d between 0.2 and 0.8", q(0.25), q(0.5), q(0.75), iqr, mid, len(sup))
}

// Raising the ratification threshold lowers P(breakthrough) at every step
// (paired on common random numbers, each step by at least 4 SE).
func TestRatifyThresholdMonotone(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("statistical; runs without -race (go test ./sim)")
	}
	thresholds := []float64{0.35, 0.5, 0.65}
	reps := make([]*sim.Replication, len(thresholds))
	for k, th := range thresholds {
		sc := sim.DefaultScenario()
		for i := range sc.Parties {
			sc.Parties[i].RatifyThreshold = th
		}
		r, err := sim.NewReplication(sc, sim.Reliance{P: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		reps[k] = r
	}
	tabs := make([]metrics.PairedTable, len(thresholds)-1)
	const n = 450
	for i := range n {
		var bt [3]bool
		for k, r := range reps {
			bt[k] = r.Run(facts.Rand(12, i), nil).Kind == sim.Breakthrough
		}
		for k := range tabs {
			tabs[k].Add(bt[k], bt[k+1])
		}
	}
	for k, tab := range tabs {
		d, err := metrics.PairedDifference(tab, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if d.D < factMargin*d.SE {
			t.Errorf("P(breakthrough) at threshold %g − at %g = %.3f (SE %.3f), want > %d SE", thresholds[k], thresholds[k+1], d.D, d.SE, factMargin)
		}
		t.Logf("threshold %g: P = %.3f; %g: P = %.3f; difference %.3f ± %.3f", thresholds[k], d.P1, thresholds[k+1], d.P2, d.D, d.SE)
	}
}

// Oslo: back-only talks can end in a ratified deal when the secret deal is
// fair and the leaders are trusted and popular (the Knesset approved the
// Oslo accord 61-50), and fail where the leaders are unpopular and the
// constituents hawkish (the deal is unfair to them).
func TestBackOnlyRatifiesWhenFairAndTrusted(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("statistical; runs without -race (go test ./sim)")
	}
	good, bad := sim.DefaultScenario(), sim.DefaultScenario()
	for i := range good.Parties {
		good.Parties[i].Negotiator.InitialApproval = 0.75
		bad.Parties[i].Negotiator.InitialApproval = 0.4
		bad.Parties[i].Constituents.HawkMean = 0.52
	}
	rg, err := sim.NewReplication(good, sim.BackOnly{})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := sim.NewReplication(bad, sim.BackOnly{})
	if err != nil {
		t.Fatal(err)
	}
	var tab metrics.PairedTable
	var passes, votes int
	const n = 200
	for i := range n {
		g, b := rg.Run(facts.Rand(13, i), nil), rb.Run(facts.Rand(13, i), nil)
		tab.Add(g.Kind == sim.Breakthrough, b.Kind == sim.Breakthrough)
		passes += g.SecretPasses
		votes += g.SecretVotes
	}
	d, err := metrics.PairedDifference(tab, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if d.P1 < 0.4 {
		t.Errorf("back-only with fair deals and trusted leaders: P(breakthrough) %.3f, want ≥ 0.4", d.P1)
	}
	if d.D < factMargin*d.SE {
		t.Errorf("P(breakthrough) fair/trusted − unfair/unpopular = %.3f (SE %.3f), want > %d SE", d.D, d.SE, factMargin)
	}
	t.Logf("back-only P(breakthrough): fair, trusted %.3f (secret votes passed %d of %d); unfair, unpopular %.3f", d.P1, passes, votes, d.P2)
}

// Public talks move opinion only by the leader's stated position
// (persuasion within the latitude of acceptance, contrast beyond it) and by
// the audience's reactions to leaks and attacks: there is no built-in
// dovish drift, so front-only talks leave constituents no more dovish than
// they started.
func TestNoDovishDrift(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	r, err := sim.NewReplication(sc, sim.FrontOnly{})
	if err != nil {
		t.Fatal(err)
	}
	var m metrics.Moments
	for i := range 100 {
		o := r.Run(facts.Rand(14, i), nil)
		if err := m.Add(o.Hawkishness[0]); err != nil {
			t.Fatal(err)
		}
	}
	h0 := sc.Parties[0].Constituents.HawkMean
	if m.Mean() < h0-factMargin*m.SE() {
		t.Errorf("final mean hawkishness under front-only %.3f ± %.3f, started at %.3f: want no dovish drift", m.Mean(), m.SE(), h0)
	}
	t.Logf("hawkishness %.3f → %.3f ± %.3f", h0, m.Mean(), m.SE())
}
