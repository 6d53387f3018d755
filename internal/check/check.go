// Package check builds the field-level validation errors that every
// parameter struct of backchannel returns from Validate. Each error names the
// field path, the offending value and the allowed range, so that a user
// editing a scenario file can fix every problem in one pass.
package check

import (
	"errors"
	"fmt"
	"math"
)

// FieldError is one invalid parameter: its path in the scenario (for example
// "parties[1].constituents.size"), the value given and the allowed range.
type FieldError struct {
	Path    string
	Value   any
	Allowed string
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s = %v: must be %s", e.Path, e.Value, e.Allowed)
}

// Errors accumulates FieldErrors under a path prefix.
type Errors struct {
	prefix string
	errs   []error
}

// New returns an accumulator whose paths start with prefix.
func New(prefix string) *Errors { return &Errors{prefix: prefix} }

func (e *Errors) path(name string) string {
	if e.prefix == "" {
		return name
	}
	return e.prefix + "." + name
}

// Add records a FieldError.
func (e *Errors) Add(name string, value any, allowed string) {
	e.errs = append(e.errs, &FieldError{Path: e.path(name), Value: value, Allowed: allowed})
}

// Nest appends the errors of a nested Validate call, prefixing their paths.
func (e *Errors) Nest(name string, err error) {
	if err == nil {
		return
	}
	for _, fe := range Flatten(err) {
		var f *FieldError
		if errors.As(fe, &f) {
			e.errs = append(e.errs, &FieldError{Path: e.path(name) + "." + f.Path, Value: f.Value, Allowed: f.Allowed})
			continue
		}
		e.errs = append(e.errs, fmt.Errorf("%s: %w", e.path(name), fe))
	}
}

// Err returns all recorded errors joined, or nil.
func (e *Errors) Err() error { return errors.Join(e.errs...) }

// Flatten returns the leaves of an error built with errors.Join.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// Closed checks lo ≤ v ≤ hi and that v is a number.
func (e *Errors) Closed(name string, v, lo, hi float64) {
	if math.IsNaN(v) || v < lo || v > hi {
		e.Add(name, v, fmt.Sprintf("in [%g, %g]", lo, hi))
	}
}

// Prob checks that v is a probability in [0,1].
func (e *Errors) Prob(name string, v float64) { e.Closed(name, v, 0, 1) }

// NonNeg checks v ≥ 0 and finite.
func (e *Errors) NonNeg(name string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		e.Add(name, v, "a finite number ≥ 0")
	}
}

// Positive checks v > 0 and finite.
func (e *Errors) Positive(name string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		e.Add(name, v, "a finite number > 0")
	}
}

// IntRange checks lo ≤ v ≤ hi for an integer.
func (e *Errors) IntRange(name string, v, lo, hi int) {
	if v < lo || v > hi {
		e.Add(name, v, fmt.Sprintf("an integer in [%d, %d]", lo, hi))
	}
}

// Less checks a < b for two named fields (thresholds in the right order).
func (e *Errors) Less(nameA string, a float64, nameB string, b float64) {
	if !(a < b) {
		e.Add(nameA, a, fmt.Sprintf("< %s (%g)", e.path(nameB), b))
	}
}

// LessEq checks a ≤ b for two named fields.
func (e *Errors) LessEq(nameA string, a float64, nameB string, b float64) {
	if !(a <= b) {
		e.Add(nameA, a, fmt.Sprintf("≤ %s (%g)", e.path(nameB), b))
	}
}
