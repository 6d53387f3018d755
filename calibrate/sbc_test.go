package calibrate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRank(t *testing.T) {
	t.Parallel()
	draws := []float64{0.5, -1, 2, 0.5, 3}
	for _, c := range []struct {
		truth float64
		want  int
	}{{-2, 0}, {0.5, 1}, {0.6, 3}, {2.5, 4}, {10, 5}} {
		if got := Rank(c.truth, draws); got != c.want {
			t.Errorf("Rank(%v) = %d, want %d", c.truth, got, c.want)
		}
	}
}

func TestResample(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	w := []float64{0, 1, 3}
	const n = 40000
	counts := make([]int, 3)
	for _, i := range Resample(w, n, rng) {
		counts[i]++
	}
	if counts[0] != 0 {
		t.Errorf("index with zero weight drawn %d times", counts[0])
	}
	// Binomial(n, 3/4): SD sqrt(n·3/16) ≈ 87; allow 4 SD.
	if d := math.Abs(float64(counts[2]) - 0.75*n); d > 4*math.Sqrt(n*3.0/16) {
		t.Errorf("index 2 drawn %d times, want %v ± %v", counts[2], 0.75*n, 4*math.Sqrt(n*3.0/16))
	}
}

func TestTestRanks(t *testing.T) {
	t.Parallel()
	// L = 3 (ranks 0..3), 2 bins of width 2; 14 ranks in {0, 1}, 6 in {2, 3}:
	// E = 10, X² = (16 + 16)/10 = 3.2, P(χ²₁ ≥ 3.2) = erfc(sqrt(3.2/2)).
	ranks := make([]int, 0, 20)
	for i := range 14 {
		ranks = append(ranks, i%2)
	}
	for i := range 6 {
		ranks = append(ranks, 2+i%2)
	}
	got, err := TestRanks(ranks, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantP := math.Erfc(math.Sqrt(1.6))
	if got.Counts[0] != 14 || got.Counts[1] != 6 || got.DF != 1 || math.Abs(got.ChiSquare-3.2) > 1e-12 || math.Abs(got.P-wantP) > 1e-12 {
		t.Errorf("TestRanks = %+v, want counts [14 6], X² 3.2, df 1, P %v", got, wantP)
	}
	bad := []struct {
		name    string
		ranks   []int
		l, bins int
		want    string
	}{
		{"L", ranks, 0, 2, "L = 0"},
		{"bins", ranks, 3, 1, "bins = 1"},
		{"divide", ranks, 3, 3, "does not divide L + 1 = 4"},
		{"range", append([]int{4}, ranks...), 3, 2, "rank 0 = 4"},
		{"few", ranks[:9], 3, 2, "want ≥ 5"},
	}
	for _, tc := range bad {
		if _, err := TestRanks(tc.ranks, tc.l, tc.bins); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrInvalid mentioning %q", tc.name, err, tc.want)
		}
	}
}

// TestSBCToy runs simulation-based calibration (Talts et al. 2018) on the
// normal-mean toy model with its conjugate N(0, 1) prior: for each of M
// repetitions, μ* is drawn from the prior, ȳ from the model at μ*, the ABC
// posterior is computed, and the rank of μ* among L = 19 draws resampled
// from it is recorded. If the ABC posterior is calibrated the ranks are
// uniform on 0..19. At the final tolerance 0.15 (with s = 0.5) the ABC
// posterior's extra variance h²/3 is 3% of s², far below what M = 200
// ranks can detect, so the test asks only that the chi-square p-value on 10
// bins is not tiny (> 0.001) on this fixed seed, and reports it.
func TestSBCToy(t *testing.T) {
	t.Parallel()
	const (
		m    = 200
		l    = 19
		s    = 0.5
		bins = 10
	)
	prior := normalPrior{Mu: 0, SD: 1}
	rng := rand.New(rand.NewPCG(2018, 1804))
	ranks := make([]int, m)
	for rep := range m {
		truth := prior.Rand(rng)
		y := truth + s*rng.NormFloat64()
		res, err := Run(context.Background(), Config{
			Params:       []Param{{Name: "mu", Prior: prior}},
			Model:        meanModel(s),
			Observed:     []float64{y},
			Scale:        []float64{1},
			Particles:    100,
			Seed:         uint64(rep),
			Workers:      1,
			FinalEpsilon: 0.15,
		})
		if err != nil {
			t.Fatal(err)
		}
		post := res.Posterior()
		draws := make([]float64, l)
		for j, i := range Resample(post.Weights, l, rng) {
			draws[j] = post.Particles[i][0]
		}
		ranks[rep] = Rank(truth, draws)
	}
	test, err := TestRanks(ranks, l, bins)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SBC: %d ranks of %d draws, counts %v, X² = %.2f on %d df, p = %.3f", m, l, test.Counts, test.ChiSquare, test.DF, test.P)
	if test.P < 0.001 {
		t.Errorf("rank uniformity p = %.2g, want > 0.001 (counts %v)", test.P, test.Counts)
	}
}
