package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// bigSum is the exact sum of xs rounded to nearest-even by math/big, an
// independent implementation.
func bigSum(xs []float64) float64 {
	acc := new(big.Float).SetPrec(4000)
	for _, x := range xs {
		acc.Add(acc, new(big.Float).SetPrec(4000).SetFloat64(x))
	}
	f, _ := acc.Float64()
	return f
}

func TestExactSumMatchesBig(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"wide exponents": func() float64 {
			return math.Ldexp(rng.Float64()-0.5, rng.IntN(2000)-1000)
		},
		"cancelling": func() float64 { return (rng.Float64() - 0.5) * 1e16 },
		"subnormal":  func() float64 { return math.Float64frombits(rng.Uint64()&(1<<52-1) ^ (rng.Uint64() & (1 << 63))) },
		"huge":       func() float64 { return math.Ldexp(rng.Float64(), 1023) },
	}
	for name, g := range gens {
		for rep := range 50 {
			xs := make([]float64, 1+rng.IntN(300))
			for i := range xs {
				xs[i] = g()
			}
			// Exact cancellation of huge terms leaves small ones.
			if rep%5 == 0 {
				xs = append(xs, 1e300, 3.5, -1e300)
			}
			var s ExactSum
			for _, x := range xs {
				s.Add(x)
			}
			if got, want := s.Float64(), bigSum(xs); got != want && !(math.IsInf(got, 0) && math.IsInf(want, 0)) {
				t.Fatalf("%s rep %d: ExactSum %v, big %v", name, rep, got, want)
			}
		}
	}
	// Ties round to even: 2^53 + 1 is halfway between 2^53 and 2^53+2.
	var s ExactSum
	s.Add(1 << 53)
	s.Add(1)
	if s.Float64() != 1<<53 {
		t.Errorf("2^53+1 rounds to %v, want 2^53", s.Float64())
	}
	s.Add(math.Ldexp(1, -1074))
	if s.Float64() != 1<<53+2 {
		t.Errorf("2^53+1+tiny rounds to %v, want 2^53+2", s.Float64())
	}
	var inf ExactSum
	inf.Add(math.Inf(1))
	inf.Add(1)
	if !math.IsInf(inf.Float64(), 1) {
		t.Errorf("+Inf sum = %v", inf.Float64())
	}
	inf.Add(math.Inf(-1))
	if !math.IsNaN(inf.Float64()) {
		t.Errorf("+Inf-Inf sum = %v", inf.Float64())
	}
}

// Moments against gonum stat.MeanVariance (same definitions, n-1).
func TestMoments(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = 1e6 + rng.NormFloat64()
	}
	var m Moments
	for _, x := range xs {
		if err := m.Add(x); err != nil {
			t.Fatal(err)
		}
	}
	mean, v := stat.MeanVariance(xs, nil)
	if !closeTo(m.Mean(), mean, 1e-14) || !closeTo(m.Variance(), v, 1e-8) {
		t.Errorf("Moments mean %v var %v, gonum %v %v", m.Mean(), m.Variance(), mean, v)
	}
	// Exact centred sum of squares: x = {1e9+1, 1e9+2, 1e9+3}: variance 1.
	var c Moments
	for _, x := range []float64{1e9 + 1, 1e9 + 2, 1e9 + 3} {
		_ = c.Add(x)
	}
	if c.Variance() != 1 || c.Mean() != 1e9+2 {
		t.Errorf("large-mean data: mean %v variance %v, want 1e9+2 and 1", c.Mean(), c.Variance())
	}
	// Negative sums: {-8, 0, 0} has mean -8/3 and centred sum of squares
	// 64 - 3·(8/3)² = 128/3, so variance 64/3 (by hand). Every sign mix
	// must agree with gonum's two-pass variance.
	var neg Moments
	for _, x := range []float64{-8, 0, 0} {
		_ = neg.Add(x)
	}
	if !closeTo(neg.Variance(), 64.0/3, 1e-15) {
		t.Errorf("{-8, 0, 0}: variance %v, want 64/3", neg.Variance())
	}
	for _, shift := range []float64{-1e6, -3, -0.5, 0, 0.5, 1e6} {
		var m Moments
		ys := make([]float64, 200)
		for i := range ys {
			ys[i] = shift + rng.NormFloat64()
			_ = m.Add(ys[i])
		}
		if _, v := stat.MeanVariance(ys, nil); !closeTo(m.Variance(), v, 1e-8) {
			t.Errorf("shift %v: variance %v, gonum %v", shift, m.Variance(), v)
		}
	}
	// t interval with 10 observations 1..10: mean 5.5, s = 3.02765,
	// t_{0.975,9} = 2.262157 (go-ecosystem.md section 5: 2.26216).
	var d Moments
	for i := 1; i <= 10; i++ {
		_ = d.Add(float64(i))
	}
	iv, err := d.Interval(0.95)
	half := 2.2621571627982049 * math.Sqrt(55.0/6) / math.Sqrt(10) // sprintf('%.17g', qt(0.975, 9)) in R 4.2.2
	if err != nil || !closeTo(iv.Lo, 5.5-half, 1e-12) || !closeTo(iv.Hi, 5.5+half, 1e-12) {
		t.Errorf("t interval %v (err %v), want 5.5 ± %v", iv, err, half)
	}
	var e Moments
	if !math.IsNaN(e.Mean()) || !math.IsNaN(e.Variance()) {
		t.Errorf("empty Moments: mean %v var %v", e.Mean(), e.Variance())
	}
	if _, err := e.Interval(0.95); !errors.Is(err, ErrNoData) {
		t.Errorf("empty Interval err = %v", err)
	}
	if err := e.Add(math.NaN()); !errors.Is(err, ErrDomain) || e.N() != 0 {
		t.Errorf("Add(NaN): err %v, N %d", err, e.N())
	}
}

func TestIntHistogram(t *testing.T) {
	t.Parallel()
	var h IntHistogram
	for _, v := range []int{0, 0, 1, 2, 2, 2, 5} {
		if err := h.Add(v); err != nil {
			t.Fatal(err)
		}
	}
	if h.N() != 7 || h.Max() != 5 || h.Count(2) != 3 || !closeTo(h.Mean(), 12.0/7, 1e-15) {
		t.Errorf("N %d Max %d Count(2) %d Mean %v", h.N(), h.Max(), h.Count(2), h.Mean())
	}
	// Type-1 quantiles of {0,0,1,2,2,2,5}: R quantile(x, c(0,.25,.5,.9,1), type = 1) = 0 0 2 5 5.
	for _, c := range []struct {
		p    float64
		want int
	}{{0, 0}, {0.25, 0}, {0.5, 2}, {0.9, 5}, {1, 5}} {
		if got, err := h.Quantile(c.p); err != nil || got != c.want {
			t.Errorf("Quantile(%v) = %d (%v), want %d", c.p, got, err, c.want)
		}
	}
	if p := h.Proportion(1); p.K != 5 || p.N != 7 {
		t.Errorf("Proportion(>=1) = %+v", p)
	}
	if err := h.Add(-1); !errors.Is(err, ErrDomain) {
		t.Errorf("Add(-1): %v", err)
	}
	var e IntHistogram
	if _, err := e.Quantile(0.5); !errors.Is(err, ErrNoData) {
		t.Errorf("empty quantile: %v", err)
	}
}

func TestBands(t *testing.T) {
	t.Parallel()
	if _, err := NewBands(-1, 0, 1, 0); !errors.Is(err, ErrDomain) {
		t.Errorf("horizon -1: %v", err)
	}
	if _, err := NewBands(3, 1, 1, 0); !errors.Is(err, ErrDomain) {
		t.Errorf("lo == hi: %v", err)
	}
	b, err := NewBands(2, 0, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	xs := make([]float64, 10000)
	for i := range xs {
		xs[i] = rng.Float64()
		_ = b.Add(1, xs[i])
	}
	if err := b.Add(0, 1.5); !errors.Is(err, ErrDomain) {
		t.Errorf("out of range value: %v", err)
	}
	if err := b.Add(3, 0.5); !errors.Is(err, ErrDomain) {
		t.Errorf("out of range time: %v", err)
	}
	if err := b.Add(0, math.NaN()); !errors.Is(err, ErrDomain) {
		t.Errorf("NaN value: %v", err)
	}
	if b.Count(1) != 10000 || b.Count(0) != 0 || !math.IsNaN(b.Mean(0)) {
		t.Errorf("counts %d %d mean(0) %v", b.Count(1), b.Count(0), b.Mean(0))
	}
	if got, want := b.Mean(1), bigSum(xs)/10000; got != want {
		t.Errorf("Mean(1) = %v, want exact %v", got, want)
	}
	// Quantile accuracy = bin width 1/200, against the exact sample quantile.
	sorted := append([]float64(nil), xs...)
	sortFloat(sorted)
	for _, p := range []float64{0.01, 0.1, 0.5, 0.9, 0.99} {
		q, err := b.Quantile(1, p)
		exact := stat.Quantile(p, stat.Empirical, sorted, nil)
		if err != nil || math.Abs(q-exact) > 1.0/200 {
			t.Errorf("Quantile(1, %v) = %v, exact %v (err %v)", p, q, exact, err)
		}
	}
	if _, err := b.Quantile(0, 0.5); !errors.Is(err, ErrNoData) {
		t.Errorf("quantile with no data: %v", err)
	}
	mx, q := b.MeanXY(), b.QuantileXY(0.5)
	if mx.Len() != 3 || q.Len() != 3 {
		t.Errorf("XY lengths %d %d", mx.Len(), q.Len())
	}
	if x, y := mx.XY(1); x != 1 || y != b.Mean(1) {
		t.Errorf("MeanXY(1) = %v %v", x, y)
	}
	other, _ := NewBands(2, 0, 2, 0)
	if err := b.Merge(other); !errors.Is(err, ErrMismatch) {
		t.Errorf("Merge mismatch: %v", err)
	}
}

func sortFloat(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

func ExampleMoments() {
	var m Moments
	for i := 1; i <= 10; i++ {
		_ = m.Add(float64(i))
	}
	iv, _ := m.Interval(0.95)
	fmt.Printf("n=%d mean=%.2f sd=%.4f se=%.4f 95%% CI [%.4f, %.4f]\n", m.N(), m.Mean(), m.StdDev(), m.SE(), iv.Lo, iv.Hi)
	// Output:
	// n=10 mean=5.50 sd=3.0277 se=0.9574 95% CI [3.3341, 7.6659]
}

func ExampleBands() {
	// Trajectories of a support level in [0, 1] over 3 rounds.
	b, _ := NewBands(2, 0, 1, 100)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		x := 0.5
		for t := 0; t <= 2; t++ {
			_ = b.Add(t, x)
			x = min(1, max(0, x+0.1*rng.NormFloat64()))
		}
	}
	lo, mid, hi := b.QuantileXY(0.1), b.QuantileXY(0.5), b.QuantileXY(0.9)
	for i := range lo.Len() {
		_, l := lo.XY(i)
		_, m := mid.XY(i)
		_, h := hi.XY(i)
		fmt.Printf("t=%d mean=%.3f 10%%=%.2f 50%%=%.2f 90%%=%.2f\n", i, b.Mean(i), l, m, h)
	}
	// Output:
	// t=0 mean=0.500 10%=0.50 50%=0.51 90%=0.51
	// t=1 mean=0.502 10%=0.37 50%=0.50 90%=0.64
	// t=2 mean=0.500 10%=0.31 50%=0.50 90%=0.67
}
