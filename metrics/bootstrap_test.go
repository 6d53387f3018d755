package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func mean(x []float64) float64 { return stat.Mean(x, nil) }

func TestBootstrapDeterministic(t *testing.T) {
	t.Parallel()
	data := []float64{2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 0.7, 3.9}
	for _, m := range []BootMethod{Percentile, BCa} {
		a, err := Bootstrap(rand.New(rand.NewPCG(7, 8)), data, mean, 999, 0.95, m)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Bootstrap(rand.New(rand.NewPCG(7, 8)), data, mean, 999, 0.95, m)
		if a.Interval != b.Interval || a.SE != b.SE {
			t.Errorf("method %d: same seed, different results %v %v", m, a.Interval, b.Interval)
		}
		if !a.Interval.Contains(a.Estimate) || a.B != 999 || a.N != 10 {
			t.Errorf("method %d: %+v", m, a.Interval)
		}
	}
}

// The bootstrap SE of the mean approaches the plug-in value
// sqrt(Σ(x-x̄)²/n)/√n (Efron and Tibshirani 1993, eq. 6.8-6.9), and for the
// mean the jackknife acceleration equals Σ(x-x̄)³ / (6 (Σ(x-x̄)²)^{3/2})
// exactly (Efron and Tibshirani 1993, eq. 14.15 applied to the mean).
func TestBootstrapMeanTheory(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	data := make([]float64, 40)
	for i := range data {
		data[i] = rng.ExpFloat64()
	}
	res, err := Bootstrap(rng, data, mean, 20000, 0.9, BCa)
	if err != nil {
		t.Fatal(err)
	}
	m, v := stat.PopMeanVariance(data, nil)
	plugin := math.Sqrt(v / float64(len(data)))
	if math.Abs(res.SE/plugin-1) > 0.03 {
		t.Errorf("bootstrap SE %v, plug-in %v", res.SE, plugin)
	}
	var s2, s3 float64
	for _, x := range data {
		s2 += (x - m) * (x - m)
		s3 += (x - m) * (x - m) * (x - m)
	}
	if want := s3 / (6 * math.Pow(s2, 1.5)); !closeTo(res.Accel, want, 1e-10) {
		t.Errorf("acceleration %v, want %v", res.Accel, want)
	}
	// Right-skewed data: BCa moves the interval right of the percentile one.
	pct, _ := Bootstrap(rand.New(rand.NewPCG(1, 1)), data, mean, 20000, 0.9, Percentile)
	bca, _ := Bootstrap(rand.New(rand.NewPCG(1, 1)), data, mean, 20000, 0.9, BCa)
	if !(bca.Interval.Hi > pct.Interval.Hi) {
		t.Errorf("BCa %v not shifted right of percentile %v", bca.Interval, pct.Interval)
	}
}

func TestBootstrapErrors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := Bootstrap(rng, nil, mean, 100, 0.95, Percentile); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v", err)
	}
	for _, c := range []struct {
		rng  *rand.Rand
		b    int
		conf float64
		m    BootMethod
	}{{nil, 100, 0.95, Percentile}, {rng, 1, 0.95, Percentile}, {rng, 100, 1, Percentile}, {rng, 100, 0.95, BootMethod(9)}} {
		if _, err := Bootstrap(c.rng, []float64{1, 2}, mean, c.b, c.conf, c.m); !errors.Is(err, ErrDomain) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	// Constant data: a degenerate point interval.
	r, err := Bootstrap(rng, []float64{3, 3, 3}, mean, 50, 0.95, BCa)
	if err != nil || r.Interval.Lo != 3 || r.Interval.Hi != 3 {
		t.Errorf("constant data: %v %v", r.Interval, err)
	}
}

func ExampleBootstrap() {
	data := []float64{2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 0.7, 3.9}
	rng := rand.New(rand.NewPCG(2024, 1))
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	r, err := Bootstrap(rng, data, mean, 2000, 0.95, BCa)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean=%.3f se=%.3f BCa 95%% CI [%.3f, %.3f] (B=%d, n=%d)\n",
		r.Estimate, r.SE, r.Interval.Lo, r.Interval.Hi, r.B, r.N)
	// Output:
	// mean=3.420 se=0.512 BCa 95% CI [2.450, 4.460] (B=2000, n=10)
}
