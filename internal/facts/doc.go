// Package facts computes the stylized facts of the backchannel model
// (docs/MODEL.md §1.2) as paired comparisons on common random numbers, so
// that the same statistics serve the tests of package sim and the
// robustness study (examples/robustness).
//
// Each fact is a function of a scenario and a Config (replications and a
// seed) that returns a Result: one or more Checks, each an estimate with
// its standard error, which hold when the estimate exceeds a margin of
// standard errors. Replication i of every arm of a comparison is seeded
// with Rand(seed, i), so the arms see the same shocks.
package facts
