package calibrate

import "math/rand/v2"

// Model is a stochastic simulator reduced to summary statistics. Simulate
// runs the model once at parameter vector theta (in the order of
// Config.Params) and returns its summaries (in the order of
// Config.Observed). It must draw only from rng, must not keep theta or
// modify it, and must be safe for concurrent use by several goroutines
// (each call gets its own rng). The returned slice is owned by the caller.
//
// An error stops the calibration; it is returned wrapped with the
// generation, particle and attempt.
type Model interface {
	Simulate(theta []float64, rng *rand.Rand) ([]float64, error)
}

// ModelFunc adapts an ordinary function to the Model interface.
type ModelFunc func(theta []float64, rng *rand.Rand) ([]float64, error)

// Simulate calls f(theta, rng).
func (f ModelFunc) Simulate(theta []float64, rng *rand.Rand) ([]float64, error) {
	return f(theta, rng)
}
