package explore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/backchannel-sim/backchannel/metrics"
)

// Estimate is a point estimate with its bootstrap standard error and
// percentile confidence interval. Without bootstrap resamples SE and the
// interval bounds are NaN.
type Estimate struct {
	Value float64
	SE    float64
	CI    metrics.Interval
}

// SobolOptions sets the bootstrap of Saltelli.Analyze. The zero value
// computes point estimates only.
type SobolOptions struct {
	// Resamples is the number of bootstrap resamples of the N base rows
	// (0 for none; 500 to 2000 are usual).
	Resamples int
	// Conf is the level of the percentile intervals; 0 means 0.95.
	Conf float64
	// Rng draws the resamples; it is required when Resamples > 0.
	Rng *rand.Rand
}

// SobolIndices holds Sobol sensitivity indices estimated from a Saltelli
// design, one entry per parameter in the order of the space.
type SobolIndices struct {
	// Names are the parameter names.
	Names []string
	// N is the number of base rows; the design had N(k+2) or N(2k+2) points.
	N int
	// Mean and Var are the mean and variance (divisor 2N) of the outputs of
	// A and B together, the V of the formulas.
	Mean, Var float64
	// S1 are the first-order indices (Saltelli et al. 2010).
	S1 []Estimate
	// ST are the total-effect indices (Jansen 1999).
	ST []Estimate
	// S2 holds the second-order indices, S2[i][j] = S2[j][i] for i != j
	// (the diagonal is zero); nil unless the design has SecondOrder.
	S2 [][]Estimate
	// Noise describes the share of the output variance due to simulation
	// noise; nil unless the indices came from AnalyzeReplicated.
	Noise *Noise
}

// sobolPoint computes the indices of one (re)sample: idx lists the base
// rows to use (with repetition). It writes S1 into s1, ST into st and, when
// s2 is not nil, the upper triangle of second-order indices into s2 in row
// major order (pairs i < j). It returns the mean and variance.
func (s *Saltelli) sobolPoint(y []float64, idx []int, s1, st, s2 []float64) (mean, v float64) {
	n, k := s.N, len(s.Space)
	fa, fb := y[:n], y[n:2*n]
	for _, j := range idx {
		mean += fa[j] + fb[j]
	}
	mean /= float64(2 * len(idx))
	for _, j := range idx {
		da, db := fa[j]-mean, fb[j]-mean
		v += da*da + db*db
	}
	v /= float64(2 * len(idx))
	m := float64(len(idx))
	for i := range k {
		fab := y[(2+i)*n : (3+i)*n]
		var num1, numT float64
		for _, j := range idx {
			d := fab[j] - fa[j]
			num1 += (fb[j] - mean) * d
			numT += d * d
		}
		s1[i] = num1 / m / v
		st[i] = numT / (2 * m) / v
	}
	if s2 != nil {
		// Saltelli (2002), as in SALib: V_ij = mean(f(B_A^(i)) f(A_B^(j)) - f(A) f(B)),
		// S_ij = V_ij / V - S_i - S_j, on centred outputs.
		p := 0
		for i := range k {
			fba := y[(2+k+i)*n : (3+k+i)*n]
			for j := i + 1; j < k; j++ {
				fab := y[(2+j)*n : (3+j)*n]
				var num float64
				for _, r := range idx {
					num += (fba[r]-mean)*(fab[r]-mean) - (fa[r]-mean)*(fb[r]-mean)
				}
				s2[p] = num/m/v - s1[i] - s1[j]
				p++
			}
		}
	}
	return mean, v
}

// Analyze estimates first-order, total and (with SecondOrder) second-order
// Sobol indices from y, the model outputs at the design's points in row
// order. With f the outputs of each block and V their variance over A and B,
//
//	S_i  = (1/N) sum_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V        (Saltelli et al. 2010)
//	S_Ti = (1/(2N)) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V         (Jansen 1999)
//	S_ij = (1/N) sum_j (f(B_A^(i))_j f(A_B^(j))_j - f(A)_j f(B)_j) / V - S_i - S_j   (Saltelli 2002)
//
// (outputs centred by their mean over A and B). With opt.Resamples > 0 the
// N base rows are resampled with replacement, all blocks of a row together,
// and each estimate gets the bootstrap SE and percentile interval. The
// intervals treat the base rows as independent: for a Sobol design they are
// conservative. Analyze returns an error wrapping ErrDomain if y has the
// wrong length or a non-finite value, if all outputs of A and B are equal
// (V = 0), or if the options are invalid. The cost is O(N k) per resample,
// O(N k^2) with second order.
func (s *Saltelli) Analyze(y []float64, opt SobolOptions) (*SobolIndices, error) {
	if err := checkOutputs("Saltelli outputs y", y, s.Len()); err != nil {
		return nil, err
	}
	conf := opt.Conf
	if conf == 0 {
		conf = 0.95
	}
	if err := checkConf(conf); err != nil {
		return nil, err
	}
	if opt.Resamples < 0 || opt.Resamples == 1 || (opt.Resamples > 0 && opt.Rng == nil) {
		return nil, fmt.Errorf("explore: SobolOptions.Resamples = %d (want 0 or >= 2, with a non-nil Rng): %w", opt.Resamples, ErrDomain)
	}
	n, k := s.N, len(s.Space)
	npair := 0
	if s.SecondOrder {
		npair = k * (k - 1) / 2
	}
	idx := make([]int, n)
	for j := range idx {
		idx[j] = j
	}
	s1, st, s2 := make([]float64, k), make([]float64, k), make([]float64, npair)
	if !s.SecondOrder {
		s2 = nil
	}
	mean, v := s.sobolPoint(y, idx, s1, st, s2)
	if !(v > 0) {
		return nil, fmt.Errorf("explore: Saltelli outputs of A and B have variance %v, want > 0: %w", v, ErrDomain)
	}
	res := &SobolIndices{Names: s.Space.Names(), N: n, Mean: mean, Var: v,
		S1: make([]Estimate, k), ST: make([]Estimate, k)}
	nan := math.NaN()
	blank := func(x float64) Estimate {
		return Estimate{Value: x, SE: nan, CI: metrics.Interval{Lo: nan, Hi: nan, Level: conf}}
	}
	for i := range k {
		res.S1[i], res.ST[i] = blank(s1[i]), blank(st[i])
	}
	if s.SecondOrder {
		res.S2 = make([][]Estimate, k)
		for i := range k {
			res.S2[i] = make([]Estimate, k)
		}
		p := 0
		for i := range k {
			for j := i + 1; j < k; j++ {
				res.S2[i][j], res.S2[j][i] = blank(s2[p]), blank(s2[p])
				p++
			}
		}
	}
	if opt.Resamples == 0 {
		return res, nil
	}
	// Bootstrap: columns of boot are the 2k + npair statistics.
	b := opt.Resamples
	nstat := 2*k + npair
	boot := make([][]float64, nstat)
	for c := range boot {
		boot[c] = make([]float64, b)
	}
	bs1, bst := make([]float64, k), make([]float64, k)
	var bs2 []float64
	if s.SecondOrder {
		bs2 = make([]float64, npair)
	}
	for r := range b {
		for j := range idx {
			idx[j] = opt.Rng.IntN(n)
		}
		if _, bv := s.sobolPoint(y, idx, bs1, bst, bs2); !(bv > 0) {
			// A degenerate resample (all outputs equal): indices undefined.
			for c := range boot {
				boot[c][r] = nan
			}
			continue
		}
		for i := range k {
			boot[i][r], boot[k+i][r] = bs1[i], bst[i]
		}
		for p := range npair {
			boot[2*k+p][r] = bs2[p]
		}
	}
	fill := func(e *Estimate, col []float64) {
		e.SE, e.CI.Lo, e.CI.Hi = bootSummary(col, conf)
	}
	for i := range k {
		fill(&res.S1[i], boot[i])
		fill(&res.ST[i], boot[k+i])
	}
	if s.SecondOrder {
		p := 0
		for i := range k {
			for j := i + 1; j < k; j++ {
				fill(&res.S2[i][j], boot[2*k+p])
				res.S2[j][i] = res.S2[i][j]
				p++
			}
		}
	}
	return res, nil
}

// bootSummary returns the standard deviation and the percentile interval
// (type 7 quantiles) of the finite bootstrap replicates in col, which it
// sorts. All NaN when fewer than two replicates are finite.
func bootSummary(col []float64, conf float64) (se, lo, hi float64) {
	col = slices.DeleteFunc(col, math.IsNaN)
	if len(col) < 2 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var m float64
	for _, x := range col {
		m += x
	}
	m /= float64(len(col))
	var ss float64
	for _, x := range col {
		ss += (x - m) * (x - m)
	}
	se = math.Sqrt(ss / float64(len(col)-1))
	slices.Sort(col)
	return se, quantile7(col, (1-conf)/2), quantile7(col, 1-(1-conf)/2)
}

// quantile7 returns the type 7 (linear interpolation) quantile of sorted x.
func quantile7(x []float64, q float64) float64 {
	h := q * float64(len(x)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-lo)*(x[i+1]-x[i])
}
