package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// walk is a toy model: a ±1 random walk of Steps steps. It keeps a
// buffer between replications, as real models do, and yields the
// processor to force interleaving of workers.
type walk struct {
	Steps int
	path  []int64
}

func (w *walk) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	w.path = w.path[:0]
	var x int64
	for i := 0; i < w.Steps; i++ {
		if rng.IntN(2) == 0 {
			x--
		} else {
			x++
		}
		w.path = append(w.path, x)
		if i%8 == 0 {
			runtime.Gosched()
		}
	}
	return x, nil
}

func newWalk(steps int) func() (Replicator[int64], error) {
	return func() (Replicator[int64], error) { return &walk{Steps: steps}, nil }
}

// walkSum is an exact summary (integer sums) plus one order-sensitive
// floating-point sum F, and checks that it sees replications in
// increasing index order.
type walkSum struct {
	N, Sum, SumSq, Hits int64
	F                   float64
	First, Last         uint64
	OutOfOrder          int
}

func newWalkSum() *walkSum { return &walkSum{} }

func (s *walkSum) Add(rep uint64, x int64) {
	if s.N > 0 && rep <= s.Last {
		s.OutOfOrder++
	}
	if s.N == 0 {
		s.First = rep
	}
	s.Last = rep
	s.N++
	s.Sum += x
	s.SumSq += x * x
	if x > 0 {
		s.Hits++
	}
	s.F += math.Sqrt(math.Abs(float64(x))) / 3
}

func (s *walkSum) Merge(o *walkSum) error {
	if o.N == 0 {
		return nil
	}
	if s.N > 0 && o.First <= s.Last {
		s.OutOfOrder++
	}
	if s.N == 0 {
		s.First = o.First
	}
	s.Last = o.Last
	s.N += o.N
	s.Sum += o.Sum
	s.SumSq += o.SumSq
	s.Hits += o.Hits
	s.F += o.F
	s.OutOfOrder += o.OutOfOrder
	return nil
}

func (s *walkSum) Reset() { *s = walkSum{} }

// exact returns s without its rounding-sensitive field.
func (s walkSum) exact() walkSum {
	s.F = 0
	return s
}

func TestRunWorkerInvariance(t *testing.T) {
	t.Parallel()
	base := RunConfig{Seed: 2024, Start: 5, Replications: 1000, BlockSize: 16, KeepOutcomes: true}
	run := func(workers int) *RunResult[int64, *walkSum] {
		cfg := base
		cfg.Workers = workers
		res, err := Run(context.Background(), cfg, newWalk(40), newWalkSum)
		if err != nil {
			t.Fatalf("workers=%d: %v", workers, err)
		}
		return res
	}
	want := run(1)
	if want.Summary.N != int64(base.Replications) || want.Partial || want.Summary.OutOfOrder != 0 {
		t.Fatalf("workers=1: got N=%d Partial=%v OutOfOrder=%d", want.Summary.N, want.Partial, want.Summary.OutOfOrder)
	}
	if w := []RepRange{{5, 1005}}; !reflect.DeepEqual(want.Covered, w) {
		t.Errorf("Covered = %v, want %v", want.Covered, w)
	}
	for _, i := range []int{0, 1, 500, 999} {
		x, err := Replay(base.Seed, base.Start+uint64(i), &walk{Steps: 40})
		if err != nil || x != want.Outcomes[i] {
			t.Errorf("Replay(%d) = %d, %v; want %d", base.Start+uint64(i), x, err, want.Outcomes[i])
		}
	}
	for _, workers := range []int{2, 3, 7, 64} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			t.Parallel()
			got := run(workers)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("result differs from workers=1:\ngot  %+v\nwant %+v", *got.Summary, *want.Summary)
			}
		})
	}
}

func TestRunShardMerge(t *testing.T) {
	t.Parallel()
	const total = 1000
	whole, err := Run(context.Background(), RunConfig{Seed: 9, Replications: total, BlockSize: 32, Workers: 3, KeepOutcomes: true}, newWalk(20), newWalkSum)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3, 7, 64} {
		t.Run(fmt.Sprintf("shards=%d", n), func(t *testing.T) {
			t.Parallel()
			var merged *RunResult[int64, *walkSum]
			for i := range n {
				start, count := ShardRange(i, n, total)
				r, err := Run(context.Background(), RunConfig{Seed: 9, Start: start, Replications: count, BlockSize: 32, Workers: 2, KeepOutcomes: true}, newWalk(20), newWalkSum)
				if err != nil {
					t.Fatal(err)
				}
				if merged == nil {
					merged = r
					continue
				}
				if err := merged.Merge(r); err != nil {
					t.Fatalf("merge shard %d: %v", i, err)
				}
			}
			if got, want := merged.Summary.exact(), whole.Summary.exact(); got != want {
				t.Errorf("summary: got %+v, want %+v", got, want)
			}
			if math.Abs(merged.Summary.F-whole.Summary.F) > 1e-9*whole.Summary.F {
				t.Errorf("float sum: got %v, want %v", merged.Summary.F, whole.Summary.F)
			}
			if !reflect.DeepEqual(merged.Covered, whole.Covered) || merged.Done != whole.Done ||
				!reflect.DeepEqual(merged.Outcomes, whole.Outcomes) || merged.Start != 0 || merged.Replications != total {
				t.Errorf("merged result %+v differs from whole", merged)
			}
		})
	}
}

func TestRunResultMergeErrors(t *testing.T) {
	t.Parallel()
	mk := func(seed, start uint64, n, bs int) *RunResult[int64, *walkSum] {
		r, err := Run(context.Background(), RunConfig{Seed: seed, Start: start, Replications: n, BlockSize: bs, Workers: 1}, newWalk(2), newWalkSum)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name    string
		a, b    *RunResult[int64, *walkSum]
		wantErr string
	}{
		{"adjacent", mk(1, 0, 10, 4), mk(1, 10, 5, 4), ""},
		{"empty other", mk(1, 0, 10, 4), mk(1, 50, 0, 4), ""},
		{"seed", mk(1, 0, 10, 4), mk(2, 10, 5, 4), "seeds differ"},
		{"block size", mk(1, 0, 10, 4), mk(1, 10, 5, 8), "block sizes differ"},
		{"overlap", mk(1, 0, 10, 4), mk(1, 9, 5, 4), "overlap"},
		{"precedes", mk(1, 10, 10, 4), mk(1, 0, 10, 4), "precedes"},
		{"gap", mk(1, 0, 10, 4), mk(1, 11, 5, 4), "gap"},
	}
	for _, tt := range tests {
		err := tt.a.Merge(tt.b)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestShardRange(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 12; n++ {
		for total := 0; total <= 60; total++ {
			seen := make([]int, total)
			var next uint64
			lo, hi := total, 0
			for i := range n {
				start, count := ShardRange(i, n, total)
				if start != next {
					t.Fatalf("ShardRange(%d, %d, %d) starts at %d, want %d", i, n, total, start, next)
				}
				for k := start; k < start+uint64(count); k++ {
					seen[k]++
				}
				next = start + uint64(count)
				lo, hi = min(lo, count), max(hi, count)
			}
			for k, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d total=%d: index %d covered %d times", n, total, k, c)
				}
			}
			if next != uint64(total) || hi-lo > 1 {
				t.Fatalf("n=%d total=%d: end %d, shard sizes in [%d,%d]", n, total, next, lo, hi)
			}
		}
	}
}

// cancelAt is a walk that cancels the run's context when it reaches
// replication At.
type cancelAt struct {
	walk
	At     uint64
	Cancel context.CancelFunc
}

func (c *cancelAt) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	if rep == c.At {
		c.Cancel()
	}
	return c.walk.Replicate(rep, rng)
}

func checkPartial(t *testing.T, res *RunResult[int64, *walkSum], err error, model func() Replicator[int64]) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !res.Partial {
		t.Errorf("Partial = false")
	}
	// Covered is sorted, disjoint, non-adjacent and inside the range.
	var done uint64
	for i, c := range res.Covered {
		if c.Lo >= c.Hi || c.Lo < res.Start || c.Hi > res.End() || (i > 0 && c.Lo <= res.Covered[i-1].Hi) {
			t.Fatalf("bad Covered %v", res.Covered)
		}
		done += c.Len()
	}
	if int(done) != res.Done || res.Done >= res.Replications {
		t.Fatalf("Covered %v holds %d, Done = %d of %d", res.Covered, done, res.Done, res.Replications)
	}
	// The summary is exactly the covered replications, recomputed alone.
	want := newWalkSum()
	m := model()
	for _, c := range res.Covered {
		for rep := c.Lo; rep < c.Hi; rep++ {
			x, err := Replay(res.Seed, rep, m)
			if err != nil {
				t.Fatal(err)
			}
			want.Add(rep, x)
			if res.Outcomes != nil && res.Outcomes[rep-res.Start] != x {
				t.Fatalf("Outcomes[%d] = %d, want %d", rep-res.Start, res.Outcomes[rep-res.Start], x)
			}
		}
	}
	if got := res.Summary.exact(); got != want.exact() {
		t.Errorf("partial summary %+v, want %+v", got, want.exact())
	}
}

func TestRunCancel(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 2, 7} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const at = 300
			cfg := RunConfig{Seed: 3, Start: 100, Replications: 5000, BlockSize: 64, Workers: workers, KeepOutcomes: true}
			res, err := Run(ctx, cfg, func() (Replicator[int64], error) {
				return &cancelAt{walk: walk{Steps: 30}, At: at, Cancel: cancel}, nil
			}, newWalkSum)
			if res == nil {
				t.Fatalf("nil result, err %v", err)
			}
			checkPartial(t, res, err, func() Replicator[int64] { return &walk{Steps: 30} })
			covered := false
			for _, c := range res.Covered {
				covered = covered || (c.Lo <= at && at < c.Hi)
			}
			if !covered {
				t.Errorf("replication %d, which cancelled the run, is not in Covered %v", at, res.Covered)
			}
		})
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, RunConfig{Seed: 1, Replications: 100, Workers: 4}, newWalk(5), newWalkSum)
	if !errors.Is(err, context.Canceled) || res == nil || !res.Partial || res.Done != 0 || len(res.Covered) != 0 || res.Summary.N != 0 {
		t.Errorf("got %+v, %v; want an empty partial result and context.Canceled", res, err)
	}
}

// TestRunNoGoroutineLeak runs cancelled runs inside a synctest bubble,
// which fails if any goroutine started by Run is still alive at the end.
func TestRunNoGoroutineLeak(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, workers := range []int{1, 3, 8} {
			ctx, cancel := context.WithCancel(t.Context())
			res, err := Run(ctx, RunConfig{Seed: 5, Replications: 10000, BlockSize: 8, Workers: workers},
				func() (Replicator[int64], error) {
					return &cancelAt{walk: walk{Steps: 10}, At: 777, Cancel: cancel}, nil
				}, newWalkSum)
			checkPartial(t, res, err, func() Replicator[int64] { return &walk{Steps: 10} })
			cancel()
			// A complete run with more workers than blocks.
			if _, err := Run(t.Context(), RunConfig{Seed: 5, Replications: 10, BlockSize: 4, Workers: workers}, newWalk(3), newWalkSum); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// faulty panics at replication PanicAt and fails at ErrAt.
type faulty struct {
	walk
	PanicAt, ErrAt uint64
}

var errFaulty = errors.New("faulty: deliberate error")

func (f *faulty) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	x, _ := f.walk.Replicate(rep, rng)
	switch rep {
	case f.PanicAt:
		panic(fmt.Sprintf("boom at %d (x=%d)", rep, x))
	case f.ErrAt:
		return 0, errFaulty
	}
	return x, nil
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	newFaulty := func() (Replicator[int64], error) {
		return &faulty{walk: walk{Steps: 10}, PanicAt: 37, ErrAt: 50}, nil
	}
	var ref *RunResult[int64, *walkSum]
	for _, workers := range []int{1, 2, 7} {
		cfg := RunConfig{Seed: 11, Replications: 200, BlockSize: 16, Workers: workers}
		res, err := Run(context.Background(), cfg, newFaulty, newWalkSum)
		if err != nil {
			t.Fatalf("workers=%d: %v", workers, err)
		}
		if res.Done != 200 || res.Succeeded() != 198 || res.Summary.N != 198 || res.Partial {
			t.Errorf("workers=%d: Done=%d Succeeded=%d N=%d Partial=%v", workers, res.Done, res.Succeeded(), res.Summary.N, res.Partial)
		}
		if len(res.Failures) != 2 {
			t.Fatalf("workers=%d: failures %v, want 2", workers, res.Failures)
		}
		p, e := res.Failures[0], res.Failures[1]
		s1, s2 := ReplicationSeed(11, 37)
		if p.Rep != 37 || p.Seed1 != s1 || p.Seed2 != s2 {
			t.Errorf("panic failure %+v, want rep 37 seeds %#x %#x", p, s1, s2)
		}
		var pe *PanicError
		if !errors.As(p.Err, &pe) || !strings.HasPrefix(fmt.Sprint(pe.Value), "boom at 37") || !strings.Contains(string(pe.Stack), "runner_test.go") {
			t.Errorf("panic failure error %v, want a *PanicError with value and stack", p.Err)
		}
		if !strings.Contains(p.Error(), "replication 37") {
			t.Errorf("Failure.Error() = %q, want it to name replication 37", p.Error())
		}
		if e.Rep != 50 || !errors.Is(e, errFaulty) {
			t.Errorf("error failure %+v, want rep 50 wrapping errFaulty", e)
		}
		// Replay reproduces the panic, with the same walk.
		_, err = Replay(11, 37, Replicator[int64](&faulty{walk: walk{Steps: 10}, PanicAt: 37, ErrAt: 50}))
		var rpe *PanicError
		if !errors.As(err, &rpe) || rpe.Value != pe.Value {
			t.Errorf("Replay: got %v, want panic %v", err, pe.Value)
		}
		if ref == nil {
			ref = res
		} else if *res.Summary != *ref.Summary {
			t.Errorf("workers=%d: summary %+v, want %+v", workers, *res.Summary, *ref.Summary)
		}
	}
}

func TestRunProgress(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 2, 7} {
		var calls []int // appended without locking: the race detector checks callbacks never overlap
		cfg := RunConfig{Seed: 1, Start: 3, Replications: 1001, BlockSize: 50, Workers: workers,
			Progress: func(done, total int) {
				if total != 1001 {
					t.Errorf("total = %d, want 1001", total)
				}
				calls = append(calls, done)
			}}
		if _, err := Run(context.Background(), cfg, newWalk(5), newWalkSum); err != nil {
			t.Fatal(err)
		}
		// [3, 1004) meets blocks 0..20 of size 50.
		if len(calls) != 21 || calls[len(calls)-1] != 1001 {
			t.Fatalf("workers=%d: %d calls ending at %v, want 21 ending at 1001", workers, len(calls), calls[len(calls)-1:])
		}
		for i := 1; i < len(calls); i++ {
			if calls[i] <= calls[i-1] {
				t.Fatalf("workers=%d: progress not increasing: %v", workers, calls)
			}
		}
	}
}

type badSum struct{ walkSum }

func (b *badSum) Merge(o *badSum) error {
	if o.N > 0 && b.N > 100 {
		return errors.New("badSum: full")
	}
	return b.walkSum.Merge(&o.walkSum)
}

func (b *badSum) Reset() { b.walkSum.Reset() }

func TestRunErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := Run(ctx, RunConfig{Replications: -1, Workers: -2, BlockSize: -3}, newWalk(1), newWalkSum); err == nil ||
		!strings.Contains(err.Error(), "Replications") || !strings.Contains(err.Error(), "Workers") || !strings.Contains(err.Error(), "BlockSize") {
		t.Errorf("invalid config: got %v, want all three problems", err)
	}
	if _, err := Run(ctx, RunConfig{Start: math.MaxUint64, Replications: 2}, newWalk(1), newWalkSum); err == nil {
		t.Errorf("overflowing range: got nil error")
	}
	boom := errors.New("no model")
	if _, err := Run(ctx, RunConfig{Replications: 2}, func() (Replicator[int64], error) { return nil, boom }, newWalkSum); !errors.Is(err, boom) {
		t.Errorf("factory error: got %v, want %v", err, boom)
	}
	res, err := Run(ctx, RunConfig{Replications: 0}, newWalk(1), newWalkSum)
	if err != nil || res.Done != 0 || res.Partial || res.Summary.N != 0 {
		t.Errorf("zero replications: got %+v, %v", res, err)
	}
	newBad := func() *badSum { return &badSum{} }
	bad, err := Run(ctx, RunConfig{Replications: 1000, BlockSize: 10, Workers: 3}, newWalk(1), newBad)
	if err == nil || !strings.Contains(err.Error(), "badSum: full") || !bad.Partial || bad.Summary.N != int64(bad.Done) {
		t.Errorf("summary merge error: got %+v, %v", bad, err)
	}
}

// TestRunAllocsDoNotGrow checks that the engine allocates per run, not
// per replication or per block: 64 times more replications cost no more
// allocations. It is not parallel because testing.AllocsPerRun refuses
// to run during parallel tests.
func TestRunAllocsDoNotGrow(t *testing.T) {
	allocs := func(n int) float64 {
		cfg := RunConfig{Seed: 1, Replications: n, BlockSize: 64, Workers: 2}
		newRep := func() (Replicator[int64], error) { return &walk{Steps: 4, path: make([]int64, 0, 4)}, nil }
		return testing.AllocsPerRun(20, func() {
			if _, err := Run(context.Background(), cfg, newRep, newWalkSum); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(1<<10), allocs(1<<16)
	if large > small+2 {
		t.Errorf("allocations grow with replications: %v for 2¹⁰, %v for 2¹⁶", small, large)
	}
}
