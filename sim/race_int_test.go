//go:build race

package sim

// raceEnabled reports a -race build (see race_test.go for the external
// tests). Single-goroutine tests that only repeat a check over many
// replications run a quarter of them under -race (raceScale), and
// statistical ones skip: the race detector slows them about tenfold and
// finds nothing in them. All run in full without -race, in .ci/run's heavy
// step (go test -tags heavy ./sim).
const raceEnabled = true
