package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// KernelKind selects the covariance of the Gaussian perturbation kernel
// K_t(θ | θ_j) = N(θ; θ_j, Σ_j) of generation t ≥ 1.
type KernelKind int

const (
	// KernelGlobal uses one covariance for every ancestor, twice the
	// weighted covariance of the previous generation (Beaumont et al. 2009):
	//
	//	Σ_j = 2 Σ_i w_i (θ_i - μ)(θ_i - μ)ᵀ,  μ = Σ_i w_i θ_i.
	KernelGlobal KernelKind = iota
	// KernelOLCM uses the optimal local covariance matrix of Filippi et al.
	// (2013): for ancestor θ_j, with S the previous particles whose distance
	// is at most the new tolerance ε_t and ω̃ their renormalised weights,
	//
	//	Σ_j = Σ_{k∈S} ω̃_k (θ_k - θ_j)(θ_k - θ_j)ᵀ
	//	    = C_S + (μ_S - θ_j)(μ_S - θ_j)ᵀ,
	//
	// with μ_S and C_S the weighted mean and covariance of S. An ancestor
	// whose Σ_j is not positive definite (S too small) falls back to the
	// global kernel.
	KernelOLCM
)

// String returns "global" or "olcm".
func (k KernelKind) String() string {
	switch k {
	case KernelGlobal:
		return "global"
	case KernelOLCM:
		return "olcm"
	}
	return fmt.Sprintf("KernelKind(%d)", int(k))
}

// gaussian is one multivariate normal N(·; μ, Σ) without its mean: the
// lower Cholesky factor L of Σ (row-major, d×d) and the log normalising
// constant -½(d log 2π + log det Σ).
type gaussian struct {
	l       []float64
	logNorm float64
}

// newGaussian factorises the d×d covariance cov (row-major, symmetric). It
// returns false if cov is not positive definite.
func newGaussian(d int, cov []float64) (gaussian, bool) {
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(d, cov)) {
		return gaussian{}, false
	}
	var lt mat.TriDense
	ch.LTo(&lt)
	l := make([]float64, d*d)
	for r := range d {
		for c := 0; c <= r; c++ {
			l[r*d+c] = lt.At(r, c)
		}
	}
	logDet := ch.LogDet()
	if !finite(logDet) {
		return gaussian{}, false
	}
	return gaussian{l: l, logNorm: -0.5 * (float64(d)*math.Log(2*math.Pi) + logDet)}, true
}

// sample writes μ + L z to dst, z a vector of rng.NormFloat64 draws; z is
// scratch of length d.
func (g *gaussian) sample(dst, mu, z []float64, rng *rand.Rand) {
	d := len(mu)
	for i := range d {
		z[i] = rng.NormFloat64()
	}
	for r := range d {
		s := mu[r]
		for c := 0; c <= r; c++ {
			s += g.l[r*d+c] * z[c]
		}
		dst[r] = s
	}
}

// logDensity returns log N(x; μ, Σ) = logNorm - ½‖L⁻¹(x - μ)‖², solving by
// forward substitution into the scratch z of length d.
func (g *gaussian) logDensity(x, mu, z []float64) float64 {
	d := len(x)
	q := 0.0
	for r := range d {
		s := x[r] - mu[r]
		for c := range r {
			s -= g.l[r*d+c] * z[c]
		}
		z[r] = s / g.l[r*d+r]
		q += z[r] * z[r]
	}
	return g.logNorm - 0.5*q
}

// kernel is the perturbation kernel of one generation: a Gaussian per
// ancestor (shared for KernelGlobal).
type kernel struct {
	per []gaussian // len 1 (global) or N (one per ancestor)
}

func (k *kernel) of(j int) *gaussian {
	if len(k.per) == 1 {
		return &k.per[0]
	}
	return &k.per[j]
}

// weightedCov returns the weighted mean and the row-major weighted
// covariance Σ_i w_i (θ_i - μ)(θ_i - μ)ᵀ / Σ_i w_i of the rows of x whose
// index passes keep (nil keeps all).
func weightedCov(x [][]float64, w []float64, keep func(i int) bool) (mu, cov []float64) {
	d := len(x[0])
	mu = make([]float64, d)
	cov = make([]float64, d*d)
	sw := 0.0
	for i, xi := range x {
		if keep != nil && !keep(i) {
			continue
		}
		sw += w[i]
		for a := range d {
			mu[a] += w[i] * xi[a]
		}
	}
	for a := range d {
		mu[a] /= sw
	}
	for i, xi := range x {
		if keep != nil && !keep(i) {
			continue
		}
		for a := range d {
			for b := range d {
				cov[a*d+b] += w[i] * (xi[a] - mu[a]) * (xi[b] - mu[b])
			}
		}
	}
	for a := range cov {
		cov[a] /= sw
	}
	return mu, cov
}

// buildKernel returns the perturbation kernel for the generation after
// prev, whose tolerance will be eps.
func buildKernel(kind KernelKind, prev *Generation, eps float64) (*kernel, error) {
	d := len(prev.Particles[0])
	_, cov := weightedCov(prev.Particles, prev.Weights, nil)
	for i := range cov {
		cov[i] *= 2
	}
	global, ok := newGaussian(d, cov)
	if !ok {
		return nil, fmt.Errorf("calibrate: generation %d: twice the weighted particle covariance %v is not positive definite: %w", prev.Index, cov, ErrDegenerate)
	}
	if kind == KernelGlobal {
		return &kernel{per: []gaussian{global}}, nil
	}
	in := func(i int) bool { return prev.Distances[i] <= eps }
	muS, covS := weightedCov(prev.Particles, prev.Weights, in)
	k := &kernel{per: make([]gaussian, len(prev.Particles))}
	local := make([]float64, d*d)
	for j, th := range prev.Particles {
		for a := range d {
			for b := range d {
				local[a*d+b] = covS[a*d+b] + (muS[a]-th[a])*(muS[b]-th[b])
			}
		}
		g, ok := newGaussian(d, local)
		if !ok {
			g = global
		}
		k.per[j] = g
	}
	return k, nil
}
