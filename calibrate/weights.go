package calibrate

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// weigh sets the normalised importance weights of generation g, whose
// particles were proposed from prev through kernel k:
//
//	w_i ∝ π(θ_i) / Σ_j w_j^(t-1) K_t(θ_i | θ_j^(t-1)),
//
// computed in logs with the log-sum-exp trick, in parallel by particle
// (O(N²p²) work for N particles of p parameters).
func (r *runner) weigh(ctx context.Context, prev, g *Generation, k *kernel) error {
	t := g.Index
	logW := g.Weights
	logPrev := make([]float64, len(prev.Weights))
	for j, w := range prev.Weights {
		logPrev[j] = math.Log(w) // -Inf for a zero weight
	}
	err := forEach(ctx, r.n, len(r.workers), func(wi, i int) error {
		w := r.workers[wi]
		th := g.Particles[i]
		mx := math.Inf(-1)
		for j, pj := range prev.Particles {
			v := logPrev[j]
			if !math.IsInf(v, -1) {
				v += k.of(j).logDensity(th, pj, w.z)
			}
			w.terms[j] = v
			mx = max(mx, v)
		}
		sum := 0.0
		for _, v := range w.terms {
			sum += math.Exp(v - mx)
		}
		logW[i] = logPrior(r.cfg.Params, th) - (mx + math.Log(sum))
		return nil
	})
	if err != nil {
		return fmt.Errorf("calibrate: generation %d weights: %w", t, err)
	}
	mx := slices.Max(logW)
	if math.IsInf(mx, 0) || math.IsNaN(mx) {
		return fmt.Errorf("calibrate: generation %d: largest log weight is %v: %w", t, mx, ErrDegenerate)
	}
	tot := 0.0
	for i, v := range logW {
		logW[i] = math.Exp(v - mx)
		tot += logW[i]
	}
	for i := range logW {
		logW[i] /= tot
	}
	return nil
}
