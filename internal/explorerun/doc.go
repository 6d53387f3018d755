// Package explorerun runs the negotiation model of package sim on the
// designs of package explore (Sobol/Saltelli, Morris, Latin hypercube) and
// analyses the results: it is the shared core of "backchannel explore" and
// of the sensitivity study in examples/sensitivity.
//
// A Spec fixes everything that determines the results: the scenario, the
// parameters and their ranges, the design, the seed, the replications per
// point and the two policies compared (the policy of interest and a
// baseline). Every design point runs R replications of both policies on
// common random numbers: replication r of every point and of both policies
// draws from mc.ReplicationRand(Seed, r), so differences between points
// and between policies are not blurred by independent noise.
//
// The summary of a point is exact (integer counts and sums per policy,
// and of the paired difference in breakthrough), so a design run in shards
// (a Part holds the points [Lo, Hi)) merges into the bytes of one process,
// and the indices computed from it are identical whatever the sharding.
//
// # Outputs
//
// For each policy, with T the round of a ratified breakthrough (infinite
// when there is none before the horizon) and W = Spec.Within (260 rounds, five
// years):
//
//   - p_breakthrough: P(T ≤ W), the share of replications with a ratified
//     breakthrough within W rounds.
//   - p_repeated_impasse: P(repeated impasse by the horizon), the share of
//     replications with k or more impasses (Outcome.Impasses) by the end of
//     the replication, k = Spec.ImpasseK (sim.DefaultImpasseK, 2, by
//     default). An impasse is the model's (docs/MODEL.md §7.18): a breakdown
//     that is not a collapse, an exposed back channel abandoned for a fresh
//     one, or a failed ratification, setbacks with no round of bargaining
//     between them counting once.
//   - time_to_breakthrough: the restricted mean E[min(T, W)] in rounds
//     (the area under the survival curve of "no breakthrough yet" up to W).
//     Censoring is handled by restriction: a replication without a
//     breakthrough within W (impasse, collapse or a later breakthrough)
//     contributes W, so the output is defined for every replication and
//     needs no model of what happens after W (Royston and Parmar 2013).
//
// Outputs of the baseline policy carry the prefix "baseline_", and
// breakthrough_gain is the paired difference p_breakthrough −
// baseline_p_breakthrough. Each output at a point has a mean and a sample
// variance over the R replications.
//
// The package never prints, logs or exits; it returns errors.
package explorerun
