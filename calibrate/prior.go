package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Prior is the prior distribution of one parameter. Any type with these two
// methods can be used, so a caller can supply its own prior (a normal, a
// log-uniform, a discrete grid).
//
// LogProb returns the log density at x, and -Inf outside the support.
// Rand returns a draw using only rng (never a global generator).
//
// A Prior that also has a method Validate() error is checked by
// Config.Validate.
type Prior interface {
	LogProb(x float64) float64
	Rand(rng *rand.Rand) float64
}

// Param is one calibrated parameter: a name used in error messages and
// outputs, and its prior.
type Param struct {
	// Name identifies the parameter, for example "concession_rate".
	Name string `json:"name"`
	// Prior is the parameter's prior distribution. It must not be nil.
	Prior Prior `json:"-"`
}

// Uniform is the uniform prior on the closed interval [Lo, Hi]:
//
//	log p(x) = -log(Hi - Lo)  for Lo ≤ x ≤ Hi,  -Inf otherwise.
type Uniform struct {
	// Lo is the lower end of the range; finite, Lo < Hi.
	Lo float64 `json:"lo"`
	// Hi is the upper end of the range; finite.
	Hi float64 `json:"hi"`
}

// Validate returns an error wrapping ErrInvalid unless Lo and Hi are finite
// and Lo < Hi.
func (u Uniform) Validate() error {
	if !finite(u.Lo) || !finite(u.Hi) || !(u.Lo < u.Hi) {
		return fmt.Errorf("calibrate: Uniform range [%v, %v]: want finite Lo < Hi: %w", u.Lo, u.Hi, ErrInvalid)
	}
	return nil
}

// LogProb returns the log density of u at x.
func (u Uniform) LogProb(x float64) float64 {
	if x < u.Lo || x > u.Hi || math.IsNaN(x) {
		return math.Inf(-1)
	}
	return -math.Log(u.Hi - u.Lo)
}

// Rand returns a draw from u: Lo + (Hi - Lo)·U with U = rng.Float64().
func (u Uniform) Rand(rng *rand.Rand) float64 {
	return u.Lo + (u.Hi-u.Lo)*rng.Float64()
}

// Beta is the beta prior with shapes Alpha and Beta stretched onto the range
// [Lo, Hi]: x = Lo + (Hi - Lo)·B with B ~ Beta(Alpha, Beta), so
//
//	log p(x) = log f_B((x - Lo)/(Hi - Lo); Alpha, Beta) - log(Hi - Lo).
//
// Alpha = Beta = 1 is the uniform prior; Alpha = Beta = 2 puts more mass
// in the middle of a documented range.
type Beta struct {
	// Alpha is the first shape parameter; finite and > 0.
	Alpha float64 `json:"alpha"`
	// Beta is the second shape parameter; finite and > 0.
	Beta float64 `json:"beta"`
	// Lo is the lower end of the range; finite, Lo < Hi.
	Lo float64 `json:"lo"`
	// Hi is the upper end of the range; finite.
	Hi float64 `json:"hi"`
}

// Validate returns an error wrapping ErrInvalid, naming every bad field,
// unless Alpha and Beta are finite and positive and Lo < Hi are finite.
func (b Beta) Validate() error {
	var errs []error
	if !finite(b.Alpha) || b.Alpha <= 0 {
		errs = append(errs, fmt.Errorf("calibrate: Beta.Alpha = %v: want finite > 0: %w", b.Alpha, ErrInvalid))
	}
	if !finite(b.Beta) || b.Beta <= 0 {
		errs = append(errs, fmt.Errorf("calibrate: Beta.Beta = %v: want finite > 0: %w", b.Beta, ErrInvalid))
	}
	if !finite(b.Lo) || !finite(b.Hi) || !(b.Lo < b.Hi) {
		errs = append(errs, fmt.Errorf("calibrate: Beta range [%v, %v]: want finite Lo < Hi: %w", b.Lo, b.Hi, ErrInvalid))
	}
	return errors.Join(errs...)
}

// LogProb returns the log density of b at x, -Inf outside [Lo, Hi].
func (b Beta) LogProb(x float64) float64 {
	if x < b.Lo || x > b.Hi || math.IsNaN(x) {
		return math.Inf(-1)
	}
	w := b.Hi - b.Lo
	return distuv.Beta{Alpha: b.Alpha, Beta: b.Beta}.LogProb((x-b.Lo)/w) - math.Log(w)
}

// Rand returns a draw from b, using rng for the two gamma variates of
// distuv.Beta.
func (b Beta) Rand(rng *rand.Rand) float64 {
	return b.Lo + (b.Hi-b.Lo)*distuv.Beta{Alpha: b.Alpha, Beta: b.Beta, Src: rng}.Rand()
}

// logPrior returns Σ_k log p_k(θ_k), the log density of the independent
// joint prior.
func logPrior(params []Param, theta []float64) float64 {
	s := 0.0
	for k, p := range params {
		s += p.Prior.LogProb(theta[k])
		if math.IsInf(s, -1) {
			return s
		}
	}
	return s
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
