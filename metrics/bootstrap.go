package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// BootMethod selects how Bootstrap turns replicates into an interval.
type BootMethod int

const (
	// Percentile is Efron's percentile interval: the (1-conf)/2 and
	// 1-(1-conf)/2 quantiles of the bootstrap replicates.
	Percentile BootMethod = iota
	// BCa is the bias-corrected and accelerated interval of Efron (1987)
	// with the acceleration estimated by the jackknife.
	BCa
)

// BootResult is a bootstrap estimate.
type BootResult struct {
	Estimate   float64   // statistic on the original data
	SE         float64   // standard deviation of the replicates
	Bias       float64   // mean of the replicates minus Estimate
	Interval   Interval  // percentile or BCa interval
	Z0, Accel  float64   // BCa bias correction and acceleration (0 for Percentile)
	Replicates []float64 // the B replicates, sorted
	B, N       int       // number of replicates and of observations
}

// Bootstrap draws b nonparametric bootstrap resamples of data (n draws
// with replacement, index = rng.IntN(n)), evaluates stat on each and
// returns the replicates' standard error, bias and a confidence interval
// by method. The result is a deterministic function of the state of rng;
// stat must not retain or modify its argument (a scratch slice is reused).
//
// Quantiles of the replicates θ*_(1) <= ... <= θ*_(B) are taken with
// linear interpolation at position (B-1)q (R quantile type 7). For BCa
// (Efron 1987, eqs. 2.3 and 6.6; Efron and Tibshirani 1993, ch. 14):
//
//	z₀ = Φ⁻¹((#{θ* < θ̂} + #{θ* = θ̂}/2) / B)
//	a  = Σ(θ̄₍.₎ - θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ - θ₍ᵢ₎)²]^{3/2})   (jackknife, θ₍ᵢ₎ without obs i)
//	α₁ = Φ(z₀ + (z₀ + z_{α/2}) / (1 - a(z₀ + z_{α/2})))
//	α₂ = Φ(z₀ + (z₀ + z_{1-α/2}) / (1 - a(z₀ + z_{1-α/2})))
//	interval = [Q(α₁), Q(α₂)]
//
// If all replicates are equal the interval is that single point.
// Bootstrap returns an error wrapping ErrNoData for empty data, and one
// wrapping ErrDomain if rng or stat is nil, b < 2, conf is outside (0, 1),
// the method is unknown, or a replicate is NaN.
func Bootstrap(rng *rand.Rand, data []float64, stat func([]float64) float64, b int, conf float64, method BootMethod) (BootResult, error) {
	if err := checkConf(conf); err != nil {
		return BootResult{}, err
	}
	if rng == nil || stat == nil || b < 2 || (method != Percentile && method != BCa) {
		return BootResult{}, fmt.Errorf("metrics: Bootstrap needs rng, stat, b >= 2 and a known method (b=%d, method=%d): %w", b, method, ErrDomain)
	}
	n := len(data)
	if n == 0 {
		return BootResult{}, fmt.Errorf("metrics: Bootstrap of empty data: %w", ErrNoData)
	}
	scratch := make([]float64, n)
	copy(scratch, data)
	est := stat(scratch)
	reps := make([]float64, b)
	var mom Moments
	for r := range reps {
		for i := range scratch {
			scratch[i] = data[rng.IntN(n)]
		}
		v := stat(scratch)
		if math.IsNaN(v) {
			return BootResult{}, fmt.Errorf("metrics: bootstrap replicate %d is NaN: %w", r, ErrDomain)
		}
		reps[r] = v
		_ = mom.Add(v) // an infinite replicate only leaves SE and Bias unset
	}
	slices.Sort(reps)
	res := BootResult{Estimate: est, Replicates: reps, B: b, N: n,
		SE: mom.StdDev(), Bias: mom.Mean() - est}
	alpha := 1 - conf
	q1, q2 := alpha/2, 1-alpha/2
	if reps[0] == reps[b-1] {
		res.Interval = Interval{Lo: reps[0], Hi: reps[0], Level: conf}
		return res, nil
	}
	if method == BCa {
		var less, eq int
		for _, v := range reps {
			if v < est {
				less++
			} else if v == est {
				eq++
			}
		}
		z0 := distuv.UnitNormal.Quantile((float64(less) + float64(eq)/2) / float64(b))
		if math.IsInf(z0, 0) {
			return BootResult{}, fmt.Errorf("metrics: BCa undefined: estimate %v outside the bootstrap distribution: %w", est, ErrDomain)
		}
		a := jackknifeAccel(data, stat)
		adj := func(q float64) float64 {
			zq := distuv.UnitNormal.Quantile(q)
			return distuv.UnitNormal.CDF(z0 + (z0+zq)/(1-a*(z0+zq)))
		}
		q1, q2 = adj(q1), adj(q2)
		res.Z0, res.Accel = z0, a
	}
	res.Interval = Interval{Lo: quantile7(reps, q1), Hi: quantile7(reps, q2), Level: conf}
	return res, nil
}

// jackknifeAccel returns the jackknife estimate of the BCa acceleration
//
//	a = Σ(θ̄ - θ₍ᵢ₎)³ / (6 [Σ(θ̄ - θ₍ᵢ₎)²]^{3/2}),
//
// 0 if n < 2 or all leave-one-out values are equal.
func jackknifeAccel(data []float64, stat func([]float64) float64) float64 {
	n := len(data)
	if n < 2 {
		return 0
	}
	loo := make([]float64, n)
	buf := make([]float64, n-1)
	var mean float64
	for i := range data {
		copy(buf, data[:i])
		copy(buf[i:], data[i+1:])
		loo[i] = stat(buf)
		mean += loo[i]
	}
	mean /= float64(n)
	var s2, s3 float64
	for _, v := range loo {
		d := mean - v
		s2 += d * d
		s3 += d * d * d
	}
	if s2 == 0 {
		return 0
	}
	return s3 / (6 * math.Pow(s2, 1.5))
}

// quantile7 returns the type-7 quantile of sorted x:
// x[⌊h⌋] + (h-⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]), h = (len(x)-1)·q.
func quantile7(x []float64, q float64) float64 {
	h := float64(len(x)-1) * q
	i := int(math.Floor(h))
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	if i < 0 {
		return x[0]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}
