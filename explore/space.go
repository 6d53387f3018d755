package explore

import (
	"errors"
	"fmt"
	"math"
)

// ErrDomain is returned (wrapped) when an argument is outside its allowed
// range: a non-positive sample size, a parameter range with lo >= hi, a
// confidence level outside (0, 1), an output slice of the wrong length, a
// NaN output. The wrapping error names the argument, its value and the
// allowed range.
var ErrDomain = errors.New("explore: argument out of range")

// Param is one input of a model: its name and the closed range [Lo, Hi]
// that the unit interval [0, 1] is mapped onto. An Integer parameter is
// rounded to the nearest integer after the linear map, each of the
// Hi - Lo + 1 integers receiving an equal share of the unit interval.
type Param struct {
	Name    string  `json:"name" yaml:"name"`
	Lo      float64 `json:"lo" yaml:"lo"`
	Hi      float64 `json:"hi" yaml:"hi"`
	Integer bool    `json:"integer,omitempty" yaml:"integer,omitempty"`
}

// Space is the ordered list of a model's inputs. The i-th column of every
// design point is the i-th parameter.
type Space []Param

// Validate returns every problem of the space at once (errors.Join), each
// wrapping ErrDomain and naming the parameter, the value and the allowed
// range: an empty space, an empty or repeated name, a non-finite bound,
// Lo >= Hi, or non-integer bounds of an Integer parameter.
func (s Space) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("explore: space has no parameters (want at least 1): %w", ErrDomain)
	}
	var errs []error
	seen := make(map[string]int, len(s))
	for i, p := range s {
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("explore: space[%d].Name is empty: %w", i, ErrDomain))
		case seen[p.Name] > 0:
			errs = append(errs, fmt.Errorf("explore: space[%d].Name %q repeats space[%d]: %w", i, p.Name, seen[p.Name]-1, ErrDomain))
		default:
			seen[p.Name] = i + 1
		}
		if math.IsNaN(p.Lo) || math.IsInf(p.Lo, 0) || math.IsNaN(p.Hi) || math.IsInf(p.Hi, 0) {
			errs = append(errs, fmt.Errorf("explore: space[%d] (%s) range [%v, %v] is not finite: %w", i, p.Name, p.Lo, p.Hi, ErrDomain))
			continue
		}
		if !(p.Lo < p.Hi) {
			errs = append(errs, fmt.Errorf("explore: space[%d] (%s) range [%v, %v] needs Lo < Hi: %w", i, p.Name, p.Lo, p.Hi, ErrDomain))
		}
		if p.Integer && (p.Lo != math.Trunc(p.Lo) || p.Hi != math.Trunc(p.Hi)) {
			errs = append(errs, fmt.Errorf("explore: space[%d] (%s) is Integer but range [%v, %v] has non-integer bounds: %w", i, p.Name, p.Lo, p.Hi, ErrDomain))
		}
	}
	return errors.Join(errs...)
}

// Names returns the parameter names in order.
func (s Space) Names() []string {
	out := make([]string, len(s))
	for i, p := range s {
		out[i] = p.Name
	}
	return out
}

// Value maps a unit coordinate u in [0, 1] to parameter i's value:
//
//	x = Lo + u (Hi - Lo)                      (continuous)
//	x = Lo + min(floor(u (Hi - Lo + 1)), Hi - Lo)   (Integer)
//
// so that each integer of an Integer parameter is equally likely under a
// uniform u. Value panics if i is out of range.
func (s Space) Value(i int, u float64) float64 {
	p := s[i]
	if p.Integer {
		w := p.Hi - p.Lo
		return p.Lo + math.Min(math.Floor(u*(w+1)), w)
	}
	return p.Lo + u*(p.Hi-p.Lo)
}

// Point maps one unit-hypercube point to model values, written into dst
// (allocated when nil or too short) and returned. It panics if len(u)
// differs from len(s).
func (s Space) Point(dst, u []float64) []float64 {
	if len(u) != len(s) {
		panic(fmt.Sprintf("explore: Space.Point: point has %d coordinates, space has %d parameters", len(u), len(s)))
	}
	if cap(dst) < len(u) {
		dst = make([]float64, len(u))
	}
	dst = dst[:len(u)]
	for i, v := range u {
		dst[i] = s.Value(i, v)
	}
	return dst
}

// Design is a list of points in the unit hypercube [0, 1)^k with the
// parameter space they map onto. Row r of Unit is design point r; the
// caller evaluates the model at Space.Point(nil, Unit[r]) (or at Values()[r])
// and hands the outputs back, one float64 per point, in row order.
type Design struct {
	Space Space
	Unit  [][]float64
}

// Len returns the number of design points.
func (d *Design) Len() int { return len(d.Unit) }

// Values returns every design point mapped to model values, one row per
// point, in a single backing allocation.
func (d *Design) Values() [][]float64 {
	k := len(d.Space)
	buf := make([]float64, len(d.Unit)*k)
	out := make([][]float64, len(d.Unit))
	for r, u := range d.Unit {
		out[r] = d.Space.Point(buf[r*k:(r+1)*k:(r+1)*k], u)
	}
	return out
}

// checkOutputs returns an error unless y has n finite entries.
func checkOutputs(name string, y []float64, n int) error {
	if len(y) != n {
		return fmt.Errorf("explore: %s has %d outputs, the design has %d points: %w", name, len(y), n, ErrDomain)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("explore: %s[%d] = %v is not finite: %w", name, i, v, ErrDomain)
		}
	}
	return nil
}

// checkConf returns an error unless 0 < conf < 1.
func checkConf(conf float64) error {
	if !(conf > 0 && conf < 1) {
		return fmt.Errorf("explore: confidence level %v not in (0, 1): %w", conf, ErrDomain)
	}
	return nil
}
