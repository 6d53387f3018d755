package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a two-sided confidence interval [Lo, Hi] with nominal
// coverage Level, a number in (0, 1) such as 0.95.
//
// An interval that cannot be computed (for example the upper limit of a
// median that the survival curve never reaches) has the missing bound set
// to NaN; an interval whose limit is unbounded uses ±Inf.
type Interval struct {
	Lo, Hi, Level float64
}

// Width returns Hi - Lo.
func (iv Interval) Width() float64 { return iv.Hi - iv.Lo }

// Contains reports whether Lo <= x <= Hi.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }

// String formats the interval as "[lo, hi] (95%)".
func (iv Interval) String() string {
	return fmt.Sprintf("[%.6g, %.6g] (%g%%)", iv.Lo, iv.Hi, 100*iv.Level)
}

// checkConf returns an error wrapping ErrDomain unless 0 < conf < 1.
func checkConf(conf float64) error {
	if !(conf > 0 && conf < 1) {
		return fmt.Errorf("metrics: confidence level %v not in (0, 1): %w", conf, ErrDomain)
	}
	return nil
}

// zQuantile returns the two-sided standard normal critical value
//
//	z = Φ⁻¹(1 - (1-conf)/2)
//
// computed as -Φ⁻¹((1-conf)/2) for accuracy when conf is close to 1.
func zQuantile(conf float64) float64 {
	return -distuv.UnitNormal.Quantile((1 - conf) / 2)
}

// clamp returns x limited to [lo, hi].
func clamp(x, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, x))
}
