// Package calibrate fits the parameters of a stochastic simulation model to
// observed summary statistics by approximate Bayesian computation with
// sequential Monte Carlo (ABC-SMC), and checks such fits by
// simulation-based calibration.
//
// The package knows nothing of negotiation. A model is anything with a
// method Simulate(theta []float64, rng *rand.Rand) ([]float64, error) (see
// [Model] and [ModelFunc]) that maps a parameter vector to summaries; each
// parameter has a [Prior] ([Uniform], [Beta], or the caller's own type).
//
// # Algorithm
//
// [Run] implements the population Monte Carlo ABC of Beaumont, Cornuet,
// Marin and Robert (2009) (the ABC-SMC of Toni et al. 2009 weights its
// particles the same way), with the perturbation kernels of Filippi et al.
// (2013) as an option and an adaptive tolerance schedule. With N particles,
// observed summaries s_obs and the distance d of [Distance]:
//
//	generation 0:
//	    for i = 1..N: θ_i ~ π, s_i ~ model(θ_i); w_i = 1/N
//	    c_k = 1.4826 · MAD_i(s_ik)            (unless Config.Scale is given)
//	    d_i = d(s_i, s_obs);  ε_0 = max_i d_i
//	generation t ≥ 1, from (θ_j, w_j, d_j) of generation t-1:
//	    ε_t = max(schedule(d, w), FinalEpsilon)
//	    for each slot i = 1..N, attempts a = 0, 1, ...:
//	        j ~ w;  θ* ~ K_t(· | θ_j) = N(θ_j, Σ_j)
//	        if π(θ*) = 0: next attempt (no simulation)
//	        s* ~ model(θ*); if d(s*, s_obs) ≤ ε_t: θ_i = θ*, accept
//	    w_i ∝ π(θ_i) / Σ_j w_j K_t(θ_i | θ_j)
//	    ESS_t = 1 / Σ_i w_i²
//
// The weights make each generation an importance sample of the ABC
// posterior p_ε(θ | s_obs) ∝ π(θ) P(d(s, s_obs) ≤ ε | θ), which tends to
// the posterior given s_obs as ε → 0. A proposal outside the prior's
// support starts the attempt over from a new ancestor j ~ w (as in Toni et
// al.), never clamped into the support, so the density of the proposals
// that are simulated is the mixture Σ_j w_j K_t(θ | θ_j) restricted to the
// support and divided by one constant, its mass there; the constant
// cancels when the weights are normalised, and no kernel needs its own
// normalisation by its mass inside the support. The kernel covariance is
// Σ_j = 2 Cov_w(θ) ([KernelGlobal], Beaumont et al.) or the optimal local
// covariance Σ_k ω̃_k (θ_k - θ_j)(θ_k - θ_j)ᵀ over the previous particles
// with d_k ≤ ε_t ([KernelOLCM], Filippi et al.). The schedule is the
// weighted Alpha-quantile of the previous distances ([ScheduleQuantile]) or
// the effective-sample-size rule of Del Moral, Doucet and Jasra (2012)
// ([ScheduleESS]). A run stops after the first generation that reaches
// FinalEpsilon, whose acceptance rate N / simulations falls below
// MinAcceptance, or that brings the total simulations to MaxSimulations, or
// after MaxGenerations generations ([StopReason] says which).
//
// The cost of generation t is N / acceptance-rate simulations plus O(N²·p²)
// arithmetic for the weights (p parameters); each generation is returned
// whole ([Generation]: particles, weights, distances, summaries, ε,
// acceptance rate, ESS, simulations), so the tolerance path and the cost
// can be reported.
//
// # Reproducibility, parallelism and checkpoints
//
// Each attempt a of particle slot i in generation t draws its proposal from
// a generator seeded by [ProposalSeed](Seed, t, i, a) and hands the model a
// generator seeded by [SimulationSeed](Seed, t, i, a). Slots are filled
// independently by Config.Workers goroutines and results are stored by slot,
// so a run gives identical (==) generations for any number of workers; any
// accepted simulation can be replayed from Generation.Attempts.
//
// A finished generation is a complete state: [Result.Checkpoint] returns it
// (with the distance and the running count of simulations) as a
// [Checkpoint] that marshals to JSON, and [Resume] continues from it to the
// same generations as an uninterrupted run. Cancelling the context of Run
// or Resume abandons the generation in progress and returns the finished
// ones, marked Partial; the progress callback Config.Progress sees each
// generation as it finishes. The library never prints.
//
// # Summaries and checks
//
// [Summarize] gives each parameter's weighted mean, variance, Monte Carlo
// standard error sqrt(V/ESS), equal-tailed credible interval, ESS and N.
// [Rank], [Resample] and [TestRanks] implement simulation-based calibration
// (Talts et al. 2018): over repetitions θ* ~ π, s ~ model(θ*), the rank of
// θ* among L posterior draws is uniform on 0..L when the inference is
// calibrated, which a chi-square test on binned ranks checks.
//
// The tests check the sampler against exact answers on a normal-mean model:
// with a uniform acceptance kernel of half-width h on the sample mean, the
// ABC posterior is the exact posterior's likelihood convolved with U(-h, h)
// (for a flat prior, variance s² + h²/3), which the tests compute by
// quadrature, including a posterior piled against the edge of a uniform
// prior; they also run SBC and parameter recovery on toy models.
//
// # References
//
//   - Beaumont, M. A., Cornuet, J.-M., Marin, J.-M. and Robert, C. P.
//     (2009). Adaptive approximate Bayesian computation. Biometrika 96,
//     983-990.
//   - Del Moral, P., Doucet, A. and Jasra, A. (2012). An adaptive sequential
//     Monte Carlo method for approximate Bayesian computation. Statistics
//     and Computing 22, 1009-1020.
//   - Filippi, S., Barnes, C. P., Cornebise, J. and Stumpf, M. P. H. (2013).
//     On optimality of kernels for approximate Bayesian computation using
//     sequential Monte Carlo. Statistical Applications in Genetics and
//     Molecular Biology 12, 87-107.
//   - Hampel, F. R. (1974). The influence curve and its role in robust
//     estimation. JASA 69, 383-393.
//   - Kish, L. (1965). Survey Sampling. Wiley.
//   - Prangle, D. (2017). Adapting the ABC distance function. Bayesian
//     Analysis 12, 289-309.
//   - Steele, G. L., Lea, D. and Flood, C. H. (2014). Fast splittable
//     pseudorandom number generators. OOPSLA 2014, 453-472.
//   - Talts, S., Betancourt, M., Simpson, D., Vehtari, A. and Gelman, A.
//     (2018). Validating Bayesian inference algorithms with
//     simulation-based calibration. arXiv:1804.06788.
//   - Toni, T., Welch, D., Strelkowa, N., Ipsen, A. and Stumpf, M. P. H.
//     (2009). Approximate Bayesian computation scheme for parameter
//     inference and model selection in dynamical systems. J. R. Soc.
//     Interface 6, 187-202.
package calibrate
