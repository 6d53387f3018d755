package calibrate

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDistanceHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    Distance
		s, o []float64
		want float64
	}{
		// sqrt(((3-1)/2)² + ((0-4)/1)²) = sqrt(1 + 16)
		{"unweighted", Distance{Scale: []float64{2, 1}}, []float64{3, 0}, []float64{1, 4}, math.Sqrt(17)},
		// sqrt(4·1 + 0·16)
		{"weighted", Distance{Scale: []float64{2, 1}, Weights: []float64{4, 0}}, []float64{3, 0}, []float64{1, 4}, 2},
		{"equal", Distance{Scale: []float64{0.1}}, []float64{7}, []float64{7}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.d.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := tc.d.Dist(tc.s, tc.o); math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("Dist = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewDistance(t *testing.T) {
	t.Parallel()
	// Column 0: 1 2 3 4 100: median 3, deviations 2 1 0 1 97, MAD 1.
	// Column 1: 0 0 0 1 0: MAD 0, falls back to the SD sqrt(0.2) (mean 0.2,
	// Σ(x - 0.2)² = 0.8, /4).
	ref := [][]float64{{1, 0}, {2, 0}, {3, 0}, {4, 1}, {100, 0}}
	d, err := NewDistance(ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1.482602218505602, math.Sqrt(0.2)}
	for k := range want {
		if math.Abs(d.Scale[k]-want[k]) > 1e-12 {
			t.Errorf("Scale[%d] = %v, want %v", k, d.Scale[k], want[k])
		}
	}
	// 1.4826 is 1/Φ⁻¹(0.75).
	if z := 0.6744897501960817; math.Abs(madToSD*z-1) > 1e-15 {
		t.Errorf("madToSD·Φ⁻¹(0.75) = %v, want 1", madToSD*z)
	}
	bad := []struct {
		name string
		ref  [][]float64
		w    []float64
		want string
	}{
		{"one row", [][]float64{{1}}, nil, "1 reference rows"},
		{"empty rows", [][]float64{{}, {}}, nil, "rows are empty"},
		{"ragged", [][]float64{{1, 2}, {1}}, nil, "row 1 has 1 summaries"},
		{"nan", [][]float64{{1}, {math.NaN()}}, nil, "row 1 summary 0 = NaN"},
		{"constant", [][]float64{{1, 5}, {2, 5}}, nil, "summary 1 is constant (5)"},
		{"weights", [][]float64{{1}, {2}}, []float64{math.Inf(1)}, "Distance.Weights[0] = +Inf"},
	}
	for _, tc := range bad {
		if _, err := NewDistance(tc.ref, tc.w); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: NewDistance error %v, want ErrInvalid mentioning %q", tc.name, err, tc.want)
		}
	}
	if err := (&Distance{}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty Distance: Validate() = %v, want ErrInvalid", err)
	}
}
