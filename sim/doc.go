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
// # Studies
//
// Study, RunStudy and NewReport run the model on the generic engine of
// package mc: the arms of a study (scenario × policy) share common random
// numbers, outcomes stream into exact summaries (counts, event tables for
// Kaplan-Meier and Aalen-Johansen estimates, histograms, per-round bands),
// and the Report gives every estimate with its confidence interval and
// sample size. Besides breakthrough, a study measures repeated impasse over
// time: every Outcome records its impasses (a breakdown that is not a
// collapse, an exposed back channel abandoned for a fresh one, a failed
// ratification; docs/MODEL.md §7.18), and the summary holds the time to the
// k-th impasse with breakthrough and collapse competing, the mean cumulative
// numbers of impasses and back channels, and the State of every
// replication at every round; Study.ImpasseK says which impasse counts as
// repeated. SweepParam and RunSweep run mc designs over scenario
// fields; RunStudySequential stops when an estimate is precise enough.
// Saving, merging and checkpointing results is package results.
//
// # Custom behaviours and concurrency
//
// An Arm carries its own trust rule, concession strategy, opinion
// dynamics or spoiler behaviour as Arm.NewHooks, which the runners call
// once per worker; the Hooks it returns are called at the start of every
// replication, where rules with memory reset their state. Such arms run
// through RunStudy, RunStudySequential, RunSweep and NewReport paired on
// common random numbers with default arms. A Policy is shared by all
// workers and must not modify itself; a policy with state implements
// StatefulPolicy and gets its own Clone per worker, Reset before every
// replication. Either way results are the same on any number of workers
// (ExampleRunStudy_customRules).
//
// # Errors
//
// Scenario.Validate returns every problem at once, joined; each is a
// *FieldError naming the field path, the value and the allowed range, so
// callers can use errors.As.
//
// The library never prints, logs or exits: it returns errors and calls the
// callbacks it is given (mc.RunConfig.Progress, Observer).
package sim
