package mc

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// meanHalfWidth is 1.96 standard errors of the walk's mean.
func meanHalfWidth(s *walkSum) float64 {
	if s.N < 2 {
		return math.NaN()
	}
	n := float64(s.N)
	mean := float64(s.Sum) / n
	v := (float64(s.SumSq) - n*mean*mean) / (n - 1)
	return 1.96 * math.Sqrt(v/n)
}

func TestRunSequential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		start         uint64
		cap           int
		target        float64
		min           int
		wantConverged bool
	}{
		{"converges", 0, 100000, 0.1, 0, true},
		{"unaligned start", 100, 100000, 0.1, 0, true},
		{"min replications", 0, 100000, 10, 3000, true},
		{"cap", 7, 1500, 0.01, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ref *SequentialResult[int64, *walkSum]
			for _, workers := range []int{1, 2, 7} {
				cfg := RunConfig{Seed: 8, Start: tt.start, Replications: tt.cap, BlockSize: 64, Workers: workers}
				stop := Sequential[*walkSum]{BatchSize: 256, MinReplications: tt.min, Target: tt.target, HalfWidth: meanHalfWidth}
				got, err := RunSequential(context.Background(), cfg, stop, newWalk(25), newWalkSum)
				if err != nil {
					t.Fatal(err)
				}
				if got.Converged != tt.wantConverged || (got.Converged && got.HalfWidth > tt.target) {
					t.Errorf("workers=%d: Converged=%v HalfWidth=%v after %d", workers, got.Converged, got.HalfWidth, got.Replications)
				}
				if got.Replications < tt.min || got.Replications > tt.cap || (!got.Converged && got.Replications != tt.cap) {
					t.Errorf("workers=%d: stopped after %d replications", workers, got.Replications)
				}
				if end := got.End(); end%256 != 0 && got.Replications != tt.cap {
					t.Errorf("workers=%d: stopped at %d, not a batch end", workers, end)
				}
				if ref == nil {
					ref = got
					// The result is that of a single Run over the same range,
					// including the rounding-sensitive float sum.
					whole, err := Run(context.Background(), RunConfig{Seed: 8, Start: tt.start, Replications: got.Replications, BlockSize: 64, Workers: 3}, newWalk(25), newWalkSum)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got.RunResult, whole) {
						t.Errorf("sequential result %+v differs from Run %+v", got.RunResult, whole)
					}
					continue
				}
				if !reflect.DeepEqual(got, ref) {
					t.Errorf("workers=%d: stopped after %d (half-width %v), workers=1 after %d (%v)",
						workers, got.Replications, got.HalfWidth, ref.Replications, ref.HalfWidth)
				}
			}
		})
	}
}

func TestRunSequentialCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	newRep := func() (Replicator[int64], error) {
		return &cancelAt{walk: walk{Steps: 10}, At: 1500, Cancel: cancel}, nil
	}
	stop := Sequential[*walkSum]{BatchSize: 512, Target: 0, HalfWidth: meanHalfWidth}
	got, err := RunSequential(ctx, RunConfig{Seed: 2, Replications: 100000, BlockSize: 64, Workers: 2}, stop, newRep, newWalkSum)
	if got == nil || got.Batches != 3 {
		t.Fatalf("got %+v, %v; want 3 batches", got, err)
	}
	checkPartial(t, got.RunResult, err, func() Replicator[int64] { return &walk{Steps: 10} })
}

func TestRunSequentialErrors(t *testing.T) {
	t.Parallel()
	cfg := RunConfig{Replications: 10, BlockSize: 64}
	for _, tt := range []struct {
		stop    Sequential[*walkSum]
		wantErr string
	}{
		{Sequential[*walkSum]{BatchSize: 100, HalfWidth: meanHalfWidth}, "multiple of the block size 64"},
		{Sequential[*walkSum]{BatchSize: -64, HalfWidth: meanHalfWidth}, "BatchSize"},
		{Sequential[*walkSum]{MinReplications: -1, HalfWidth: meanHalfWidth}, "MinReplications"},
		{Sequential[*walkSum]{Target: math.NaN(), HalfWidth: meanHalfWidth}, "Target"},
		{Sequential[*walkSum]{}, "HalfWidth is nil"},
	} {
		_, err := RunSequential(context.Background(), cfg, tt.stop, newWalk(1), newWalkSum)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%+v: got %v, want error containing %q", tt.stop, err, tt.wantErr)
		}
	}
	boom := errors.New("boom")
	_, err := RunSequential(context.Background(), cfg, Sequential[*walkSum]{HalfWidth: meanHalfWidth},
		func() (Replicator[int64], error) { return nil, boom }, newWalkSum)
	if !errors.Is(err, boom) {
		t.Errorf("factory error: got %v", err)
	}
}
