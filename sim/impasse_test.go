package sim

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
)

// TestImpasseEvents scripts the model's events on a reset replication and
// checks which of them are impasses (docs/MODEL.md §7.18), the rounds
// recorded and the cap at MaxImpasses. Rounds passed to the event
// functions are 0-based (the round being simulated); the Outcome records
// them 1-based. Clearing r.stuck stands for a round of bargaining, which is
// what Step does when the parties talk.
func TestImpasseEvents(t *testing.T) {
	t.Parallel()
	talks := func(r *Replication, c Channel) { r.ch, r.ratifying = c, false }
	bargain := func(r *Replication) { r.stuck = false }
	noCollapse := func(r *Replication) { r.d.collapse = 1 }
	exposed := func(r *Replication) {
		talks(r, Back)
		r.out.BackChannels = 1
		r.exposed, r.redecide, r.exposures = true, true, 1
	}
	cases := []struct {
		name   string
		pol    Policy
		script func(r *Replication)
		want   int              // Outcome.Impasses
		rounds [MaxImpasses]int // Outcome.ImpasseRounds
		kind   Kind             // Outcome.Kind (Impasse: not finished)
	}{
		{"breakdown, not a collapse", BackOnly{}, func(r *Replication) {
			talks(r, Back)
			noCollapse(r)
			r.breakdown(4)
		}, 1, [3]int{5}, Impasse},
		{"breakdown that collapses is the terminal event, not an impasse", BackOnly{}, func(r *Replication) {
			talks(r, Back)
			r.d.collapse = 0
			r.breakdown(4)
		}, 0, [3]int{}, Collapse},
		{"breakdowns with no bargaining in between count once", BackOnly{}, func(r *Replication) {
			noCollapse(r)
			talks(r, Back)
			r.breakdown(4)
			talks(r, Front)
			r.breakdown(6)
		}, 1, [3]int{5}, Impasse},
		{"breakdowns with bargaining in between count twice", BackOnly{}, func(r *Replication) {
			noCollapse(r)
			talks(r, Back)
			r.breakdown(4)
			talks(r, Front)
			bargain(r)
			r.breakdown(6)
		}, 2, [3]int{5, 7}, Impasse},
		{"exposed back channel abandoned for a fresh one", BackOnly{}, func(r *Replication) {
			exposed(r)
			r.d.exposure = 0 // go on
			r.afterExposure(7)
			if r.out.BackChannels != 2 || r.ch != Back {
				t.Errorf("after exposure: %d back channels in channel %v, want a second back channel", r.out.BackChannels, r.ch)
			}
		}, 1, [3]int{8}, Impasse},
		{"exposed back channel: the parties break off", BackOnly{}, func(r *Replication) {
			exposed(r)
			noCollapse(r)
			r.d.exposure = 1 // break off
			r.afterExposure(7)
			if r.out.Breakdowns != 1 {
				t.Errorf("breakdowns %d, want 1", r.out.Breakdowns)
			}
		}, 1, [3]int{8}, Impasse},
		{"exposed back channel: talks go public, no impasse", FrontOnly{}, func(r *Replication) {
			exposed(r)
			r.neg[0].Trust, r.neg[1].Trust = 0.9, 0.9 // front talks allowed
			r.d.exposure = 0
			r.afterExposure(7)
			if r.ch != Front {
				t.Errorf("channel %v after exposure, want front", r.ch)
			}
		}, 0, [3]int{}, Impasse},
		{"failed ratification", BackOnly{}, func(r *Replication) {
			talks(r, Front)
			r.ratifying, r.dealShare, r.dealSec = true, 0, false // side A gets nothing: its voters reject
			r.vote(9)
			if r.out.FailedRatifications != 1 {
				t.Fatalf("failed ratifications %d, want 1 (the vote passed)", r.out.FailedRatifications)
			}
		}, 1, [3]int{10}, Impasse},
		{"failed ratification then breakdown in the same round count once", BackOnly{}, func(r *Replication) {
			talks(r, Front)
			noCollapse(r)
			r.ratifying, r.dealShare = true, 0
			r.vote(9)
			r.breakdown(9)
		}, 1, [3]int{10}, Impasse},
		{"more than MaxImpasses: the first three rounds and the count", BackOnly{}, func(r *Replication) {
			noCollapse(r)
			for _, t := range []int{2, 10, 20, 30} {
				talks(r, Back)
				bargain(r)
				r.breakdown(t)
			}
		}, 4, [3]int{3, 11, 21}, Impasse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Talks.MaxBreakdowns = 10
			r := newRep(t, sc, c.pol)
			r.Reset(seeded(1))
			c.script(r)
			o := r.Outcome()
			if o.Impasses != c.want || o.ImpasseRounds != c.rounds {
				t.Errorf("impasses %d at %v, want %d at %v", o.Impasses, o.ImpasseRounds, c.want, c.rounds)
			}
			if got := len(o.ImpasseTimes()); got != min(c.want, MaxImpasses) {
				t.Errorf("ImpasseTimes has %d rounds, want %d", got, min(c.want, MaxImpasses))
			}
			if (c.kind != Impasse) != r.done || o.Kind != c.kind {
				t.Errorf("kind %v (done %v), want %v", o.Kind, r.done, c.kind)
			}
		})
	}
}

// TestImpasseSummaryAgreesWithOutcomes checks the study summary's
// accumulators, fed by the replication's per-round tracker, against the
// kept outcomes, recorded independently in the Outcome: counts at the
// horizon, the k-th impasse tables and the paired tables; and that the
// state occupancy counts every replication once in every round (shares
// add up to 1), with breakthrough and collapse absorbing and matching the
// outcomes at the horizon.
func TestImpasseSummaryAgreesWithOutcomes(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 156
	s := PolicyStudy(sc, []Policy{FrontOnly{}, BackOnly{}, ParallelChannels{}})
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 7, Replications: 100, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	ss, h, n := res.Summary, sc.Horizon, len(res.Outcomes)
	if want := []int{52, 104, 156}; len(ss.PairRounds) != 3 || ss.PairRounds[0] != want[0] || ss.PairRounds[2] != want[2] {
		t.Fatalf("pair rounds %v, want %v", ss.PairRounds, want)
	}
	total := 0
	for a, as := range ss.Arms {
		var imp, bc int64
		var atLeast [MaxImpasses]int
		var kinds [3]int
		var paired [MaxImpasses][]metrics.PairedTable
		for k := range paired {
			paired[k] = make([]metrics.PairedTable, len(ss.PairRounds))
		}
		for _, ro := range res.Outcomes {
			o := &ro.Arms[a]
			imp += int64(o.Impasses)
			bc += int64(o.BackChannels)
			kinds[o.Kind]++
			for k := range MaxImpasses {
				if o.Impasses > k {
					atLeast[k]++
				}
				for i, r := range ss.PairRounds {
					paired[k][i].Add(metrics.KthEventBy(o.ImpasseTimes(), k+1, r), metrics.KthEventBy(ro.Arms[0].ImpasseTimes(), k+1, r))
				}
			}
		}
		total += int(imp)
		if s, _ := as.ImpasseCount.Totals(h); s != imp {
			t.Errorf("arm %d: %d impasses in the mean count, outcomes say %d", a, s, imp)
		}
		if s, _ := as.ChannelCount.Totals(h); s != bc {
			t.Errorf("arm %d: %d back channels in the mean count, outcomes say %d", a, s, bc)
		}
		for k := range MaxImpasses {
			tb := as.Impasse.Table(k + 1)
			got := 0
			for r := 0; r <= tb.MaxTime(); r++ {
				got += tb.Count(r, 1)
			}
			if got != atLeast[k] {
				t.Errorf("arm %d: %d replications with a %d-th impasse in the table, outcomes say %d", a, got, k+1, atLeast[k])
			}
			if a > 0 {
				for i := range ss.PairRounds {
					if ss.Paired[a].Impasse[k][i] != paired[k][i] {
						t.Errorf("arm %d, k=%d, round %d: paired table %+v, outcomes give %+v", a, k+1, ss.PairRounds[i], ss.Paired[a].Impasse[k][i], paired[k][i])
					}
				}
			}
		}
		sh, err := as.States.Shares(0.95)
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r <= h; r++ {
			cnt, sum := 0, 0.0
			for st := range NumStates {
				cnt += as.States.Count(r, st)
				sum += sh.Share[st][r]
			}
			if cnt != n || math.Abs(sum-1) > 1e-12 {
				t.Fatalf("arm %d, round %d: %d replications in the states (shares sum to %v), want %d (1)", a, r, cnt, sum, n)
			}
			if r > 0 {
				for _, st := range []State{StateBreakthrough, StateCollapse} {
					if as.States.Count(r, int(st)) < as.States.Count(r-1, int(st)) {
						t.Errorf("arm %d: %v not absorbing at round %d", a, st, r)
					}
				}
			}
		}
		if got := as.States.Count(0, int(StateNoTalks)); got != n {
			t.Errorf("arm %d: %d replications without talks at round 0, want all %d", a, got, n)
		}
		if b, c := as.States.Count(h, int(StateBreakthrough)), as.States.Count(h, int(StateCollapse)); b != kinds[Breakthrough] || c != kinds[Collapse] {
			t.Errorf("arm %d: occupancy at the horizon %d breakthroughs, %d collapses; outcomes %d, %d", a, b, c, kinds[Breakthrough], kinds[Collapse])
		}
	}
	if total == 0 {
		t.Fatal("no impasse in the whole study: the test checks nothing")
	}
}

// TestImpasseSummaryMergesExactly: the summary of shards merged in any
// order equals the whole run's, repeated-impasse accumulators included.
func TestImpasseSummaryMergesExactly(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 104
	s := PolicyStudy(sc, []Policy{FrontOnly{}, BackOnly{}})
	run := func(start uint64, n int) *StudySummary {
		res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 11, Start: start, Replications: n, BlockSize: 7, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return res.Summary
	}
	whole := run(0, 60)
	parts := []*StudySummary{run(40, 20), run(0, 17), run(17, 23)}
	merged := s.NewStudySummary()
	for _, p := range parts {
		if err := merged.Merge(p); err != nil {
			t.Fatal(err)
		}
	}
	for a := range whole.Arms {
		w, m := whole.Arms[a], merged.Arms[a]
		if w.Impasse.N() != 60 || !w.Impasse.Equal(m.Impasse) || !w.ImpasseCount.Equal(m.ImpasseCount) ||
			!w.ChannelCount.Equal(m.ChannelCount) || !w.States.Equal(m.States) {
			t.Errorf("arm %d: merged repeated-impasse accumulators differ from the whole run's", a)
		}
	}
	if !merged.Equal(whole) {
		t.Error("merged summary differs from the whole run's")
	}
	merged.Reset()
	if !merged.Equal(s.NewStudySummary()) {
		t.Error("a reset summary differs from a new one")
	}
}

// TestStudyImpasseK: ImpasseK is validated, selects the order reported as
// repeated, and leaves the summary unchanged.
func TestStudyImpasseK(t *testing.T) {
	t.Parallel()
	for _, k := range []int{-1, 4} {
		s := DefaultStudy()
		s.ImpasseK = k
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), "impasse_k") {
			t.Errorf("ImpasseK %d: error %v, want one naming impasse_k", k, err)
		}
	}
	sc := DefaultScenario()
	sc.Horizon = 60
	s := PolicyStudy(sc, []Policy{FrontOnly{}, BackOnly{}})
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 3, Replications: 40})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ set, want int }{{0, 2}, {1, 1}, {3, 3}} {
		s.ImpasseK = c.set
		rep, err := NewReport(s, res, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		for a, ar := range rep.Arms {
			if ar.Impasse == nil || ar.Impasse.RepeatedK != c.want || len(ar.Impasse.Kth) != MaxImpasses {
				t.Fatalf("ImpasseK %d, arm %d: impasse report %+v, want repeated_k %d and %d orders", c.set, a, ar.Impasse, c.want, MaxImpasses)
			}
		}
		d := rep.Arms[1].VsReference.RepeatedImpasse
		if len(d) != 2 || d[0].Round != 52 || d[1].Round != 60 {
			t.Fatalf("ImpasseK %d: paired differences at %+v, want rounds 52 and 60", c.set, d)
		}
		want, err := metrics.PairedDifference(res.Summary.Paired[1].Impasse[c.want-1][1], 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if float64(d[1].Diff) != want.D {
			t.Errorf("ImpasseK %d: difference at the horizon %v, want %v (k = %d)", c.set, d[1].Diff, want.D, c.want)
		}
	}
}
