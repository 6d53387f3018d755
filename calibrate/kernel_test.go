package calibrate

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// TestGaussianAgainstGonum checks the kernel's log density against gonum's
// distmv.Normal, an independent implementation.
func TestGaussianAgainstGonum(t *testing.T) {
	t.Parallel()
	cov := []float64{2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5}
	mu := []float64{1, -2, 0.5}
	g, ok := newGaussian(3, append([]float64(nil), cov...))
	if !ok {
		t.Fatal("covariance rejected")
	}
	ref, ok := distmv.NewNormal(mu, mat.NewSymDense(3, cov), nil)
	if !ok {
		t.Fatal("gonum rejected the covariance")
	}
	z := make([]float64, 3)
	for _, x := range [][]float64{{0, 0, 0}, {1, -2, 0.5}, {3, 1, -1}} {
		got, want := g.logDensity(x, mu, z), ref.LogProb(x)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("logDensity(%v) = %v, want %v", x, got, want)
		}
	}
	if _, ok := newGaussian(2, []float64{1, 1, 1, 1}); ok {
		t.Error("singular covariance accepted")
	}
	// Samples have the covariance: check the (0, 1) entry within 4 SE.
	rng := rand.New(rand.NewPCG(9, 9))
	const n = 40000
	x := make([]float64, 3)
	s01 := 0.0
	for range n {
		g.sample(x, mu, z, rng)
		s01 += (x[0] - mu[0]) * (x[1] - mu[1])
	}
	// Var((X0-μ0)(X1-μ1)) = Σ00 Σ11 + Σ01² for a normal.
	if se := math.Sqrt((2*1 + 0.36) / n); math.Abs(s01/n-0.6) > 4*se {
		t.Errorf("sample covariance(0, 1) = %v, want 0.6 ± %v", s01/n, 4*se)
	}
}

// TestOLCM checks the local covariance of Filippi et al. against its
// definition Σ_j = Σ_{k∈S} ω̃_k (θ_k - θ_j)(θ_k - θ_j)ᵀ on a small
// hand-made generation.
func TestOLCM(t *testing.T) {
	t.Parallel()
	prev := &Generation{
		Particles: [][]float64{{0, 0}, {1, 0}, {0, 2}, {5, 5}},
		Weights:   []float64{0.25, 0.25, 0.25, 0.25},
		Distances: []float64{0.1, 0.2, 0.3, 0.9},
	}
	k, err := buildKernel(KernelOLCM, prev, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	// For ancestor 0: S = {0, 1, 2} with ω̃ = 1/3: Σ = (1/3)[[1, 0], [0, 4]].
	want, _ := newGaussian(2, []float64{1.0 / 3, 0, 0, 4.0 / 3})
	z := make([]float64, 2)
	x, mu := []float64{0.4, -0.7}, []float64{0, 0}
	if got, w := k.of(0).logDensity(x, mu, z), want.logDensity(x, mu, z); math.Abs(got-w) > 1e-12 {
		t.Errorf("OLCM log density for ancestor 0 = %v, want %v", got, w)
	}
	// Ancestor 3 (outside S) gets C_S + (μ_S - θ_3)(μ_S - θ_3)ᵀ, a valid
	// positive definite matrix; direct sum for (3): μ_S = (1/3, 2/3).
	var direct [4]float64
	for _, p := range prev.Particles[:3] {
		a, b := p[0]-5, p[1]-5
		direct[0] += (a * a) / 3
		direct[1] += (a * b) / 3
		direct[3] += (b * b) / 3
	}
	direct[2] = direct[1]
	want3, _ := newGaussian(2, direct[:])
	if got, w := k.of(3).logDensity(x, prev.Particles[3], z), want3.logDensity(x, prev.Particles[3], z); math.Abs(got-w) > 1e-12 {
		t.Errorf("OLCM log density for ancestor 3 = %v, want %v", got, w)
	}
}

// TestSeedsAndPool checks that the seeds of neighbouring tuples differ and
// that the pool visits every index once for any number of workers.
func TestSeedsAndPool(t *testing.T) {
	t.Parallel()
	seen := map[[2]uint64]bool{}
	for g := range 3 {
		for i := range 20 {
			for a := range 5 {
				for _, s := range [][2]uint64{pair(SimulationSeed(1, g, i, a)), pair(ProposalSeed(1, g, i, a))} {
					if seen[s] {
						t.Fatalf("seed %v repeated at (%d, %d, %d)", s, g, i, a)
					}
					seen[s] = true
				}
			}
		}
	}
	if pair(SimulationSeed(1, 0, 1, 0)) == pair(SimulationSeed(1, 1, 0, 0)) {
		t.Error("generation and particle are interchangeable in the seed")
	}
	for _, w := range []int{0, 1, 2, 7, 100} {
		visits := make([]int, 50)
		if err := forEach(context.Background(), 50, w, func(_, i int) error { visits[i]++; return nil }); err != nil {
			t.Fatal(err)
		}
		for i, v := range visits {
			if v != 1 {
				t.Errorf("workers %d: index %d visited %d times", w, i, v)
			}
		}
	}
}

func pair(a, b uint64) [2]uint64 { return [2]uint64{a, b} }
