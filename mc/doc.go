// Package mc runs Monte Carlo experiments on any model: a parallel
// replication engine whose results do not depend on the number of workers,
// with reproducible per-replication seeds, shards, sequential stopping,
// experimental designs and paired comparisons on common random numbers.
// It knows nothing of negotiation; package sim runs its model on it, and a
// user with a model of their own needs only mc and package metrics.
//
// # Engine
//
// A model is a Replicator: replication i draws every random number from
// rand.NewPCG(ReplicationSeed(seed, i)) (a SplitMix64 hash of the master
// seed and the index into both PCG words). Run folds outcomes into a
// Summary in fixed blocks, each in index order, and merges blocks in block
// order, so results are bit-identical for any number of workers. Failures
// (errors or panics) are recorded with their index and seeds for Replay;
// cancellation returns the finished work marked Partial. With exact
// summaries (integer counts, exact sums) shards (ShardRange,
// RunResult.Merge) merge to the same result as one run.
//
// # Designs, stopping and comparisons
//
// Param, Grid and LatinHypercube build designs over any parameter type
// and RunDesign runs them, each point with its own seed stream
// (StreamSeed). RunSequential stops when an estimate is precise enough.
// RunPaired runs variants of a model on common random numbers and
// PairedDiff summarises their paired differences exactly.
//
// The package never prints, logs or exits: it returns errors and calls
// the callbacks it is given (RunConfig.Progress).
package mc
