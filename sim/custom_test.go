package sim_test

import (
	"context"
	"math"
	"sync/atomic"
	"testing"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// An arm whose hooks reinstall the default rules gives, replication by
// replication, exactly the outcomes of the default arm: the hooks are
// plumbed through RunStudy without disturbing the common random numbers.
// NewHooks runs once per worker, never per replication.
func TestArmHooksKeepPairing(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	var calls atomic.Int64
	same := func() sim.Hooks {
		calls.Add(1)
		return sim.Hooks{
			Trust: func(_ int, p *agents.NegotiatorParams) agents.TrustRule { return agents.DefaultTrustRule(p) },
			Concession: func(_ int, p *agents.NegotiatorParams) agents.ConcessionStrategy {
				return agents.ReadinessConcession{K0: p.ConcessionRate, Reciprocity: p.Reciprocity}
			},
		}
	}
	pol := sim.BackThenFront{Threshold: 0.5}
	study := &sim.Study{Arms: []sim.Arm{
		{Label: "default", Scenario: sc, Policy: pol},
		{Label: "hooked", Scenario: sc, Policy: pol, NewHooks: same},
		{Label: "grudge", Scenario: sc, Policy: pol, NewHooks: grudgeHooks},
	}}
	const workers = 3
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 7, Replications: 120, Workers: workers, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n < 1 || n > workers {
		t.Errorf("NewHooks called %d times, want once per worker (1..%d)", n, workers)
	}
	differ := 0
	for i, o := range res.Outcomes {
		if o.Arms[0] != o.Arms[1] {
			t.Fatalf("replication %d: hooks reinstalling the defaults changed the outcome:\n%+v\n%+v", i, o.Arms[0], o.Arms[1])
		}
		if o.Arms[0] != o.Arms[2] {
			differ++
		}
	}
	if differ == 0 {
		t.Error("the grudge arm never differed from the default: its hooks were not used")
	}
}

// Stateful rules and a stateful policy run through RunStudy on several
// workers (run with -race) and give bit-identical summaries whatever the
// number of workers: every worker has its own instances, reset at every
// replication.
func TestStatefulRulesAndPolicyAcrossWorkers(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	study := &sim.Study{Arms: []sim.Arm{
		{Scenario: sc, Policy: sim.BackThenFront{Threshold: 0.5}},
		{Label: "patient+grudge", Scenario: sc, Policy: &patient{Rounds: 30}, NewHooks: grudgeHooks},
	}}
	var sums []*sim.StudySummary
	for _, w := range []int{1, 4} {
		res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 11, Replications: 96, Workers: w, BlockSize: 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Failures) != 0 {
			t.Fatalf("workers=%d: %d failures: %v", w, len(res.Failures), res.Failures[0])
		}
		sums = append(sums, res.Summary)
	}
	if !sums[0].Equal(sums[1]) {
		t.Error("1 worker and 4 workers differ: state leaks between replications or workers")
	}
	// Replication 5 alone equals replication 5 after others: Reset clears
	// the policy's and the rules' state.
	one := func(start uint64, n int) sim.Outcome {
		res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 11, Start: start, Replications: n, Workers: 1, KeepOutcomes: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Outcomes[n-1].Arms[1]
	}
	if a, b := one(5, 1), one(0, 6); a != b {
		t.Errorf("replication 5 alone %+v, after 0..4 %+v: state carried over", a, b)
	}
}

// tftStrategy is a tit-for-tat concession strategy: it concedes at rate
// after a round in which the other side conceded and holds otherwise; it
// opens by conceding. It records the moves it saw and its own last
// concession at each call (a test-only record that grows).
type tftStrategy struct {
	rate  float64
	moves *[]float64
	self  *[]float64
}

func (s tftStrategy) Rate(n *agents.Negotiator, _, q float64) float64 {
	*s.moves = append(*s.moves, q)
	*s.self = append(*s.self, n.Conceded)
	if len(*s.moves) == 1 || q > 0 {
		return s.rate
	}
	return 0
}

// A concession strategy sees the other side's moves: the reciprocity it is
// given in a round is the other side's concession of the previous round of
// talks divided by talks.concession_ref (capped at 1), as MODEL.md defines
// it, which lets it play tit for tat.
func TestConcessionSeesOtherSidesMoves(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	r, err := sim.NewReplication(sc, sim.BackOnly{})
	if err != nil {
		t.Fatal(err)
	}
	var moves, self [2][]float64
	r.SetHooks(sim.Hooks{Concession: func(party int, _ *agents.NegotiatorParams) agents.ConcessionStrategy {
		moves[party], self[party] = moves[party][:0], self[party][:0]
		return tftStrategy{rate: 0.2, moves: &moves[party], self: &self[party]}
	}})
	ref := sc.Talks.ConcessionRef
	checked := 0
	for i := range uint64(10) {
		r.Run(mc.ReplicationRand(3, i), nil)
		for p := range 2 {
			for k := range moves[p] {
				want := math.Min(1, self[1-p][k]/ref)
				if got := moves[p][k]; math.Abs(got-want) > 1e-15 {
					t.Fatalf("rep %d party %d call %d: reciprocity %v, want the other's last concession %v/%v = %v", i, p, k, got, self[1-p][k], ref, want)
				}
				if moves[p][k] > 0 {
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no strategy ever saw a concession by the other side")
	}
}

// Stateful hooks and a stateful policy keep a replication free of
// allocations. (Not parallel: testing.AllocsPerRun refuses parallel tests.)
func TestStatefulRulesAllocateNothing(t *testing.T) {
	sc := sim.DefaultScenario()
	r, err := sim.NewReplication(sc, &patient{Rounds: 20})
	if err != nil {
		t.Fatal(err)
	}
	r.SetHooks(grudgeHooks())
	rng := mc.ReplicationRand(1, 0)
	r.Run(rng, nil)
	if a := testing.AllocsPerRun(50, func() { r.Run(rng, nil) }); a != 0 {
		t.Errorf("Run with stateful rules allocates %v per replication, want 0", a)
	}
}

// Sweeps carry an arm's custom behaviours and stateful policy to every
// design point, with the same result on 1 and 3 workers.
func TestSweepCarriesCustomBehaviours(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	sc.Horizon = 120
	p, err := sim.SweepParam("talks.open_rate", 0.05, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	d, err := mc.Grid([]mc.Param[sim.Arm]{p}, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	frozen := func() sim.Hooks {
		calls.Add(1)
		return sim.Hooks{Trust: func(int, *agents.NegotiatorParams) agents.TrustRule { return frozenTrust{} }}
	}
	base := sim.Arm{Scenario: sc, Policy: &patient{Rounds: 10}, NewHooks: frozen}
	var runs [][]sim.SweepPoint
	for _, w := range []int{1, 3} {
		pts, err := sim.RunSweep(context.Background(), mc.RunConfig{Seed: 5, Replications: 48, Workers: w, BlockSize: 8}, d, base, 0, len(d.Points))
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, pts)
	}
	if calls.Load() == 0 {
		t.Fatal("the sweep never called the arm's NewHooks")
	}
	for j := range runs[0] {
		if !runs[0][j].Result.Summary.Equal(runs[1][j].Result.Summary) {
			t.Errorf("point %d: 1 and 3 workers differ", j)
		}
		if n := len(runs[0][j].Result.Failures); n != 0 {
			t.Errorf("point %d: %d failures", j, n)
		}
	}
	// Under the frozen rule no outcome's trust moves from its initial value.
	st := &sim.Study{Arms: []sim.Arm{base}}
	res, err := sim.RunStudy(context.Background(), st, mc.RunConfig{Seed: 5, Replications: 16, Workers: 2, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range res.Outcomes {
		if o.Arms[0].Trust[0] != sc.Parties[0].Negotiator.InitialTrust {
			t.Fatalf("replication %d: trust %v under a frozen rule, want %v", i, o.Arms[0].Trust[0], sc.Parties[0].Negotiator.InitialTrust)
		}
	}
}

// frozenTrust never moves trust.
type frozenTrust struct{}

func (frozenTrust) Gain(t, _ float64) float64 { return t }
func (frozenTrust) Lose(t, _ float64) float64 { return t }
