//go:build race

package main

// raceEnabled is set when the tests run under the race detector, where
// rasterising the 300-dpi PNG figures takes over ten seconds.
const raceEnabled = true
