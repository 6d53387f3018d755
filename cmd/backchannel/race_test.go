//go:build race

package main

// raceEnabled: the race detector slows figure rendering about 25-fold, so
// tests that only check that figures are written skip them under -race.
const raceEnabled = true
