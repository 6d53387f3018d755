package figures

import "errors"

// ErrNoData is returned (wrapped) when a figure has nothing to draw: an
// empty list of series, points or panels, a nil or empty estimator.
var ErrNoData = errors.New("figures: no data")

// ErrMismatch is returned (wrapped) when inputs that must agree in length
// or shape do not, for example a Grid2D whose Z is not len(X) × len(Y).
var ErrMismatch = errors.New("figures: mismatched lengths")

// ErrDomain is returned (wrapped) when a value is outside its allowed
// range: a negative count, counts that do not add up to N, a probability
// outside [0, 1], non-increasing or non-finite grid levels.
var ErrDomain = errors.New("figures: argument out of range")
