package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backchannel-sim/backchannel/agents"
)

func newRep(t testing.TB, sc *Scenario, pol Policy) *Replication {
	t.Helper()
	r, err := NewReplication(sc, pol)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func seeded(i uint64) *rand.Rand { return rand.New(rand.NewPCG(i, 0x5eed)) }

func TestDeterminismAndObserverNeutrality(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	for _, pol := range BuiltinPolicies() {
		r1, r2 := newRep(t, sc, pol), newRep(t, sc, pol)
		for i := range uint64(30) {
			a := r1.Run(seeded(i), nil)
			rounds := 0
			b := r2.Run(seeded(i), ObserverFunc(func(s *Snapshot) { rounds++ }))
			if a != b {
				t.Fatalf("%s rep %d: observer or reuse changed the outcome:\n%+v\n%+v", pol.Name(), i, a, b)
			}
			if rounds != a.Round {
				t.Errorf("%s rep %d: observer saw %d rounds, outcome ends at %d", pol.Name(), i, rounds, a.Round)
			}
			// A fresh Replication gives the same outcome as a reused one.
			if c := newRep(t, sc, pol).Run(seeded(i), nil); c != a {
				t.Fatalf("%s rep %d: reused state leaks between replications", pol.Name(), i)
			}
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	sc := DefaultScenario()
	r := newRep(t, sc, BackThenFront{Threshold: 0.5})
	r.track = newTracker(sc.Horizon) // as the study runner sets it
	rng := seeded(1)
	r.Run(rng, nil) // warm up
	obs := ObserverFunc(func(*Snapshot) {})
	if a := testing.AllocsPerRun(50, func() { r.Run(rng, obs) }); a != 0 {
		t.Errorf("Run allocates %v per replication after warm-up, want 0", a)
	}
	r.Reset(rng)
	if a := testing.AllocsPerRun(200, func() {
		if r.Step(nil) {
			r.Reset(rng)
		}
	}); a != 0 {
		t.Errorf("Step allocates %v per round, want 0", a)
	}
}

func TestOutcomeInvariants(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	for _, pol := range BuiltinPolicies() {
		r := newRep(t, sc, pol)
		for i := range uint64(raceScale(200)) {
			o := r.Run(seeded(i), nil)
			if sum := o.RoundsClosed + o.RoundsBack + o.RoundsFront + o.RoundsParallel; sum != o.Round {
				t.Fatalf("%s: rounds by channel sum to %d, outcome round %d", pol.Name(), sum, o.Round)
			}
			if o.Kind == Impasse && o.Round != sc.Horizon {
				t.Fatalf("impasse before the horizon: %+v", o)
			}
			if o.Kind == Breakthrough && (o.Split <= 0 || o.Split >= 1 || o.DealChannel == Closed) {
				t.Fatalf("breakthrough without a deal: %+v", o)
			}
			if o.SecretPasses+o.PublicPasses > 1 || o.FailedRatifications != o.SecretVotes+o.PublicVotes-o.SecretPasses-o.PublicPasses {
				t.Fatalf("vote accounting: %+v", o)
			}
			if o.Leaks > o.BackChannels || (o.FirstLeak > 0) != (o.Leaks > 0) {
				t.Fatalf("leak accounting: %+v", o)
			}
			if _, ok := pol.(FrontOnly); ok && (o.BackChannels != 0 || o.RoundsBack != 0) {
				t.Fatalf("front-only opened a back channel: %+v", o)
			}
		}
	}
}

// Preconditions block public talks; a back channel bypasses them
// (Mandela-Coetsee; Wanis-St. John 2006).
func TestPreconditionsBlockFrontChannel(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Talks.FrontMinTrust = 0.9
	for i := range sc.Parties {
		sc.Parties[i].Negotiator.GestureRate = 0
	}
	front, back := newRep(t, sc, FrontOnly{}), newRep(t, sc, BackOnly{})
	opened := 0
	for i := range uint64(100) {
		if o := front.Run(seeded(i), nil); o.FirstTalks != 0 || o.Kind != Impasse {
			t.Fatalf("front-only talked despite unmet preconditions: %+v", o)
		}
		if back.Run(seeded(i), nil).FirstTalks > 0 {
			opened++
		}
	}
	if opened < 90 {
		t.Errorf("back channel opened in %d of 100 replications, want it to bypass preconditions", opened)
	}
}

// A failed ratification is an involuntary defection: it costs trust.
func TestFailedRatificationHurtsTrust(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Parties[0].RatifyThreshold = 1 // nobody gets unanimity
	r := newRep(t, sc, BackOnly{})
	r.Reset(seeded(3))
	r.neg[0].Trust, r.neg[1].Trust = 0.6, 0.6
	r.ch, r.ratifying, r.dealShare, r.dealSec = Back, true, 0.5, true
	r.vote(10)
	if r.out.FailedRatifications != 1 || r.done {
		t.Fatalf("vote did not fail: %+v", r.out)
	}
	if !(r.neg[1].Trust < 0.6) {
		t.Errorf("other side's trust after the failed vote = %g, want < 0.6", r.neg[1].Trust)
	}
	if !r.redecide {
		t.Error("a failed secret deal should make the parties choose how to go on")
	}
}

// Stylized fact 5 (Steele 1989): time to leak shrinks with the square of the
// number of insiders. With no age effect the time to leak is geometric with
// p = h0·n², so doubling n divides the mean by 4.
func TestFactLeakTimeInverseSquare(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("statistical; runs without -race (go test ./sim)")
	}
	mean := func(n int, age float64) (m, se float64) {
		sc := DefaultScenario()
		sc.Horizon = 5000
		sc.Spoilers = nil
		sc.Parties[0].Constituents.Size, sc.Parties[1].Constituents.Size = 10, 10
		sc.Leaks.Insiders = n
		sc.Leaks.AgeFactor = age
		sc.Talks.OpenRate = 1
		sc.Talks.CommitTrust, sc.Talks.EnvoyCommitBonus = 1, 0 // no deal
		sc.Talks.BreakdownHazard, sc.Talks.BreakdownTrust = 0, 0
		for i := range sc.Parties {
			sc.Parties[i].Negotiator.Readiness0 = 1
		}
		r := newRep(t, sc, Reliance{P: 1})
		const reps = 3000
		var s, s2 float64
		for i := range uint64(reps) {
			// Step only until the first leak.
			r.Reset(seeded(i))
			for !r.Step(nil) && r.out.FirstLeak == 0 {
			}
			o := r.out
			if o.FirstLeak == 0 {
				t.Fatalf("n=%d: no leak within %d rounds", n, sc.Horizon)
			}
			d := float64(o.FirstLeak - o.FirstTalks + 1)
			s += d
			s2 += d * d
		}
		m = s / reps
		return m, math.Sqrt((s2/reps - m*m) / reps)
	}
	m4, se4 := mean(4, 0)
	m8, se8 := mean(8, 0)
	// Geometric mean 1/p: p = 0.0006·16 and 0.0006·64.
	for _, c := range []struct{ got, se, want float64 }{{m4, se4, 1 / (0.0006 * 16)}, {m8, se8, 1 / (0.0006 * 64)}} {
		if math.Abs(c.got-c.want) > 4*c.se {
			t.Errorf("mean time to leak %.2f ± %.2f, want %.2f (geometric)", c.got, c.se, c.want)
		}
	}
	ratio := m4 / m8
	rse := ratio * math.Hypot(se4/m4, se8/m8)
	if math.Abs(ratio-4) > 4*rse {
		t.Errorf("T(4)/T(8) = %.2f ± %.2f, want 4 (inverse square)", ratio, rse)
	}
	// With the default age effect the law holds roughly: still far steeper
	// than linear.
	a4, _ := mean(4, 0.02)
	a8, _ := mean(8, 0.02)
	if a4/a8 < 2.5 {
		t.Errorf("with ageing, T(4)/T(8) = %.2f, want > 2.5", a4/a8)
	}
}

type frozenTrust struct{}

func (frozenTrust) Gain(t, _ float64) float64 { return t }
func (frozenTrust) Lose(t, _ float64) float64 { return t }

type noPeers struct{ calls *int }

func (n noPeers) Step(x []float64, _ *rand.Rand) { *n.calls++ }

// Users replace behaviours through hooks without forking.
func TestHooksReplaceBehaviours(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	r := newRep(t, sc, BackThenFront{Threshold: 0.5})
	calls := 0
	r.SetHooks(Hooks{
		Trust:   func(int, *agents.NegotiatorParams) agents.TrustRule { return frozenTrust{} },
		Opinion: func(int, *agents.ConstituencyParams) agents.OpinionDynamics { return noPeers{&calls} },
	})
	for i := range uint64(20) {
		calls = 0
		o := r.Run(seeded(i), nil)
		if o.Trust[0] != sc.Parties[0].Negotiator.InitialTrust || o.Trust[1] != sc.Parties[1].Negotiator.InitialTrust {
			t.Fatalf("trust moved under a frozen rule: %v", o.Trust)
		}
		if calls != 2*o.Round {
			t.Fatalf("custom opinion dynamics called %d times in %d rounds, want 2 per round", calls, o.Round)
		}
	}
	r.SetHooks(Hooks{})
	if o := r.Run(seeded(1), nil); o != newRep(t, sc, BackThenFront{Threshold: 0.5}).Run(seeded(1), nil) {
		t.Error("clearing the hooks did not restore the default behaviour")
	}
}

// The vote an observer sees is self-consistent: a side accepts exactly
// when the mood reaches its critical value, and the vote passes when both
// do.
func TestVoteSnapshotConsistent(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	votes := 0
	for _, pol := range []Policy{BackOnly{}, BackThenFront{Threshold: 0.5}, FrontOnly{}} {
		r := newRep(t, sc, pol)
		for i := range uint64(raceScale(150)) {
			var last Vote
			o := r.Run(seeded(i), ObserverFunc(func(s *Snapshot) {
				if !s.Vote.Held {
					return
				}
				votes++
				v := s.Vote
				last = v
				for k := range 2 {
					accept := v.Support[k] >= sc.Parties[k].RatifyThreshold
					if accept != (v.Mood >= v.Critical[k]) {
						t.Fatalf("side %d: support %g, mood %g, critical %g", k, v.Support[k], v.Mood, v.Critical[k])
					}
				}
				if v.Passed != (v.Mood >= max(v.Critical[0], v.Critical[1])) {
					t.Fatalf("passed=%v with mood %g, critical %v", v.Passed, v.Mood, v.Critical)
				}
			}))
			if last.Held && (last.Passed != (o.Kind == Breakthrough) || last.Support != o.VoteSupport) {
				t.Fatalf("last vote %+v disagrees with outcome %v %v", last, o.Kind, o.VoteSupport)
			}
		}
	}
	if votes < raceScale(100) {
		t.Errorf("only %d votes seen", votes)
	}
}

// raceScale returns n, or a quarter of it (at least 1) under -race.
func raceScale(n int) int {
	if raceEnabled {
		return max(1, n/4)
	}
	return n
}
