package sim

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
)

// badPolicy returns a channel outside the four valid ones.
type badPolicy struct{}

func (badPolicy) Name() string           { return "bad" }
func (badPolicy) Choose(v *View) Channel { return Channel(200) }

// TestLibraryMisuse checks that each misuse a caller can make is an error
// naming the mistake, not a panic or a silently wrong result.
func TestLibraryMisuse(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 30
	one := PolicyStudy(sc, []Policy{FrontOnly{}})
	two := PolicyStudy(sc, []Policy{FrontOnly{}, BackOnly{}})
	res1, err := RunStudy(context.Background(), one, mc.RunConfig{Seed: 1, Replications: 4})
	if err != nil {
		t.Fatal(err)
	}
	long := sc.Clone()
	long.Horizon = 60
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"nil scenario", func() error { _, err := NewReplication(nil, nil); return err }, "nil scenario"},
		{"nil scenario in arm", func() error {
			_, err := RunStudy(context.Background(), &Study{Arms: []Arm{{}}}, mc.RunConfig{Replications: 1})
			return err
		}, "no scenario"},
		{"nil study", func() error { _, err := RunStudy(context.Background(), nil, mc.RunConfig{Replications: 1}); return err }, "nil study"},
		{"nil generator", func() error { _, err := Simulate(sc, nil, nil); return err }, "nil generator"},
		{"nil context", func() error {
			_, err := RunStudy(nil, one, mc.RunConfig{Replications: 1}) //nolint:staticcheck // the nil context is the point
			return err
		}, "nil context"},
		{"reliance 5", func() error {
			_, err := RunStudy(context.Background(), PolicyStudy(sc, []Policy{Reliance{P: 5}}), mc.RunConfig{Replications: 1})
			return err
		}, "Reliance.P = 5: must be in [0, 1]"},
		{"reliance NaN", func() error {
			_, err := RunStudy(context.Background(), PolicyStudy(sc, []Policy{Reliance{P: math.NaN()}}), mc.RunConfig{Replications: 1})
			return err
		}, "Reliance.P = NaN"},
		{"switch threshold -1", func() error {
			_, err := RunStudy(context.Background(), PolicyStudy(sc, []Policy{BackThenFront{Threshold: -1}}), mc.RunConfig{Replications: 1})
			return err
		}, "BackThenFront.Threshold = -1"},
		{"report nil nil", func() error { _, err := NewReport(nil, nil, 0.95); return err }, "nil study"},
		{"report nil result", func() error { _, err := NewReport(one, nil, 0.95); return err }, "nil result"},
		{"report other study", func() error { _, err := NewReport(two, res1, 0.95); return err }, "not a result of this study"},
		{"report other horizon", func() error {
			_, err := NewReport(PolicyStudy(long, []Policy{FrontOnly{}}), res1, 0.95)
			return err
		}, "not a result of this study"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.err()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestInvalidChannelIsAFailure checks that a policy returning an invalid
// channel fails its replications (reported) instead of producing outcomes.
func TestInvalidChannelIsAFailure(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 200
	sc.Talks.OpenRate = 1
	s := PolicyStudy(sc, []Policy{badPolicy{}})
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 1, Replications: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) == 0 {
		t.Fatal("got no failures from a policy returning Channel(200)")
	}
	if msg := res.Failures[0].Error(); !strings.Contains(msg, "invalid channel Channel(200)") {
		t.Errorf("failure %q does not name the invalid channel", msg)
	}
	if k := res.Summary.Arms[0].Kinds[Breakthrough]; k != 0 {
		t.Errorf("%d breakthroughs counted from a policy that never chose a valid channel", k)
	}
}

// TestTypedNilObserverFunc checks that a nil ObserverFunc passed as an
// Observer observes nothing instead of panicking.
func TestTypedNilObserverFunc(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 20
	var f ObserverFunc
	if _, err := Simulate(sc, rand.New(rand.NewPCG(1, 2)), f); err != nil {
		t.Fatal(err)
	}
}

// TestStopReachesInsideReplication checks that a replicator polls the
// run's stop flag every stopEvery rounds and abandons the replication.
func TestStopReachesInsideReplication(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Horizon = 100000
	sc.Talks.OpenRate = 0 // talks never open: the replication runs to the horizon
	sc.Parties[0].Constituents.Size, sc.Parties[1].Constituents.Size = 10, 10
	r, err := PolicyStudy(sc, []Policy{FrontOnly{}}).newReplicator(false)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	r.(mc.Stopper).SetStop(func() bool { calls++; return calls == 3 })
	_, err = r.Replicate(0, rand.New(rand.NewPCG(1, 2)))
	if !errors.Is(err, mc.ErrStopped) {
		t.Fatalf("got error %v, want mc.ErrStopped", err)
	}
	if calls != 3 {
		t.Errorf("stop polled %d times, want 3 (every %d rounds)", calls, stopEvery)
	}
}

// TestSweepIndexOutOfRange checks that a sweep parameter indexing past the
// end of a list is an error naming the path and the list's length.
func TestSweepIndexOutOfRange(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"parties[5].negotiator.cost_rate", "spoilers[9].capability"} {
		p, err := SweepParam(name, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		a := Arm{Scenario: DefaultScenario()}
		err = p.Set(&a, 0.5)
		if err == nil || !strings.Contains(err.Error(), "index out of range") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got error %v, want index out of range naming the path", name, err)
		}
	}
}

// TestStopPollingAllocatesNothing checks that polling the stop flag keeps
// a worker's replications at 0 allocations after warm-up. (Not parallel:
// testing.AllocsPerRun refuses parallel tests.)
func TestStopPollingAllocatesNothing(t *testing.T) {
	sc := DefaultScenario()
	sc.Horizon = 300
	r, err := PolicyStudy(sc, []Policy{BackThenFront{Threshold: DefaultSwitchTrust}}).newReplicator(false)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	r.(mc.Stopper).SetStop(stop.Load)
	var pcg rand.PCG
	rng := rand.New(&pcg)
	rep := uint64(0)
	run := func() {
		pcg.Seed(rep, 7)
		if _, err := r.Replicate(rep, rng); err != nil {
			t.Fatal(err)
		}
		rep++
	}
	for range 20 {
		run() // warm-up: buffers grow to their working size
	}
	if n := testing.AllocsPerRun(50, run); n != 0 {
		t.Errorf("got %v allocations per replication with stop polling, want 0", n)
	}
}
