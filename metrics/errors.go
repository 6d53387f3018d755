package metrics

import "errors"

// ErrNoData is returned (wrapped) when an estimate needs at least one
// observation and there is none, for example a proportion with n = 0 or a
// Kaplan-Meier curve from an empty EventTable.
var ErrNoData = errors.New("metrics: no data")

// ErrDomain is returned (wrapped) when an argument is outside its allowed
// range: a NaN or negative time, k > n, a confidence level outside (0, 1),
// a probability outside [0, 1], an unknown cause.
var ErrDomain = errors.New("metrics: argument out of range")

// ErrMismatch is returned (wrapped) by Merge methods when the two
// accumulators were built with different shapes (number of causes, horizon,
// bins or range) and cannot be added exactly.
var ErrMismatch = errors.New("metrics: incompatible accumulators")
