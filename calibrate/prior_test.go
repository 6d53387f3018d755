package calibrate

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPriorDensities checks that each prior's density integrates to 1 over
// its range (Simpson's rule, 2000 intervals) and is -Inf outside it, and
// that its draws have the analytic mean (within 4 standard errors).
func TestPriorDensities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		p        Prior
		lo, hi   float64
		mean, sd float64 // analytic
	}{
		{"uniform", Uniform{Lo: -1, Hi: 3}, -1, 3, 1, 4 / math.Sqrt(12)},
		// Beta(2, 5) on [10, 20]: mean 10 + 10·2/7, sd 10·sqrt(αβ/((α+β)²(α+β+1))).
		{"beta", Beta{Alpha: 2, Beta: 5, Lo: 10, Hi: 20}, 10, 20, 10 + 20.0/7, 10 * math.Sqrt(10.0/(49*8))},
		{"beta-flat", Beta{Alpha: 1, Beta: 1, Lo: 0, Hi: 2}, 0, 2, 1, 2 / math.Sqrt(12)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const n = 2000
			step := (tc.hi - tc.lo) / n
			z := 0.0
			for i := 0; i <= n; i++ {
				c := 2.0
				switch {
				case i == 0 || i == n:
					c = 1
				case i%2 == 1:
					c = 4
				}
				z += c * math.Exp(tc.p.LogProb(tc.lo+float64(i)*step))
			}
			z *= step / 3
			if math.Abs(z-1) > 1e-6 {
				t.Errorf("∫ density = %v, want 1", z)
			}
			for _, x := range []float64{tc.lo - 1e-9, tc.hi + 1e-9, math.NaN()} {
				if lp := tc.p.LogProb(x); !math.IsInf(lp, -1) {
					t.Errorf("LogProb(%v) = %v outside the range, want -Inf", x, lp)
				}
			}
			rng := rand.New(rand.NewPCG(3, 4))
			const draws = 20000
			s := 0.0
			for range draws {
				x := tc.p.Rand(rng)
				if x < tc.lo || x > tc.hi {
					t.Fatalf("draw %v outside [%v, %v]", x, tc.lo, tc.hi)
				}
				s += x
			}
			if se := tc.sd / math.Sqrt(draws); math.Abs(s/draws-tc.mean) > 4*se {
				t.Errorf("mean of draws %v, want %v ± %v", s/draws, tc.mean, 4*se)
			}
		})
	}
}

func TestPriorValidate(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	bad := []interface{ Validate() error }{
		Uniform{Lo: 1, Hi: 1}, Uniform{Lo: -inf, Hi: 0}, Uniform{Lo: math.NaN(), Hi: 1},
		Beta{Alpha: 0, Beta: 1, Lo: 0, Hi: 1}, Beta{Alpha: 1, Beta: inf, Lo: 0, Hi: 1}, Beta{Alpha: 1, Beta: 1, Lo: 2, Hi: 1},
	}
	for _, p := range bad {
		if err := p.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: Validate() = %v, want ErrInvalid", p, err)
		}
	}
	for _, p := range []interface{ Validate() error }{Uniform{Lo: 0, Hi: 1}, Beta{Alpha: 0.5, Beta: 3, Lo: -1, Hi: 1}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", p, err)
		}
	}
}
