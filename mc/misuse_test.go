package mc

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRunMisuse checks that configurations and arguments a caller can get
// wrong are reported as errors naming the mistake, never as a false
// "context canceled" or a nil dereference.
func TestRunMisuse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"start near 2^64", func() error {
			_, err := Run(context.Background(), RunConfig{Start: math.MaxUint64 - 3, Replications: 3}, newWalk(1), newWalkSum)
			return err
		}, "past 2⁶⁴−1"},
		{"nil context", func() error {
			//lint:ignore SA1012 the nil context is the point of the test
			_, err := Run(nil, RunConfig{Replications: 3}, newWalk(1), newWalkSum) //nolint:staticcheck
			return err
		}, "nil context"},
		{"nil replicator constructor", func() error {
			_, err := Run[int64, *walkSum](context.Background(), RunConfig{Replications: 3}, nil, newWalkSum)
			return err
		}, "nil newReplicator"},
		{"nil summary constructor", func() error {
			_, err := Run[int64, *walkSum](context.Background(), RunConfig{Replications: 3}, newWalk(1), nil)
			return err
		}, "nil newSummary"},
		{"sequential nil context", func() error {
			_, err := RunSequential(nil, RunConfig{Replications: 3}, Sequential[*walkSum]{}, newWalk(1), newWalkSum) //nolint:staticcheck
			return err
		}, "nil context"},
		{"design nil design", func() error {
			_, err := RunDesign[int, int64, *walkSum](context.Background(), RunConfig{Replications: 3}, nil, 0, 0, 0,
				func(int) (Replicator[int64], error) { return &walk{}, nil }, newWalkSum)
			return err
		}, "nil design"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestRunStartNearEnd checks that a run ending exactly at the last
// representable block still runs.
func TestRunStartNearEnd(t *testing.T) {
	t.Parallel()
	b := uint64(4)
	start := (math.MaxUint64/b - 1) * b // the last whole block below 2⁶⁴
	res, err := Run(context.Background(), RunConfig{Start: start, Replications: 3, BlockSize: int(b)}, newWalk(1), newWalkSum)
	if err != nil || res.Done != 3 {
		t.Fatalf("got done %v, err %v; want 3 replications, no error", res, err)
	}
}

// slow is a replicator with long replications that polls the stop
// function installed through Stopper every step.
type slow struct {
	stop    func() bool
	started *atomic.Int64
	steps   int
}

func (s *slow) SetStop(stop func() bool) { s.stop = stop }

func (s *slow) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	if rep > 0 {
		s.started.Add(1)
	}
	steps := s.steps
	if rep == 0 {
		steps = 10 // replication 0 is short and finishes
	}
	for i := 0; i < steps; i++ {
		if s.stop != nil && s.stop() {
			return 0, ErrStopped
		}
		rng.Uint64()
	}
	return 1, nil
}

// TestStopperAbandonsReplication checks that cancellation reaches inside
// a long replication: the abandoned replication is neither finished nor a
// failure, and the replications finished before it are kept.
func TestStopperAbandonsReplication(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started atomic.Int64
	steps := 1 << 62 // never ends unless stopped
	cfg := RunConfig{Replications: 10, Workers: 1, BlockSize: 1, Progress: func(done, total int) {}}
	newRep := func() (Replicator[int64], error) {
		return &slow{started: &started, steps: steps}, nil
	}
	go func() {
		for started.Load() == 0 { // wait for the endless replication 1
			runtime.Gosched()
		}
		cancel()
	}()
	res, err := Run(ctx, cfg, newRep, newWalkSum)
	if err == nil {
		t.Fatal("got no error from a cancelled run")
	}
	if res.Done != 1 || len(res.Failures) != 0 || !res.Partial || res.Summary.N != 1 {
		t.Errorf("got done %d, failures %d, partial %v, summary n %d; want 1, 0, true, 1", res.Done, len(res.Failures), res.Partial, res.Summary.N)
	}
}
