package explore

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// evalDesign evaluates f at every point of d mapped to model values.
func evalDesign(d *Design, f func([]float64) float64) []float64 {
	y := make([]float64, d.Len())
	for r, x := range d.Values() {
		y[r] = f(x)
	}
	return y
}

// TestIshigamiIndices checks the Saltelli/Jansen estimators against the
// analytic indices of the Ishigami function with a = 7, b = 0.1 (S1 0.3139,
// S2 0.4424, S3 0; ST1 0.5576, ST2 0.4424, ST3 0.2437), on a Sobol design and
// on a random design: each estimate must be within the tolerance of the
// truth and the truth inside its 95% bootstrap interval.
func TestIshigamiIndices(t *testing.T) {
	t.Parallel()
	s1True, stTrue, vTrue := ishigamiIndices(7, 0.1)
	// The published values, rounded, guard the analytic helper itself.
	pub1 := [3]float64{0.3139, 0.4424, 0}
	pubT := [3]float64{0.5576, 0.4424, 0.2437}
	for i := range 3 {
		if math.Abs(s1True[i]-pub1[i]) > 5e-5 || math.Abs(stTrue[i]-pubT[i]) > 5e-5 {
			t.Fatalf("analytic Ishigami indices %v %v differ from the published %v %v", s1True, stTrue, pub1, pubT)
		}
	}
	if math.Abs(vTrue-13.8446) > 5e-4 {
		t.Fatalf("analytic Ishigami V = %v, want 13.8446", vTrue)
	}
	cases := []struct {
		name string
		n    int
		opt  SaltelliOptions
		tol  float64
	}{
		{"sobol", 1 << 13, SaltelliOptions{}, 0.02},
		{"sobol-scrambled", 1 << 13, SaltelliOptions{Scramble: true, Rng: rand.New(rand.NewPCG(3, 4))}, 0.02},
		{"random", 20000, SaltelliOptions{Random: true, Rng: rand.New(rand.NewPCG(5, 6))}, 0.04},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := NewSaltelli(ishigamiSpace, tc.n, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			y := evalDesign(&d.Design, func(x []float64) float64 { return ishigami(x, 7, 0.1) })
			res, err := d.Analyze(y, SobolOptions{Resamples: 300, Rng: rand.New(rand.NewPCG(7, 8))})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				for _, c := range []struct {
					what string
					got  Estimate
					want float64
				}{{"S1", res.S1[i], s1True[i]}, {"ST", res.ST[i], stTrue[i]}} {
					if math.Abs(c.got.Value-c.want) > tc.tol {
						t.Errorf("%s[%d] = %.4f, want %.4f ± %v", c.what, i+1, c.got.Value, c.want, tc.tol)
					}
					if !c.got.CI.Contains(c.want) {
						t.Errorf("%s[%d] interval %v does not contain %.4f", c.what, i+1, c.got.CI, c.want)
					}
				}
			}
			if math.Abs(res.Var-vTrue)/vTrue > 0.05 {
				t.Errorf("Var = %v, want %v within 5%%", res.Var, vTrue)
			}
		})
	}
}

// TestGFunctionIndices checks first-order, total and second-order indices
// of the Sobol G-function with a = (0, 1, 4.5, 9, 99, 99) against the
// analytic values V_i = 1/(3 (1+a_i)^2), and the second-order index of the
// pair (1, 2): V_12 / V with V_12 = V_1 V_2.
func TestGFunctionIndices(t *testing.T) {
	t.Parallel()
	a := []float64{0, 1, 4.5, 9, 99, 99}
	s1True, stTrue := gIndices(a)
	d, err := NewSaltelli(unitSpace(len(a)), 1<<13, SaltelliOptions{SecondOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Len(), (2*len(a)+2)<<13; got != want {
		t.Fatalf("design has %d points, want N(2k+2) = %d", got, want)
	}
	y := evalDesign(&d.Design, func(x []float64) float64 { return gFunction(x, a) })
	res, err := d.Analyze(y, SobolOptions{Resamples: 300, Rng: rand.New(rand.NewPCG(9, 10))})
	if err != nil {
		t.Fatal(err)
	}
	const tol = 0.02
	for i := range a {
		if got := res.S1[i]; math.Abs(got.Value-s1True[i]) > tol || !got.CI.Contains(s1True[i]) {
			t.Errorf("S1[%d] = %.4f %v, want %.4f ± %v inside the interval", i+1, got.Value, got.CI, s1True[i], tol)
		}
		if got := res.ST[i]; math.Abs(got.Value-stTrue[i]) > tol || !got.CI.Contains(stTrue[i]) {
			t.Errorf("ST[%d] = %.4f %v, want %.4f ± %v inside the interval", i+1, got.Value, got.CI, stTrue[i], tol)
		}
	}
	v1, v2 := 1.0/3, 1.0/12
	v := 1.0
	for _, ai := range a {
		v *= 1 + 1/(3*(1+ai)*(1+ai))
	}
	s12 := v1 * v2 / (v - 1)
	if got := res.S2[0][1]; math.Abs(got.Value-s12) > 0.03 || !got.CI.Contains(s12) {
		t.Errorf("S2[1][2] = %.4f %v, want %.4f ± 0.03 inside the interval", got.Value, got.CI, s12)
	}
	if got := res.S2[4][5]; math.Abs(got.Value) > 0.03 {
		t.Errorf("S2[5][6] = %.4f, want 0 ± 0.03", got.Value)
	}
}

// TestReplicatedNoise plants a known noise variance: y = g(x) + e with
// e ~ N(0, 0.25) on R = 4 replications, so the noise share of the means is
// (0.25/4) / (V_g + 0.25/4); with V_g of the G-function on 2 inputs.
func TestReplicatedNoise(t *testing.T) {
	t.Parallel()
	a := []float64{0, 1}
	d, err := NewSaltelli(unitSpace(2), 1<<12, SaltelliOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const r, sigma2 = 4, 0.25
	reps := make([][]float64, d.Len())
	vals := d.Values()
	for p := range reps {
		reps[p] = make([]float64, r)
		for l := range r {
			// Common random numbers: replication l uses the same stream at every point.
			rng := rand.New(rand.NewPCG(uint64(l), uint64(p)))
			reps[p][l] = gFunction(vals[p], a) + math.Sqrt(sigma2)*rng.NormFloat64()
		}
	}
	rep, err := Summarize(reps)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.AnalyzeReplicated(rep, SobolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vg := (1+1.0/3)*(1+1.0/12) - 1
	wantShare := sigma2 / r / (vg + sigma2/r)
	nz := res.Noise
	if nz == nil {
		t.Fatal("no noise report")
	}
	if math.Abs(nz.WithinVar-sigma2) > 3*nz.WithinVarSE+1e-3 {
		t.Errorf("WithinVar = %.4f ± %.4f, want %v", nz.WithinVar, nz.WithinVarSE, sigma2)
	}
	if math.Abs(nz.Share-wantShare) > 0.02 {
		t.Errorf("Share = %.4f, want %.4f ± 0.02", nz.Share, wantShare)
	}
	wantOne := sigma2 / (vg + sigma2)
	if math.Abs(nz.ShareOne-wantOne) > 0.03 {
		t.Errorf("ShareOne = %.4f, want %.4f ± 0.03", nz.ShareOne, wantOne)
	}
}

// TestSaltelliDeterministic checks that the same seed gives the same
// design and the same indices bit for bit.
func TestSaltelliDeterministic(t *testing.T) {
	t.Parallel()
	run := func() *SobolIndices {
		d, err := NewSaltelli(ishigamiSpace, 512, SaltelliOptions{Scramble: true, Rng: rand.New(rand.NewPCG(1, 1))})
		if err != nil {
			t.Fatal(err)
		}
		y := evalDesign(&d.Design, func(x []float64) float64 { return ishigami(x, 7, 0.1) })
		res, err := d.Analyze(y, SobolOptions{Resamples: 50, Rng: rand.New(rand.NewPCG(2, 2))})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(), run()
	for i := range a.S1 {
		if a.S1[i] != b.S1[i] || a.ST[i] != b.ST[i] {
			t.Errorf("parameter %d: runs differ: %v %v vs %v %v", i, a.S1[i], a.ST[i], b.S1[i], b.ST[i])
		}
	}
}

// TestSaltelliLayout checks the block structure on a small design.
func TestSaltelliLayout(t *testing.T) {
	t.Parallel()
	d, err := NewSaltelli(unitSpace(3), 4, SaltelliOptions{SecondOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	k := 3
	for j := range d.N {
		a, b := d.Unit[d.Row(0, j)], d.Unit[d.Row(1, j)]
		for i := range k {
			ab, ba := d.Unit[d.Row(2+i, j)], d.Unit[d.Row(2+k+i, j)]
			for c := range k {
				wantAB, wantBA := a[c], b[c]
				if c == i {
					wantAB, wantBA = b[c], a[c]
				}
				if ab[c] != wantAB || ba[c] != wantBA {
					t.Fatalf("row %d block %d column %d: AB %v BA %v, want %v %v", j, i, c, ab[c], ba[c], wantAB, wantBA)
				}
			}
		}
	}
}

func TestSaltelliBadInput(t *testing.T) {
	t.Parallel()
	good := unitSpace(2)
	cases := []struct {
		name string
		run  func() error
	}{
		{"n=1", func() error { _, err := NewSaltelli(good, 1, SaltelliOptions{}); return err }},
		{"empty space", func() error { _, err := NewSaltelli(Space{}, 8, SaltelliOptions{}); return err }},
		{"lo>=hi", func() error {
			_, err := NewSaltelli(Space{{Name: "a", Lo: 1, Hi: 1}}, 8, SaltelliOptions{})
			return err
		}},
		{"random no rng", func() error { _, err := NewSaltelli(good, 8, SaltelliOptions{Random: true}); return err }},
		{"too many params", func() error { _, err := NewSaltelli(unitSpace(129), 8, SaltelliOptions{}); return err }},
		{"short y", func() error {
			d, _ := NewSaltelli(good, 8, SaltelliOptions{})
			_, err := d.Analyze(make([]float64, 3), SobolOptions{})
			return err
		}},
		{"NaN y", func() error {
			d, _ := NewSaltelli(good, 8, SaltelliOptions{})
			y := make([]float64, d.Len())
			y[5] = math.NaN()
			_, err := d.Analyze(y, SobolOptions{})
			return err
		}},
		{"constant y", func() error {
			d, _ := NewSaltelli(good, 8, SaltelliOptions{})
			_, err := d.Analyze(make([]float64, d.Len()), SobolOptions{})
			return err
		}},
		{"conf", func() error {
			d, _ := NewSaltelli(good, 8, SaltelliOptions{})
			y := evalDesign(&d.Design, func(x []float64) float64 { return x[0] })
			_, err := d.Analyze(y, SobolOptions{Conf: 1.5})
			return err
		}},
		{"resamples without rng", func() error {
			d, _ := NewSaltelli(good, 8, SaltelliOptions{})
			y := evalDesign(&d.Design, func(x []float64) float64 { return x[0] })
			_, err := d.Analyze(y, SobolOptions{Resamples: 10})
			return err
		}},
		{"summarize ragged", func() error { _, err := Summarize([][]float64{{1, 2}, {1}}); return err }},
		{"replicated negative var", func() error {
			d, _ := NewSaltelli(good, 2, SaltelliOptions{})
			n := d.Len()
			rep := Replicated{Mean: make([]float64, n), Var: make([]float64, n), R: 2}
			rep.Var[0] = -1
			_, err := d.AnalyzeReplicated(rep, SobolOptions{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.run()
			if !errors.Is(err, ErrDomain) {
				t.Fatalf("error = %v, want one wrapping ErrDomain", err)
			}
			if w := saltelliErrWant[tc.name]; !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not mention %q", err, w)
			}
		})
	}
}

// saltelliErrWant is what each bad-input error must mention (argument and value).
var saltelliErrWant = map[string]string{
	"n=1":                     "n = 1",
	"empty space":             "no parameters",
	"lo>=hi":                  "range [1, 1]",
	"random no rng":           "Random=true",
	"too many params":         "129 parameters",
	"short y":                 "has 3 outputs",
	"NaN y":                   "y[5] = NaN",
	"constant y":              "variance 0",
	"conf":                    "1.5",
	"resamples without rng":   "Resamples = 10",
	"summarize ragged":        "point 1 has 1 replications",
	"replicated negative var": "Var[0] = -1",
}
