package calibrate

import "errors"

// ErrInvalid is returned (wrapped) when a configuration, a prior, a
// distance, a checkpoint or an argument is out of its allowed range. The
// wrapping error names the field, the value and the allowed range.
var ErrInvalid = errors.New("calibrate: invalid input")

// ErrModel is returned (wrapped) when the model's Simulate fails or returns
// summaries of the wrong length or with NaN or infinite values. The
// wrapping error names the generation, the particle and the attempt, so the
// simulation can be replayed with SimulationSeed.
var ErrModel = errors.New("calibrate: model failure")

// ErrDegenerate is returned (wrapped) when the particle population has
// collapsed so that the perturbation kernel cannot be built: the weighted
// particle covariance is not positive definite (for example all particles
// share one value of a parameter).
var ErrDegenerate = errors.New("calibrate: degenerate particle population")
