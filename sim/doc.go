// Package sim simulates back-channel negotiations and runs them as Monte
// Carlo experiments.
//
// # Model
//
// A Scenario holds every parameter (documented field by field with unit,
// default and range; Validate reports every problem at once; ParseScenario
// reads strict YAML or JSON). A Replication simulates one negotiation round
// by round (one round is one week) from a generator and returns an Outcome:
// Breakthrough (a deal ratified on both sides), Collapse (talks ended for
// good) or Impasse (undecided at the horizon: censored), with counters of
// back channels opened, leaks, spoiler attacks, failed ratifications and
// more. A Policy chooses the channel (Closed, Back, Front or Parallel);
// built-ins are FrontOnly, BackOnly, BackThenFront, Reliance and
// ParallelChannels, and users can write their own. An Observer sees a
// read-only Snapshot after every round and cannot change the outcome.
// After its first run a Replication allocates nothing.
//
// # Monte Carlo
//
// Run is a generic parallel engine for any model written as a Replicator:
// replication i draws from rand.NewPCG(ReplicationSeed(seed, i)) (a
// SplitMix64 hash of the master seed and the index into both PCG words),
// replications are grouped in fixed blocks folded in index order and merged
// in block order, so results are bit-identical for any number of workers.
// Failures (errors or panics) are recorded with their index and seeds for
// Replay; cancellation returns the finished work marked Partial. Exact
// summaries make shards (ShardRange, RunResult.Merge) merge to the same
// result as one run.
//
// Study, RunStudy and NewReport specialise the engine to negotiations: the
// arms of a study (scenario × policy) share common random numbers, outcomes
// stream into exact summaries (counts, event tables for Kaplan-Meier and
// Aalen-Johansen estimates, histograms, per-round bands), and the Report
// gives every estimate with its confidence interval and sample size.
// SweepParam, Grid, LatinHypercube and RunSweep run designs over scenario
// fields; RunSequential stops when an estimate is precise enough.
//
// The library never prints, logs or exits: it returns errors and calls the
// callbacks it is given (RunConfig.Progress, Observer).
package sim
