// Package explore generates designs over a model's parameter space and
// analyses the model's outputs at their points: Sobol sensitivity indices
// on a Saltelli design, Morris elementary effects, and PRIM scenario
// discovery. It knows nothing of negotiation or of any engine: the caller
// evaluates the model at the points (possibly sharded over many machines)
// and hands back one float64 per point, or a mean and variance over R
// replications per point.
//
// # Designs
//
// A [Design] is a list of points in the unit hypercube [0, 1)^k together
// with a [Space], the parameters' names and ranges. [Space.Point] maps a
// unit point to model values (Lo + u (Hi - Lo), rounded onto equally likely
// integers for an Integer parameter). [NewSaltelli] and [NewMorris] build
// designs; every random choice comes from a *rand.Rand (math/rand/v2)
// passed in, so a design and its analysis are reproducible bit for bit from
// their seeds. The rows of a design are ordered, and outputs are matched to
// rows by index, never by completion order.
//
// # Sobol sequence
//
// [Sobol] generates the Sobol low-discrepancy sequence (Sobol 1967) in
// Gray-code order (Antonov and Saleev 1979; Bratley and Fox 1988) with the
// direction numbers of Joe and Kuo (2008), file new-joe-kuo-6.21201, of
// which the first 256 dimensions are embedded. Dimension j has a primitive
// polynomial of degree s with coefficients a_1..a_{s-1} and initial
// numbers m_1..m_s; further numbers follow
//
//	m_k = 2 a_1 m_{k-1} XOR 2^2 a_2 m_{k-2} XOR ... XOR 2^s m_{k-s} XOR m_{k-s}
//	v_k = m_k / 2^k
//	x_i = g_1 v_1 XOR g_2 v_2 XOR ...,   g = i XOR (i >> 1)
//
// An optional random digital shift (XOR with a random word per dimension)
// randomises the sequence while keeping its net structure.
//
// # Sobol indices
//
// A Saltelli design (Saltelli 2002; Saltelli et al. 2010) takes two
// independent N x k matrices A and B from a 2k-dimensional sequence and
// forms A_B^(i), A with column i from B (and, for second-order indices,
// B_A^(i)): N(k+2) or N(2k+2) model runs. With f the outputs and V their
// variance over A and B:
//
//	S_i  = (1/N) sum_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V             Saltelli et al. (2010)
//	S_Ti = (1/(2N)) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V              Jansen (1999)
//	S_ij = (1/N) sum_j (f(B_A^(i))_j f(A_B^(j))_j - f(A)_j f(B)_j) / V - S_i - S_j
//
// Confidence intervals come from a bootstrap over the N base rows (all
// blocks of a row resampled together; percentile intervals, Efron and
// Tibshirani 1993). The package's tests reproduce the analytic indices of
// the Ishigami function (a = 7, b = 0.1: S = 0.3139, 0.4424, 0 and
// ST = 0.5576, 0.4424, 0.2437; Ishigami and Homma 1990) and of the Sobol
// G-function, V_i = 1/(3 (1+a_i)^2), within 0.02 at N = 8192.
//
// A stochastic model adds noise to every output. Evaluate each point with
// R replications on common random numbers (the same R replication seeds at
// every point), pass the means and variances as a [Replicated] to
// [Saltelli.AnalyzeReplicated], and read [Noise]: the share of V that is
// noise, (mean within-point variance / R) / V.
//
// # Morris elementary effects
//
// [NewMorris] builds r trajectories on a p-level grid (Morris 1991); each
// moves every input once by Delta = p / (2 (p - 1)). [Morris.Analyze]
// returns per input
//
//	EE_i = (f(x + Delta e_i) - f(x)) / Delta
//	mu = mean EE_i,   mu* = mean |EE_i|,   sigma = sd EE_i
//
// with mu* the screening measure of Campolongo, Cariboni and Saltelli
// (2007). [NewMorrisSpread] picks r well spread trajectories out of more
// candidates (Campolongo et al. 2007).
//
// # PRIM
//
// [Prim] is the Patient Rule Induction Method (Friedman and Fisher 1999)
// for a binary output ([Threshold] makes one from a continuous output). It
// peels a fraction alpha (0.05) of the points off the face that most raises
// the density of cases of interest, down to a minimum mass, then pastes.
// Along the peeling trajectory, with n_box points in the box, h_box of
// them cases of interest, N points and H cases of interest in all
// (Bryant and Lempert 2010):
//
//	coverage = h_box / H,   density = h_box / n_box,   mass = n_box / N
//
// Each restriction of a box carries a quasi-p-value (as in the EMA
// Workbench, Kwakkel 2017): with the restriction removed the box holds
// n_j points of which h_j are of interest, and
//
//	p = P(X >= h_box),  X ~ Binomial(n_box, h_j / n_j).
//
// [PrimCover] finds several boxes in turn, removing the points of each.
// Peeling is greedy: with two separated regions of interest, or a first
// region that spans a whole input, it can trim irrelevant inputs or settle
// on a local optimum. Inspect the trajectory, drop insignificant
// restrictions (PrimOptions.MaxPValue), and check boxes on fresh data.
//
// # References
//
//   - Antonov, I. A. and Saleev, V. M. (1979). An economic method of
//     computing LP_tau-sequences. USSR Comput. Math. Math. Phys. 19, 252-256.
//   - Bratley, P. and Fox, B. L. (1988). Algorithm 659: Implementing Sobol's
//     quasirandom sequence generator. ACM Trans. Math. Softw. 14, 88-100.
//   - Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a
//     participatory, computer-assisted approach to scenario discovery.
//     Technological Forecasting and Social Change 77, 34-49.
//   - Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective
//     screening design for sensitivity analysis of large models.
//     Environmental Modelling & Software 22, 1509-1518.
//   - Efron, B. and Tibshirani, R. J. (1993). An Introduction to the
//     Bootstrap. Chapman & Hall.
//   - Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in
//     high-dimensional data. Statistics and Computing 9, 123-143.
//   - Ishigami, T. and Homma, T. (1990). An importance quantification
//     technique in uncertainty analysis for computer models. Proc. ISUMA '90,
//     398-403.
//   - Jansen, M. J. W. (1999). Analysis of variance designs for model output.
//     Computer Physics Communications 117, 35-43.
//   - Joe, S. and Kuo, F. Y. (2008). Constructing Sobol sequences with better
//     two-dimensional projections. SIAM J. Sci. Comput. 30, 2635-2654
//     (direction numbers new-joe-kuo-6.21201,
//     https://web.maths.unsw.edu.au/~fkuo/sobol/).
//   - Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: an open
//     source toolkit for exploratory modeling, scenario discovery, and
//     (multi-objective) robust decision making. Environmental Modelling &
//     Software 96, 239-250.
//   - L'Ecuyer, P. and Lemieux, C. (2002). Recent advances in randomized
//     quasi-Monte Carlo methods. In Modeling Uncertainty, Kluwer, 419-474.
//   - Morris, M. D. (1991). Factorial sampling plans for preliminary
//     computational experiments. Technometrics 33, 161-174.
//   - Owen, A. B. (2020). On dropping the first Sobol' point. arXiv:2008.08051.
//   - Saltelli, A. (2002). Making best use of model evaluations to compute
//     sensitivity indices. Computer Physics Communications 145, 280-297.
//   - Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
//     Tarantola, S. (2010). Variance based sensitivity analysis of model
//     output. Design and estimator for the total sensitivity index. Computer
//     Physics Communications 181, 259-270.
//   - Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J.,
//     Gatelli, D., Saisana, M. and Tarantola, S. (2008). Global Sensitivity
//     Analysis: The Primer. Wiley.
//   - Sobol, I. M. (1967). On the distribution of points in a cube and the
//     approximate evaluation of integrals. USSR Comput. Math. Math. Phys. 7,
//     86-112.
//   - Sobol, I. M. (1993). Sensitivity estimates for nonlinear mathematical
//     models. Math. Modeling Comput. Experiment 1, 407-414.
package explore
