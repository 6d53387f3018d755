package explore

import (
	"fmt"
	"math"
)

// Replicated holds the outputs of a stochastic model at each design point:
// the mean and the sample variance (divisor R-1) of R replications. The
// replications of every point should use common random numbers (the same
// R replication seeds at every point), so that differences between points
// are not blurred by independent noise.
type Replicated struct {
	Mean, Var []float64
	R         int
}

// Summarize turns raw replications, reps[point][replication], into a
// Replicated with one mean and one variance per point. It returns an error
// wrapping ErrDomain if there are no points, if the points have different
// numbers of replications, fewer than 2, or a non-finite value.
func Summarize(reps [][]float64) (Replicated, error) {
	if len(reps) == 0 {
		return Replicated{}, fmt.Errorf("explore: Summarize of 0 points: %w", ErrDomain)
	}
	r := len(reps[0])
	if r < 2 {
		return Replicated{}, fmt.Errorf("explore: Summarize: point 0 has %d replications, want >= 2: %w", r, ErrDomain)
	}
	out := Replicated{Mean: make([]float64, len(reps)), Var: make([]float64, len(reps)), R: r}
	for i, row := range reps {
		if len(row) != r {
			return Replicated{}, fmt.Errorf("explore: Summarize: point %d has %d replications, point 0 has %d: %w", i, len(row), r, ErrDomain)
		}
		var m float64
		for l, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Replicated{}, fmt.Errorf("explore: Summarize: reps[%d][%d] = %v is not finite: %w", i, l, v, ErrDomain)
			}
			m += v
		}
		m /= float64(r)
		var ss float64
		for _, v := range row {
			ss += (v - m) * (v - m)
		}
		out.Mean[i], out.Var[i] = m, ss/float64(r-1)
	}
	return out, nil
}

// Noise reports how much of the variance of the analysed outputs (the
// means over R replications) is simulation noise rather than the effect of
// the parameters. With sigma^2(x) the variance of one replication at point
// x, the mean over R replications has noise variance sigma^2(x)/R, so
//
//	WithinVar = mean over points of the replicate variance   (estimates E[sigma^2])
//	MeanNoise = WithinVar / R
//	Share     = MeanNoise / V                 (V: variance of the point means)
//	ShareOne  = WithinVar / (V - MeanNoise + WithinVar)   (same, for R = 1)
//
// Share is the fraction of V, the denominator of every Sobol index, that is
// noise: the indices of the parameters then add up to at most about
// 1 - Share. ShareOne says how noisy single replications would be. Common
// random numbers correlate the noise between points; that leaves these
// variance shares unbiased but reduces the noise of the index numerators,
// which depend on differences between points.
type Noise struct {
	// R is the number of replications per point; Points the number of points.
	R, Points int
	// WithinVar is the mean within-point variance of one replication and
	// WithinVarSE its standard error over the points.
	WithinVar, WithinVarSE float64
	// MeanNoise is WithinVar / R, the noise variance of one point mean.
	MeanNoise float64
	// Share and ShareOne are defined above; both are clamped to [0, 1].
	Share, ShareOne float64
}

// noiseOf computes the noise report of rep given V, the variance of the
// analysed means.
func noiseOf(rep Replicated, v float64) *Noise {
	n := len(rep.Var)
	var m float64
	for _, x := range rep.Var {
		m += x
	}
	m /= float64(n)
	var ss float64
	for _, x := range rep.Var {
		ss += (x - m) * (x - m)
	}
	se := math.NaN()
	if n > 1 {
		se = math.Sqrt(ss / float64(n-1) / float64(n))
	}
	mn := m / float64(rep.R)
	clamp := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	return &Noise{R: rep.R, Points: n, WithinVar: m, WithinVarSE: se, MeanNoise: mn,
		Share: clamp(mn / v), ShareOne: clamp(m / (v - mn + m))}
}

// AnalyzeReplicated is Analyze on rep.Mean, the per-point means of R
// replications, with the noise report of Noise added to the result. It
// returns an error wrapping ErrDomain if rep.Mean or rep.Var has the wrong
// length or non-finite or negative values, or R < 1.
func (s *Saltelli) AnalyzeReplicated(rep Replicated, opt SobolOptions) (*SobolIndices, error) {
	if err := checkReplicated(rep, s.Len()); err != nil {
		return nil, err
	}
	res, err := s.Analyze(rep.Mean, opt)
	if err != nil {
		return nil, err
	}
	res.Noise = noiseOf(rep, res.Var)
	return res, nil
}

// checkReplicated validates rep against a design of n points.
func checkReplicated(rep Replicated, n int) error {
	if rep.R < 1 {
		return fmt.Errorf("explore: Replicated.R = %d, want >= 1: %w", rep.R, ErrDomain)
	}
	if err := checkOutputs("Replicated.Mean", rep.Mean, n); err != nil {
		return err
	}
	if err := checkOutputs("Replicated.Var", rep.Var, n); err != nil {
		return err
	}
	for i, v := range rep.Var {
		if v < 0 {
			return fmt.Errorf("explore: Replicated.Var[%d] = %v is negative: %w", i, v, ErrDomain)
		}
	}
	return nil
}
