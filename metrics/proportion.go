package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Proportion is a count of K successes in N independent trials.
// The zero value (0 of 0) is valid and has no data: P and SE return NaN and
// Interval returns an error wrapping ErrNoData.
type Proportion struct {
	K, N int
}

// P returns the point estimate K/N, or NaN if N == 0.
func (p Proportion) P() float64 {
	if p.N == 0 {
		return math.NaN()
	}
	return float64(p.K) / float64(p.N)
}

// SE returns the estimated binomial standard error of P,
//
//	SE = sqrt(p̂(1-p̂)/N),
//
// or NaN if N == 0. SE is 0 when K is 0 or N; use Interval, not P ± z·SE,
// for inference near the boundary.
func (p Proportion) SE() float64 {
	if p.N == 0 {
		return math.NaN()
	}
	ph := p.P()
	return math.Sqrt(ph * (1 - ph) / float64(p.N))
}

// Interval returns the Wilson score interval for the proportion at
// confidence level conf. See Wilson.
func (p Proportion) Interval(conf float64) (Interval, error) {
	return Wilson(p.K, p.N, conf)
}

// checkKN validates a binomial count.
func checkKN(k, n int) error {
	if n < 0 || k < 0 || k > n {
		return fmt.Errorf("metrics: need 0 <= k <= n, got k=%d n=%d: %w", k, n, ErrDomain)
	}
	if n == 0 {
		return fmt.Errorf("metrics: proportion with n=0: %w", ErrNoData)
	}
	return nil
}

// Wilson returns the Wilson (1927) score interval for a binomial proportion
// with k successes in n trials, the default interval of this package.
// It is the set of p for which the score test does not reject:
//
//	z  = Φ⁻¹(1 - (1-conf)/2),  p̂ = k/n
//	centre    = (p̂ + z²/(2n)) / (1 + z²/n)
//	halfwidth = z·sqrt(p̂(1-p̂)/n + z²/(4n²)) / (1 + z²/n)
//
// (Wilson 1927; Agresti and Coull 1998, Am. Stat. 52, 119-126). It equals
// R's prop.test(k, n, conf.level = conf, correct = FALSE)$conf.int.
// The limits are clamped to [0, 1]; for k = 0 the lower limit is exactly 0
// and for k = n the upper limit is exactly 1.
//
// Wilson returns an error wrapping ErrDomain unless 0 <= k <= n and
// 0 < conf < 1, and an error wrapping ErrNoData if n == 0.
func Wilson(k, n int, conf float64) (Interval, error) {
	if err := checkConf(conf); err != nil {
		return Interval{}, err
	}
	if err := checkKN(k, n); err != nil {
		return Interval{}, err
	}
	z := zQuantile(conf)
	nf := float64(n)
	ph := float64(k) / nf
	z2n := z * z / nf
	den := 1 + z2n
	c := (ph + z2n/2) / den
	h := z * math.Sqrt(ph*(1-ph)/nf+z2n/(4*nf)) / den
	iv := Interval{Lo: clamp(c-h, 0, 1), Hi: clamp(c+h, 0, 1), Level: conf}
	if k == 0 {
		iv.Lo = 0
	}
	if k == n {
		iv.Hi = 1
	}
	return iv, nil
}

// ClopperPearson returns the Clopper-Pearson (1934) "exact" interval for a
// binomial proportion with k successes in n trials, obtained by inverting
// two one-sided binomial tests; it is expressed with Beta quantiles:
//
//	α  = 1 - conf
//	Lo = B⁻¹(α/2;   k,   n-k+1)   (Lo = 0 if k = 0)
//	Hi = B⁻¹(1-α/2; k+1, n-k)     (Hi = 1 if k = n)
//
// where B⁻¹(q; a, b) is the quantile function of the Beta(a, b)
// distribution (Clopper and Pearson 1934; Brown, Cai and DasGupta 2001,
// Stat. Sci. 16, 101-133). It equals R's binom.test(k, n)$conf.int.
// Coverage is at least conf for every p, at the price of width.
//
// Errors are as for Wilson.
func ClopperPearson(k, n int, conf float64) (Interval, error) {
	if err := checkConf(conf); err != nil {
		return Interval{}, err
	}
	if err := checkKN(k, n); err != nil {
		return Interval{}, err
	}
	a := (1 - conf) / 2
	iv := Interval{Lo: 0, Hi: 1, Level: conf}
	if k > 0 {
		iv.Lo = distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(a)
	}
	if k < n {
		iv.Hi = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - a)
	}
	return iv, nil
}
