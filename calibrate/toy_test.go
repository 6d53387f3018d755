package calibrate

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// normalPrior is a user-supplied prior (not one of the package's), the
// conjugate N(Mu, SD²) prior of the toy model.
type normalPrior struct{ Mu, SD float64 }

func (p normalPrior) LogProb(x float64) float64 {
	return distuv.Normal{Mu: p.Mu, Sigma: p.SD}.LogProb(x)
}

func (p normalPrior) Rand(rng *rand.Rand) float64 { return p.Mu + p.SD*rng.NormFloat64() }

// meanModel is the toy model: n observations y_j ~ N(μ, σ²) with σ known,
// reduced to their sufficient statistic ȳ ~ N(μ, σ²/n); theta = (μ). It
// draws ȳ directly with standard deviation s = σ/√n.
func meanModel(s float64) ModelFunc {
	return func(theta []float64, rng *rand.Rand) ([]float64, error) {
		return []float64{theta[0] + s*rng.NormFloat64()}, nil
	}
}

// normalModel has theta = (μ, σ) and returns the sample mean and sample
// standard deviation of n draws from N(μ, σ²).
func normalModel(n int) ModelFunc {
	return func(theta []float64, rng *rand.Rand) ([]float64, error) {
		s, ss := 0.0, 0.0
		for range n {
			y := theta[0] + theta[1]*rng.NormFloat64()
			s += y
			ss += y * y
		}
		m := s / float64(n)
		return []float64{m, math.Sqrt((ss - float64(n)*m*m) / float64(n-1))}, nil
	}
}

// abcMoments returns the mean and variance of the exact ABC posterior of the
// toy model with a uniform acceptance kernel of half-width h,
//
//	p_h(μ | y) ∝ π(μ) · [Φ((y + h - μ)/s) - Φ((y - h - μ)/s)],
//
// (for h = 0, the limit ∝ π(μ) φ((y - μ)/s)), by Simpson's rule on
// [lo, hi] with 20000 intervals. It is independent of the package's code.
func abcMoments(logPrior func(float64) float64, y, s, h, lo, hi float64) (mean, variance float64) {
	const n = 20000
	std := distuv.UnitNormal
	f := func(mu float64) float64 {
		lp := logPrior(mu)
		if math.IsInf(lp, -1) {
			return 0
		}
		var like float64
		if h == 0 {
			like = std.Prob((y - mu) / s)
		} else {
			like = std.CDF((y+h-mu)/s) - std.CDF((y-h-mu)/s)
		}
		return math.Exp(lp) * like
	}
	step := (hi - lo) / n
	var z, m1, m2 float64
	for i := 0; i <= n; i++ {
		x := lo + float64(i)*step
		c := 2.0
		switch {
		case i == 0 || i == n:
			c = 1
		case i%2 == 1:
			c = 4
		}
		v := c * f(x)
		z += v
		m1 += v * x
		m2 += v * x * x
	}
	mean = m1 / z
	return mean, m2/z - mean*mean
}
