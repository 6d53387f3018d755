package calibrate

import (
	"errors"
	"math"
	"testing"
)

func TestWeightedStats(t *testing.T) {
	t.Parallel()
	x := []float64{3, 1, 2, 4}
	w := []float64{0.1, 0.2, 0.3, 0.4}
	// Hand-computed: mean = 0.3 + 0.2 + 0.6 + 1.6 = 2.7.
	if got := WeightedMean(x, w); math.Abs(got-2.7) > 1e-15 {
		t.Errorf("WeightedMean = %v, want 2.7", got)
	}
	// Σw(x-2.7)² = 0.1·0.09 + 0.2·2.89 + 0.3·0.49 + 0.4·1.69 = 1.41;
	// Σw² = 0.3; V = 1.41 / 0.7.
	if got := WeightedVariance(x, w); math.Abs(got-1.41/0.7) > 1e-14 {
		t.Errorf("WeightedVariance = %v, want %v", got, 1.41/0.7)
	}
	// Equal weights: the usual n - 1 variance of 1 2 3 4 is 5/3.
	if got := WeightedVariance(x, []float64{5, 5, 5, 5}); math.Abs(got-5.0/3) > 1e-14 {
		t.Errorf("equal-weight variance = %v, want 5/3", got)
	}
	if got := WeightedVariance([]float64{1, 2}, []float64{0, 1}); !math.IsNaN(got) {
		t.Errorf("variance with one positive weight = %v, want NaN", got)
	}
	// Sorted: 1 (0.2), 2 (0.3, cum 0.5), 3 (0.1, cum 0.6), 4 (0.4, cum 1).
	for _, q := range []struct{ p, want float64 }{{0, 1}, {0.2, 1}, {0.21, 2}, {0.5, 2}, {0.55, 3}, {0.61, 4}, {1, 4}} {
		if got := WeightedQuantile(q.p, x, w); got != q.want {
			t.Errorf("WeightedQuantile(%v) = %v, want %v", q.p, got, q.want)
		}
	}
	// ESS: 1/Σw² = 1/0.3; equal weights give n; one weight gives 1.
	for _, e := range []struct {
		w    []float64
		want float64
	}{{w, 1 / 0.3}, {[]float64{2, 2, 2}, 3}, {[]float64{0, 7, 0}, 1}} {
		if got := ESS(e.w); math.Abs(got-e.want) > 1e-12 {
			t.Errorf("ESS(%v) = %v, want %v", e.w, got, e.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	g := &Generation{
		Particles: [][]float64{{3, 0}, {1, 0}, {2, 0}, {4, 1}},
		Weights:   []float64{0.1, 0.2, 0.3, 0.4},
	}
	s, err := Summarize(g, []string{"a", "b"}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	a := s[0]
	// Interval: quantiles 0.25 and 0.75 of the weights above are 2 and 4.
	if a.Name != "a" || a.Lo != 2 || a.Hi != 4 || a.N != 4 || math.Abs(a.Mean-2.7) > 1e-15 ||
		math.Abs(a.MCSE-math.Sqrt(1.41/0.7*0.3)) > 1e-14 {
		t.Errorf("Summary a = %+v, want mean 2.7, [2, 4], MCSE sqrt(V/ESS)", a)
	}
	bad := []struct {
		name  string
		g     *Generation
		names []string
		level float64
	}{
		{"nil", nil, nil, 0.9},
		{"level", g, nil, 1},
		{"names", g, []string{"a"}, 0.9},
		{"weights", &Generation{Particles: [][]float64{{1}, {2}}, Weights: []float64{1, -1}}, nil, 0.9},
		{"zero", &Generation{Particles: [][]float64{{1}, {2}}, Weights: []float64{0, 0}}, nil, 0.9},
		{"length", &Generation{Particles: [][]float64{{1}, {2}}, Weights: []float64{1}}, nil, 0.9},
	}
	for _, tc := range bad {
		if _, err := Summarize(tc.g, tc.names, tc.level); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Summarize error %v, want ErrInvalid", tc.name, err)
		}
	}
}
