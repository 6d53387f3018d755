package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/metrics"
)

// paired runs several variants of a model on common random numbers.
type paired[O any] struct {
	seed     uint64
	variants []Replicator[O]
	pcg      rand.PCG
	rng      *rand.Rand
}

// NewPaired returns a Replicator that runs every variant on replication
// rep, each with a freshly seeded generator identical to the one Run
// gives replication rep of master seed seed (common random numbers), and
// returns their outcomes in variant order. seed must be the Seed of the
// run, as RunPaired ensures. A variant's error or panic fails the whole
// replication, the error naming the variant.
//
// Each call allocates the returned slice; the variants are called in
// turn, so they need not be safe for concurrent use.
func NewPaired[O any](seed uint64, variants []Replicator[O]) Replicator[[]O] {
	p := &paired[O]{seed: seed, variants: variants}
	p.rng = rand.New(&p.pcg)
	return p
}

// Replicate runs every variant on the generator of replication rep.
func (p *paired[O]) Replicate(rep uint64, _ *rand.Rand) ([]O, error) {
	out := make([]O, len(p.variants))
	for v, r := range p.variants {
		SeedReplication(&p.pcg, p.seed, rep)
		o, err := replicate(r, rep, p.rng)
		if err != nil {
			return nil, fmt.Errorf("variant %d: %w", v, err)
		}
		out[v] = o
	}
	return out, nil
}

// RunPaired is Run for a paired comparison: newVariants builds, for each
// worker, one replicator per variant (always the same number, in the same
// order), and every variant of replication i draws the same random
// numbers, from rand.NewPCG(ReplicationSeed(cfg.Seed, i)). Outcomes reach
// the summary as one []O per replication, indexed by variant, so it can
// form paired differences (see PairedDiff).
func RunPaired[O any, S Summary[[]O, S]](ctx context.Context, cfg RunConfig, newVariants func() ([]Replicator[O], error), newSummary func() S) (*RunResult[[]O, S], error) {
	if newVariants == nil {
		return nil, errors.New("mc: RunPaired: nil newVariants function")
	}
	return Run(ctx, cfg, func() (Replicator[[]O], error) {
		vs, err := newVariants()
		if err != nil {
			return nil, err
		}
		return NewPaired(cfg.Seed, vs), nil
	}, newSummary)
}

// PairedDiff is a Summary of paired outcomes ([]O, one per variant) that
// compares every variant with variant 0. Metric maps an outcome to a
// fixed-point integer (for example rounds to agreement, or a payoff in
// units of 1/Scale); every variant's values and every paired difference
// go into a metrics.Moments, whose sums are exact, so merges are exact and
// the summary is bit-identical across workers, shards and batches. Values
// and differences are exact while |Metric| < 2⁵² (they are converted to
// float64).
type PairedDiff[O any] struct {
	// Metric maps an outcome to the compared quantity, in units of
	// 1/Scale.
	Metric func(O) int64
	// Scale divides every reported mean and standard error; zero means 1.
	Scale float64

	k int
	n int64
	x []metrics.Moments // per variant
	d []metrics.Moments // variant v minus variant 0; d[0] unused
}

// NewPairedDiff returns an empty PairedDiff for the given number of
// variants (at least two).
func NewPairedDiff[O any](variants int, metric func(O) int64, scale float64) *PairedDiff[O] {
	if variants < 2 {
		panic(fmt.Sprintf("mc: NewPairedDiff: %d variants, want ≥ 2", variants))
	}
	return &PairedDiff[O]{Metric: metric, Scale: scale, k: variants,
		x: make([]metrics.Moments, variants), d: make([]metrics.Moments, variants)}
}

// Add folds in the outcomes of one replication. It panics if len(o) is
// not the number of variants.
func (p *PairedDiff[O]) Add(rep uint64, o []O) {
	if len(o) != p.k {
		panic(fmt.Sprintf("mc: PairedDiff.Add: replication %d has %d outcomes, want %d", rep, len(o), p.k))
	}
	p.n++
	x0 := p.Metric(o[0])
	p.x[0].Add(float64(x0)) // finite: an int64 converted
	for v := 1; v < p.k; v++ {
		xv := p.Metric(o[v])
		p.x[v].Add(float64(xv))
		p.d[v].Add(float64(xv - x0))
	}
}

// Merge folds q into p. It returns an error if they have different
// numbers of variants or scales.
func (p *PairedDiff[O]) Merge(q *PairedDiff[O]) error {
	if p.k != q.k || p.Scale != q.Scale {
		return fmt.Errorf("mc: PairedDiff.Merge: %d variants at scale %v with %d at scale %v", p.k, p.Scale, q.k, q.Scale)
	}
	p.n += q.n
	for v := range p.k {
		p.x[v].Merge(&q.x[v])
		p.d[v].Merge(&q.d[v])
	}
	return nil
}

// Reset empties p.
func (p *PairedDiff[O]) Reset() {
	p.n = 0
	clear(p.x)
	clear(p.d)
}

// N returns the number of replications added.
func (p *PairedDiff[O]) N() int64 { return p.n }

func (p *PairedDiff[O]) scale() float64 {
	if p.Scale == 0 {
		return 1
	}
	return p.Scale
}

// Mean returns the mean of variant v's metric, divided by Scale.
func (p *PairedDiff[O]) Mean(v int) float64 {
	return p.x[v].Mean() / p.scale()
}

// PairedEstimate compares variant Variant with variant 0 over N paired
// replications. Means and standard errors are in units of Metric/Scale.
type PairedEstimate struct {
	// Variant is the compared variant, ≥ 1.
	Variant int
	// N is the number of paired replications.
	N int64
	// Base and Mean are the means of variant 0 and of Variant.
	Base, Mean float64
	// Diff is the mean paired difference Mean − Base.
	Diff float64
	// PairedSE is the standard error of Diff from the paired differences,
	// sqrt(s²_d / N).
	PairedSE float64
	// UnpairedSE is the standard error Diff would have with independent
	// samples of the same size, sqrt((s²_v + s²_0) / N).
	UnpairedSE float64
	// VarianceReduction is (s²_v + s²_0) / s²_d, the factor by which
	// common random numbers cut the variance of Diff (or the number of
	// replications needed); +Inf if s²_d = 0 < s²_v + s²_0.
	VarianceReduction float64
}

// Diff returns the comparison of variant v (1 ≤ v < variants) with
// variant 0. Standard errors are NaN with fewer than two replications.
func (p *PairedDiff[O]) Diff(v int) PairedEstimate {
	if v < 1 || v >= p.k {
		panic(fmt.Sprintf("mc: PairedDiff.Diff(%d): want 1 ≤ v < %d", v, p.k))
	}
	sc := p.scale()
	m0, v0 := p.x[0].Mean(), p.x[0].Variance()
	mv, vv := p.x[v].Mean(), p.x[v].Variance()
	md, vd := p.d[v].Mean(), p.d[v].Variance()
	n := float64(p.n)
	e := PairedEstimate{
		Variant:    v,
		N:          p.n,
		Base:       m0 / sc,
		Mean:       mv / sc,
		Diff:       md / sc,
		PairedSE:   math.Sqrt(vd/n) / sc,
		UnpairedSE: math.Sqrt((vv+v0)/n) / sc,
	}
	switch {
	case vd > 0:
		e.VarianceReduction = (vv + v0) / vd
	case vv+v0 > 0:
		e.VarianceReduction = math.Inf(1)
	default:
		e.VarianceReduction = math.NaN()
	}
	return e
}
