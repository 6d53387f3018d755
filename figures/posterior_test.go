package figures

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestPosteriorFigures(t *testing.T) {
	t.Parallel()
	samples := [][]float64{{1, 10}, {2, 30}, {3, 20}, {2.5, 25}}
	w := []float64{0.1, 0.4, 0.3, 0.2}
	pairs, err := PosteriorPairs([]string{"a", "b"}, samples, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs.Plots) != 2 || pairs.Plots[0][1] != nil || pairs.Plots[1][0] == nil {
		t.Errorf("pairs grid: want 2 × 2 with the upper triangle empty and the lower filled")
	}
	// The columns share the parameter's range, so axes line up.
	if p := pairs.Plots[1][0]; p.X.Min != 1 || p.X.Max != 3 || p.Y.Min != 10 || p.Y.Max != 30 {
		t.Errorf("scatter ranges x [%v, %v], y [%v, %v]; want [1, 3], [10, 30]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	pred, err := PosteriorPredictive([]PredictiveTarget{
		{Name: "weeks", Observed: 35, Simulated: []float64{30, 40, 50, 45}, Weights: w, Reference: 60},
		{Name: "leaked", Observed: 0, Simulated: []float64{0, 0, 0, 0}, Reference: math.NaN()},
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The observed and reference values are inside the x range.
	if p := pred.Plots[0][0]; p.X.Min > 30 || p.X.Max < 60 {
		t.Errorf("predictive x range [%v, %v], want it to cover 30..60", p.X.Min, p.X.Max)
	}
	for name, f := range map[string]Figure{"pairs": pairs, "predictive": pred} {
		var buf bytes.Buffer
		if err := Write(&buf, f, "svg", 10*vg.Centimeter, 8*vg.Centimeter); err != nil || buf.Len() == 0 {
			t.Errorf("%s: Write: %v (%d bytes)", name, err, buf.Len())
		}
	}
}

func TestPosteriorErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"no names", errOf(PosteriorPairs(nil, [][]float64{{1}}, nil)), ErrNoData},
		{"short row", errOf(PosteriorPairs([]string{"a", "b"}, [][]float64{{1}}, nil)), ErrMismatch},
		{"weights length", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{1})), ErrMismatch},
		{"negative weight", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{1, -1})), ErrDomain},
		{"zero weights", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{0, 0})), ErrDomain},
		{"NaN value", errOf(PosteriorPairs([]string{"a"}, [][]float64{{math.NaN()}, {2}}, nil)), ErrDomain},
		{"no targets", errOf(PosteriorPredictive(nil, 3)), ErrNoData},
		{"no simulations", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x"}}, 3)), ErrNoData},
		{"bad cols", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x", Simulated: []float64{1}}}, 0)), ErrDomain},
		{"NaN observed", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x", Observed: math.NaN(), Simulated: []float64{1}}}, 1)), ErrDomain},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, c.err, c.want)
		}
	}
}

func TestSparseTicks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{26, 156, []string{"50", "100", "150"}},
		{0, 0.002, []string{"0", "0.002"}},
		{1.8e-5, 0.00125, []string{"0.0005", "0.001"}},
		{-1, 1, []string{"-1", "0", "1"}},
		{0.01, 0.1, []string{"0.05", "0.1"}},
		{0.0139, 0.0994, []string{"0.025", "0.05", "0.075"}},
	} {
		var got []string
		for _, tk := range (sparseTicks{}).Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if len(got) != len(c.want) {
			t.Errorf("[%v, %v]: labels %q, want %q", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("[%v, %v]: labels %q, want %q", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
}

// errOf returns the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

func TestSparseTicksMaxLabels(t *testing.T) {
	t.Parallel()
	var got []string
	for _, tk := range (sparseTicks{maxLabels: 2}).Ticks(0.0139, 0.0994) {
		got = append(got, tk.Label)
	}
	if want := []string{"0.025", "", "0.075"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("labels %q, want %q", got, want)
	}
}
