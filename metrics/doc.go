// Package metrics provides the estimators of the backchannel project:
// proportions with score and exact intervals, discrete-time event tables,
// Kaplan-Meier survival curves, Aalen-Johansen cumulative incidence for
// competing risks, time to the k-th recurrent event ([RecurrentEvents]),
// mean cumulative counts ([MeanCount]), state occupancy with simultaneous
// multinomial intervals ([Occupancy]), streaming summaries that merge
// exactly, per-time trajectory bands and the bootstrap.
//
// The package knows nothing of negotiation. It works on counts, on
// non-negative integer event times and on float64 values.
//
// # Contracts
//
// Every estimate carries its sample size and its uncertainty (a standard
// error, an [Interval], or both). Bad input (NaN, negative times, k > n,
// a confidence level outside (0, 1)) is reported by an error, never by a
// silently wrong number. Errors wrap the sentinel values [ErrNoData],
// [ErrDomain] and [ErrMismatch], so callers can test them with errors.Is.
//
// Library code never prints and never draws random numbers from a global
// generator: [Bootstrap] takes an explicit *rand.Rand from math/rand/v2.
//
// # Exact merging
//
// The streaming accumulators ([EventTable], [Moments], [IntHistogram],
// [Bands], [RecurrentEvents], [MeanCount], [Occupancy]) hold only integers: counts and the limbs of an exact
// superaccumulator ([ExactSum]) for sums of float64. Their Merge methods
// are therefore associative and commutative bit for bit, so a Monte Carlo
// runner that splits replications into shards in any way and merges them
// in any order obtains identical (==) results. Their Add methods do not
// allocate.
//
// # Plotting
//
// Curves ([SurvivalCurve], [IncidenceCurve]) and band summaries satisfy the
// method set of gonum.org/v1/plot/plotter.XYer (Len and XY) structurally,
// without importing the plot module, and expose lower and upper bands as
// views that share the curve's storage (see [XYer]).
//
// # References
//
//   - Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
//     non-homogeneous Markov chains based on censored observations.
//     Scand. J. Statist. 5, 141-150.
//   - Brookmeyer, R. and Crowley, J. (1982). A confidence interval for the
//     median survival time. Biometrics 38, 29-41.
//   - Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or
//     fiducial limits illustrated in the case of the binomial. Biometrika 26, 404-413.
//   - Cook, R. J. and Lawless, J. F. (2007). The Statistical Analysis of
//     Recurrent Events. Springer.
//   - Efron, B. (1987). Better bootstrap confidence intervals. JASA 82, 171-185.
//   - Ghosh, D. and Lin, D. Y. (2000). Nonparametric analysis of recurrent
//     events and death. Biometrics 56, 554-562.
//   - Goodman, L. A. (1965). On simultaneous confidence intervals for
//     multinomial proportions. Technometrics 7, 247-254.
//   - Greenwood, M. (1926). The natural duration of cancer. Reports on Public
//     Health and Medical Subjects 33, HMSO.
//   - Kalbfleisch, J. D. and Prentice, R. L. (2002). The Statistical Analysis of
//     Failure Time Data, 2nd ed. Wiley.
//   - Klein, J. P. and Moeschberger, M. L. (2003). Survival Analysis, 2nd ed. Springer.
//   - Neal, R. M. (2015). Fast exact summation using small and large
//     superaccumulators. arXiv:1505.05571.
//   - Nelson, W. B. (2003). Recurrent Events Data Analysis for Product
//     Repairs, Disease Recurrences, and Other Applications. ASA-SIAM.
//   - Newcombe, R. G. (1998). Improved confidence intervals for the difference
//     between binomial proportions based on paired data. Stat. Med. 17, 2635-2650.
//   - Sison, C. P. and Glaz, J. (1995). Simultaneous confidence intervals and
//     sample size determination for multinomial proportions. JASA 90, 366-369.
//   - Therneau, T. M. (2024). A package for survival analysis in R (survival),
//     and its vignettes "survival" and "compete".
//   - Wilson, E. B. (1927). Probable inference, the law of succession, and
//     statistical inference. JASA 22, 209-212.
package metrics
