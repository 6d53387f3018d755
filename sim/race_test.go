//go:build race

package sim_test

// raceEnabled reports a -race build. The race detector slows the
// single-goroutine statistical fact tests about tenfold and finds nothing in
// them (each fact runs its replications sequentially), so TestFacts and the
// other fact-size statistical tests skip under -race: they run in plain
// `go test ./sim` and, on three seeds each, in the heavy step of .ci/run
// (`go test -tags heavy ./sim`).
const raceEnabled = true
