package mc

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// biasedWalk moves up with probability Up, drawing one uniform per step,
// so walks with different Up on the same numbers are strongly correlated.
type biasedWalk struct {
	Steps int
	Up    float64
}

func (w biasedWalk) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	var x int64
	for range w.Steps {
		if rng.Float64() < w.Up {
			x++
		} else {
			x--
		}
	}
	return x, nil
}

func identity(x int64) int64 { return x }

func TestRunPaired(t *testing.T) {
	t.Parallel()
	newVariants := func() ([]Replicator[int64], error) {
		return []Replicator[int64]{biasedWalk{50, 0.5}, biasedWalk{50, 0.55}, biasedWalk{50, 0.5}}, nil
	}
	newSum := func() *PairedDiff[int64] { return NewPairedDiff(3, identity, 0) }
	var ref *RunResult[[]int64, *PairedDiff[int64]]
	for _, workers := range []int{1, 2, 7} {
		cfg := RunConfig{Seed: 5, Replications: 4000, BlockSize: 64, Workers: workers, KeepOutcomes: true}
		res, err := RunPaired(context.Background(), cfg, newVariants, newSum)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		// DeepEqual would compare the Metric funcs, which are never equal.
		gs, ws := *res.Summary, *ref.Summary
		gs.Metric, ws.Metric = nil, nil
		if !reflect.DeepEqual(gs, ws) || !reflect.DeepEqual(res.Outcomes, ref.Outcomes) || !reflect.DeepEqual(res.Covered, ref.Covered) {
			t.Errorf("workers=%d: result differs from workers=1", workers)
		}
	}
	res := ref
	// Variant 0 sees exactly the numbers of a plain run.
	plain, err := Run(context.Background(), RunConfig{Seed: 5, Replications: 4000, KeepOutcomes: true},
		func() (Replicator[int64], error) { return biasedWalk{50, 0.5}, nil }, newWalkSum)
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float64, 4000)
	x1 := make([]float64, 4000)
	d := make([]float64, 4000)
	for i, o := range res.Outcomes {
		if o[0] != plain.Outcomes[i] || o[2] != o[0] {
			t.Fatalf("rep %d: outcomes %v, plain run %d", i, o, plain.Outcomes[i])
		}
		x0[i], x1[i], d[i] = float64(o[0]), float64(o[1]), float64(o[1]-o[0])
	}
	e := res.Summary.Diff(1)
	m0, v0 := stat.MeanVariance(x0, nil)
	m1, v1 := stat.MeanVariance(x1, nil)
	md, vd := stat.MeanVariance(d, nil)
	const tol = 1e-9
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Base", e.Base, m0},
		{"Mean", e.Mean, m1},
		{"Diff", e.Diff, md},
		{"PairedSE", e.PairedSE, math.Sqrt(vd / 4000)},
		{"UnpairedSE", e.UnpairedSE, math.Sqrt((v0 + v1) / 4000)},
		{"VarianceReduction", e.VarianceReduction, (v0 + v1) / vd},
	} {
		if math.Abs(c.got-c.want) > tol*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// E[diff] = 50·2·0.05 = 5.
	if math.Abs(e.Diff-5) > 4*e.PairedSE {
		t.Errorf("Diff = %v ± %v, want 5", e.Diff, e.PairedSE)
	}
	if e.VarianceReduction < 5 {
		t.Errorf("VarianceReduction = %v, want ≥ 5 for strongly correlated variants", e.VarianceReduction)
	}
	same := res.Summary.Diff(2)
	if same.Diff != 0 || same.PairedSE != 0 || !math.IsInf(same.VarianceReduction, 1) {
		t.Errorf("identical variants: %+v, want zero difference and infinite reduction", same)
	}
}

func TestPairedDiffScaleAndMerge(t *testing.T) {
	t.Parallel()
	p := NewPairedDiff(2, func(x float64) int64 { return int64(math.Round(x * 1000)) }, 1000)
	q := NewPairedDiff(2, p.Metric, 1000)
	p.Add(0, []float64{1.5, 2.0})
	q.Add(1, []float64{2.5, 2.75})
	if err := p.Merge(q); err != nil {
		t.Fatal(err)
	}
	e := p.Diff(1)
	if e.N != 2 || e.Base != 2 || e.Mean != 2.375 || e.Diff != 0.375 {
		t.Errorf("got %+v", e)
	}
	if got := p.Mean(0); got != 2 {
		t.Errorf("Mean(0) = %v, want 2", got)
	}
	if err := p.Merge(NewPairedDiff(3, p.Metric, 1000)); err == nil {
		t.Errorf("merge of 2 and 3 variants: got nil error")
	}
	p.Reset()
	if p.N() != 0 || !math.IsNaN(p.Mean(0)) {
		t.Errorf("after Reset: N = %d, Mean = %v", p.N(), p.Mean(0))
	}
}

type failingVariant struct{}

func (failingVariant) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	if rep == 3 {
		panic("variant broke")
	}
	return 0, nil
}

func TestRunPairedFailure(t *testing.T) {
	t.Parallel()
	newVariants := func() ([]Replicator[int64], error) {
		return []Replicator[int64]{biasedWalk{5, 0.5}, failingVariant{}}, nil
	}
	res, err := RunPaired(context.Background(), RunConfig{Seed: 1, Replications: 10, Workers: 2}, newVariants,
		func() *PairedDiff[int64] { return NewPairedDiff(2, identity, 0) })
	if err != nil {
		t.Fatal(err)
	}
	var pe *PanicError
	if len(res.Failures) != 1 || res.Failures[0].Rep != 3 || !errors.As(res.Failures[0].Err, &pe) ||
		!strings.Contains(res.Failures[0].Error(), "variant 1") || res.Summary.N() != 9 {
		t.Errorf("failures %v, N = %d; want replication 3 failing in variant 1", res.Failures, res.Summary.N())
	}
	vs, _ := newVariants()
	if _, err := Replay(1, 3, NewPaired(1, vs)); !errors.As(err, &pe) {
		t.Errorf("Replay: got %v, want the panic", err)
	}
}
