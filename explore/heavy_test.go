//go:build heavy

package explore

import (
	"math/rand/v2"
	"testing"
)

// TestIshigamiIntervalCoverage checks the bootstrap intervals' coverage:
// over 200 independent random Saltelli designs (N = 1000) on the Ishigami
// function, each 95% interval must contain the analytic index in a share of
// runs between 0.88 and 0.99 (the binomial range around 0.95 at about
// three standard errors, 0.015 each).
func TestIshigamiIntervalCoverage(t *testing.T) {
	t.Parallel()
	s1True, stTrue, _ := ishigamiIndices(7, 0.1)
	const runs = 200
	var hit1, hitT [3]int
	for r := range runs {
		d, err := NewSaltelli(ishigamiSpace, 1000, SaltelliOptions{Random: true, Rng: rand.New(rand.NewPCG(100, uint64(r)))})
		if err != nil {
			t.Fatal(err)
		}
		y := evalDesign(&d.Design, func(x []float64) float64 { return ishigami(x, 7, 0.1) })
		res, err := d.Analyze(y, SobolOptions{Resamples: 300, Rng: rand.New(rand.NewPCG(200, uint64(r)))})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if res.S1[i].CI.Contains(s1True[i]) {
				hit1[i]++
			}
			if res.ST[i].CI.Contains(stTrue[i]) {
				hitT[i]++
			}
		}
	}
	for i := range 3 {
		for _, c := range []struct {
			what string
			hits int
		}{{"S1", hit1[i]}, {"ST", hitT[i]}} {
			cov := float64(c.hits) / runs
			t.Logf("%s[%d] coverage %.3f", c.what, i+1, cov)
			if cov < 0.88 || cov > 0.99 {
				t.Errorf("%s[%d] interval coverage %.3f over %d runs, want in [0.88, 0.99]", c.what, i+1, cov, runs)
			}
		}
	}
}
