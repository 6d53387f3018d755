package calibrate

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Rank returns the rank statistic of simulation-based calibration (Talts et
// al. 2018): the number of posterior draws strictly below the true value,
//
//	r = #{ l : draws_l < truth },  r ∈ {0, …, L}.
//
// If the posterior is calibrated and the L draws are independent, r is
// uniform on {0, …, L} over repetitions (truth from the prior, data from the
// model at truth, draws from the posterior given the data).
func Rank(truth float64, draws []float64) int {
	r := 0
	for _, x := range draws {
		if x < truth {
			r++
		}
	}
	return r
}

// Resample returns l indices drawn with replacement from {0, …, n-1} with
// probabilities proportional to w (multinomial resampling), using only rng.
// Taking parameter k of particles Resample(g.Weights, L, rng) gives the L
// unweighted posterior draws that Rank needs; keep L well below the ESS,
// since repeated particles make the draws dependent (Talts et al. advise
// thinning correlated draws). It panics if w is empty or sums to zero or
// less, or l < 0.
func Resample(w []float64, l int, rng *rand.Rand) []int {
	if len(w) == 0 || l < 0 {
		panic("calibrate: Resample: empty weights or negative count")
	}
	cum := make([]float64, len(w))
	s := 0.0
	for i, v := range w {
		s += v
		cum[i] = s
	}
	if !(s > 0) {
		panic("calibrate: Resample: weights sum to zero")
	}
	out := make([]int, l)
	for i := range out {
		out[i] = min(sort.SearchFloat64s(cum, rng.Float64()*s), len(w)-1)
	}
	return out
}

// RankTest is Pearson's chi-square test that SBC rank statistics are
// uniform on {0, …, L}, after grouping the L + 1 possible ranks into Bins
// bins of equal width (L + 1)/Bins:
//
//	X² = Σ_b (O_b - E)² / E,  E = M / Bins,
//
// with M the number of ranks; under uniformity X² is approximately
// chi-square with Bins - 1 degrees of freedom, and P = P(χ²_{Bins-1} ≥ X²).
type RankTest struct {
	// M is the number of ranks tested.
	M int `json:"m"`
	// L is the number of posterior draws per rank.
	L int `json:"l"`
	// Counts holds O_b, the number of ranks in each bin.
	Counts []int `json:"counts"`
	// Expected is E = M / Bins.
	Expected float64 `json:"expected"`
	// ChiSquare is X².
	ChiSquare float64 `json:"chi_square"`
	// DF is Bins - 1.
	DF int `json:"df"`
	// P is the upper-tail p-value.
	P float64 `json:"p"`
}

// TestRanks bins the ranks (each in [0, l]) into bins equal-width bins and
// returns the chi-square uniformity test. It returns an error wrapping
// ErrInvalid if l < 1, bins < 2, bins does not divide l + 1 (unequal bins
// would not be uniform under the null), a rank is outside [0, l], or the
// expected count per bin M / bins is below 5, where the chi-square
// approximation is poor.
func TestRanks(ranks []int, l, bins int) (*RankTest, error) {
	switch {
	case l < 1:
		return nil, fmt.Errorf("calibrate: TestRanks: L = %d: want ≥ 1: %w", l, ErrInvalid)
	case bins < 2:
		return nil, fmt.Errorf("calibrate: TestRanks: bins = %d: want ≥ 2: %w", bins, ErrInvalid)
	case (l+1)%bins != 0:
		return nil, fmt.Errorf("calibrate: TestRanks: bins = %d does not divide L + 1 = %d: %w", bins, l+1, ErrInvalid)
	}
	e := float64(len(ranks)) / float64(bins)
	if e < 5 {
		return nil, fmt.Errorf("calibrate: TestRanks: %d ranks in %d bins: expected count %v per bin: want ≥ 5: %w", len(ranks), bins, e, ErrInvalid)
	}
	width := (l + 1) / bins
	t := &RankTest{M: len(ranks), L: l, Counts: make([]int, bins), Expected: e, DF: bins - 1}
	for i, r := range ranks {
		if r < 0 || r > l {
			return nil, fmt.Errorf("calibrate: TestRanks: rank %d = %d: want in [0, %d]: %w", i, r, l, ErrInvalid)
		}
		t.Counts[r/width]++
	}
	for _, o := range t.Counts {
		t.ChiSquare += (float64(o) - e) * (float64(o) - e) / e
	}
	t.P = distuv.ChiSquared{K: float64(t.DF)}.Survival(t.ChiSquare)
	return t, nil
}
