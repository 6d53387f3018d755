package calibrate

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestSchedule checks both tolerance rules on a hand-made generation.
func TestSchedule(t *testing.T) {
	t.Parallel()
	// Sorted by distance: d 0.1 (w 0.1), 0.2 (0.4), 0.3 (0.1), 0.4 (0.4).
	prev := &Generation{
		Distances: []float64{0.4, 0.1, 0.3, 0.2},
		Weights:   []float64{0.4, 0.1, 0.1, 0.4},
	}
	prev.ESS = ESS(prev.Weights) // 1/0.34
	tests := []struct {
		sched Schedule
		alpha float64
		want  float64
	}{
		// Cumulative weights 0.1, 0.5, 0.6, 1.
		{ScheduleQuantile, 0.5, 0.2},
		{ScheduleQuantile, 0.55, 0.3},
		{ScheduleQuantile, 0.05, 0.1},
		// Restricted ESS: {0.1}: 1; {0.1, 0.4}: 0.25/0.17 = 1.47;
		// {0.1, 0.4, 0.1}: 0.36/0.18 = 2; all: 2.94. Target α·2.94.
		{ScheduleESS, 0.3, 0.1}, // 0.88
		{ScheduleESS, 0.5, 0.2}, // 1.47 ≥ 1.47
		{ScheduleESS, 0.6, 0.3}, // 1.76
		{ScheduleESS, 0.9, 0.4}, // 2.65
	}
	for _, tc := range tests {
		r := &runner{cfg: Config{Schedule: tc.sched, Alpha: tc.alpha}, n: 4}
		if got := r.nextEpsilon(prev); got != tc.want {
			t.Errorf("%v α = %v: ε = %v, want %v", tc.sched, tc.alpha, got, tc.want)
		}
	}
}

// TestWeightedQuantileGonum compares WeightedQuantile with gonum's
// stat.Quantile (stat.Empirical), an independent implementation.
func TestWeightedQuantileGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 57)
	w := make([]float64, 57)
	for i := range x {
		x[i], w[i] = rng.NormFloat64(), rng.Float64()
	}
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return compareFloat(x[a], x[b]) })
	xs, ws := make([]float64, len(x)), make([]float64, len(x))
	for k, i := range idx {
		xs[k], ws[k] = x[i], w[i]
	}
	for _, p := range []float64{0, 0.01, 0.05, 0.25, 0.5, 0.9, 0.95, 0.999} { // gonum panics at p = 1 when its two sums round apart
		if got, want := WeightedQuantile(p, x, w), stat.Quantile(p, stat.Empirical, xs, ws); got != want {
			t.Errorf("WeightedQuantile(%v) = %v, want gonum's %v", p, got, want)
		}
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
