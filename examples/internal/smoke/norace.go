//go:build !race

package smoke

// RaceEnabled is set when the tests run under the race detector.
const RaceEnabled = false
