package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// Global sensitivity measures over the design points (Saltelli et al. 2008,
// Global Sensitivity Analysis: The Primer, ch. 1; Marino et al. 2008, "A
// methodology for performing global uncertainty and sensitivity analysis in
// systems biology", J. Theor. Biol. 254: 178-196).
//
// SRC: the coefficients of the least-squares fit of the standardised output
// on the standardised parameters,
//
//	(y − ȳ)/s_y = Σ_i SRC_i · (x_i − x̄_i)/s_i + ε,
//
// so SRC_i is the change of y, in standard deviations, per standard
// deviation of x_i, the others held fixed; with a Latin hypercube (nearly
// uncorrelated inputs) Σ SRC_i² ≈ R², and SRC_i² is the share of the
// variance of y that x_i explains linearly. It is meaningful only as far as
// R² is high.
//
// PRCC: the correlation of x_i and y after rank transformation and after
// removing, by linear regression on the other parameters' ranks, what the
// other parameters explain. It measures monotone (not only linear)
// association. Its interval is Fisher's z: atanh(PRCC) ± z_{0.975}/√(n − 3 − (p − 1)).

// coef is one parameter's sensitivity for one output.
type coef struct {
	Param    string  `json:"param"`
	SRC      float64 `json:"src"`
	SRCSE    float64 `json:"src_se_ols"`  // standard error from the regression (homoscedastic OLS)
	SRCLo    float64 `json:"src_lo"`      // bootstrap (BCa over design points) interval
	SRCHi    float64 `json:"src_hi"`      //
	BootSE   float64 `json:"src_se_boot"` // bootstrap standard error
	PRCC     float64 `json:"prcc"`
	PRCCLo   float64 `json:"prcc_lo"`
	PRCCHi   float64 `json:"prcc_hi"`
	RankSRC  int     `json:"rank_src"`  // 1 = largest |SRC|
	RankPRCC int     `json:"rank_prcc"` // 1 = largest |PRCC|
}

// fit is the sensitivity analysis of one output.
type fit struct {
	Key        string  `json:"output"`
	Label      string  `json:"label"`
	Mean, SD   float64 `json:"-"`
	R2         float64 `json:"r2"`           // linear fit of y on the parameters
	R2Quad     float64 `json:"r2_quadratic"` // the same with reliance² added (curvature in reliance)
	R2Rank     float64 `json:"r2_rank"`      // linear fit of rank(y) on the parameters' ranks
	NoiseShare float64 `json:"noise_share"`  // mean Monte Carlo variance of a point / variance across points
	Coefs      []coef  `json:"coefficients"`
}

// ols fits y on the columns of x (n × p) plus an intercept and returns the
// coefficients (intercept first) and R². It uses a QR factorisation.
func ols(x [][]float64, y []float64) ([]float64, float64, *mat.Dense, error) {
	n, p := len(y), len(x[0])
	a := mat.NewDense(n, p+1, nil)
	for r := range n {
		a.Set(r, 0, 1)
		for c := range p {
			a.Set(r, c+1, x[r][c])
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	if qr.Cond() > 1e12 {
		return nil, math.NaN(), nil, errors.New("singular design")
	}
	var b mat.VecDense
	if err := qr.SolveVecTo(&b, false, mat.NewVecDense(n, y)); err != nil {
		return nil, math.NaN(), nil, err
	}
	var fitted mat.VecDense
	fitted.MulVec(a, &b)
	ym := stat.Mean(y, nil)
	var rss, tss float64
	for r := range n {
		rss += (y[r] - fitted.AtVec(r)) * (y[r] - fitted.AtVec(r))
		tss += (y[r] - ym) * (y[r] - ym)
	}
	return b.RawVector().Data, 1 - rss/tss, a, nil
}

// standardise returns the z-scores of the columns of x and of y over the
// rows idx; ok is false if a column or y is constant.
func standardise(x [][]float64, y []float64, idx []int) ([][]float64, []float64, bool) {
	n, p := len(idx), len(x[0])
	zx := make([][]float64, n)
	zy := make([]float64, n)
	col := make([]float64, n)
	for r := range n {
		zx[r] = make([]float64, p)
	}
	for c := range p {
		for r, i := range idx {
			col[r] = x[i][c]
		}
		m, s := stat.MeanStdDev(col, nil)
		if !(s > 0) {
			return nil, nil, false
		}
		for r := range n {
			zx[r][c] = (col[r] - m) / s
		}
	}
	for r, i := range idx {
		zy[r] = y[i]
	}
	m, s := stat.MeanStdDev(zy, nil)
	if !(s > 0) {
		return nil, nil, false
	}
	for r := range n {
		zy[r] = (zy[r] - m) / s
	}
	return zx, zy, true
}

// srcs returns the SRCs and R² of y on x over the rows idx.
func srcs(x [][]float64, y []float64, idx []int) ([]float64, float64, error) {
	zx, zy, ok := standardise(x, y, idx)
	if !ok {
		return nil, math.NaN(), errors.New("constant parameter or output")
	}
	b, r2, _, err := ols(zx, zy)
	if err != nil {
		return nil, math.NaN(), err
	}
	return b[1:], r2, nil
}

// olsSE returns the homoscedastic standard errors of the SRCs (the fit of
// the standardised variables): sqrt(σ̂² · diag((AᵀA)⁻¹)), σ̂² = RSS/(n − p − 1).
func olsSE(x [][]float64, y []float64) []float64 {
	idx := make([]int, len(y))
	for i := range idx {
		idx[i] = i
	}
	zx, zy, ok := standardise(x, y, idx)
	out := make([]float64, len(x[0]))
	for i := range out {
		out[i] = math.NaN()
	}
	if !ok {
		return out
	}
	b, _, a, err := ols(zx, zy)
	if err != nil {
		return out
	}
	n, p := len(zy), len(x[0])
	var rss float64
	for r := range n {
		f := mat.Dot(a.RowView(r), mat.NewVecDense(len(b), b))
		rss += (zy[r] - f) * (zy[r] - f)
	}
	s2 := rss / float64(n-p-1)
	var ata mat.SymDense
	ata.SymOuterK(1, a.T())
	var ch mat.Cholesky
	if !ch.Factorize(&ata) {
		return out
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return out
	}
	for i := range out {
		out[i] = math.Sqrt(s2 * inv.At(i+1, i+1))
	}
	return out
}

// ranks returns the ranks (1..n, ties averaged) of v.
func ranks(v []float64) []float64 {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// prcc returns the partial rank correlation of every parameter with y, and
// the R² of the rank regression.
func prcc(x [][]float64, y []float64) ([]float64, float64) {
	n, p := len(y), len(x[0])
	rx := make([][]float64, n)
	for r := range n {
		rx[r] = make([]float64, p)
	}
	col := make([]float64, n)
	for c := range p {
		for r := range n {
			col[r] = x[r][c]
		}
		rc := ranks(col)
		for r := range n {
			rx[r][c] = rc[r]
		}
	}
	ry := ranks(y)
	out := make([]float64, p)
	resid := func(others [][]float64, v []float64) []float64 {
		b, _, a, err := ols(others, v)
		if err != nil {
			return nil
		}
		e := make([]float64, n)
		bv := mat.NewVecDense(len(b), b)
		for r := range n {
			e[r] = v[r] - mat.Dot(a.RowView(r), bv)
		}
		return e
	}
	for i := range p {
		others := make([][]float64, n)
		xi := make([]float64, n)
		for r := range n {
			others[r] = append(append([]float64(nil), rx[r][:i]...), rx[r][i+1:]...)
			xi[r] = rx[r][i]
		}
		ex, ey := resid(others, xi), resid(others, ry)
		if ex == nil || ey == nil {
			out[i] = math.NaN()
			continue
		}
		out[i] = stat.Correlation(ex, ey, nil)
	}
	_, r2, _, err := ols(rx, ry)
	if err != nil {
		r2 = math.NaN()
	}
	return out, r2
}

// fisherCI is the Fisher-z interval of a partial correlation r from n
// observations controlling for q variables.
func fisherCI(r float64, n, q int) (float64, float64) {
	df := float64(n - 3 - q)
	if !(df > 0) || math.IsNaN(r) {
		return math.NaN(), math.NaN()
	}
	z := distuv.UnitNormal.Quantile(0.5 + conf/2)
	h := z / math.Sqrt(df)
	c := math.Atanh(math.Max(-1+1e-12, math.Min(1-1e-12, r)))
	return math.Tanh(c - h), math.Tanh(c + h)
}

// sensitivity computes the SRCs with bootstrap intervals and the PRCCs of y
// on x. The bootstrap resamples design points (rows) with a generator seeded
// from seed; every coefficient of one output uses the same resamples.
func sensitivity(names []string, x [][]float64, y []float64, seed [2]uint64, boot int, relIdx int) (fit, error) {
	f := fit{R2: math.NaN(), R2Quad: math.NaN(), R2Rank: math.NaN()}
	n, p := len(y), len(names)
	f.Mean, f.SD = stat.MeanStdDev(y, nil)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	src, r2, err := srcs(x, y, all)
	if err != nil {
		// A constant output (possible in tiny runs): no sensitivity.
		for _, nm := range names {
			f.Coefs = append(f.Coefs, coef{Param: nm, SRC: math.NaN(), SRCSE: math.NaN(), SRCLo: math.NaN(), SRCHi: math.NaN(),
				BootSE: math.NaN(), PRCC: math.NaN(), PRCCLo: math.NaN(), PRCCHi: math.NaN()})
		}
		return f, nil
	}
	f.R2 = r2
	if relIdx >= 0 {
		xq := make([][]float64, n)
		for r := range n {
			xq[r] = append(append([]float64(nil), x[r]...), x[r][relIdx]*x[r][relIdx])
		}
		if _, r2q, err := srcs(xq, y, all); err == nil {
			f.R2Quad = r2q
		}
	}
	se := olsSE(x, y)
	pr, r2r := prcc(x, y)
	f.R2Rank = r2r
	data := make([]float64, n)
	for i := range data {
		data[i] = float64(i)
	}
	rows := make([]int, n)
	for i := range p {
		c := coef{Param: names[i], SRC: src[i], SRCSE: se[i], PRCC: pr[i]}
		c.PRCCLo, c.PRCCHi = fisherCI(pr[i], n, p-1)
		stat := func(d []float64) float64 {
			for k, v := range d {
				rows[k] = int(v)
			}
			b, _, err := srcs(x, y, rows[:len(d)])
			if err != nil {
				return math.NaN()
			}
			return b[i]
		}
		rng := rand.New(rand.NewPCG(seed[0], seed[1])) // same resamples for every coefficient
		br, err := metrics.Bootstrap(rng, data, stat, boot, conf, metrics.BCa)
		if err != nil {
			c.SRCLo, c.SRCHi, c.BootSE = math.NaN(), math.NaN(), math.NaN()
		} else {
			c.SRCLo, c.SRCHi, c.BootSE = br.Interval.Lo, br.Interval.Hi, br.SE
		}
		f.Coefs = append(f.Coefs, c)
	}
	rank := func(get func(c coef) float64, set func(c *coef, r int)) {
		order := make([]int, p)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return math.Abs(get(f.Coefs[order[a]])) > math.Abs(get(f.Coefs[order[b]])) })
		for r, i := range order {
			set(&f.Coefs[i], r+1)
		}
	}
	rank(func(c coef) float64 { return c.SRC }, func(c *coef, r int) { c.RankSRC = r })
	rank(func(c coef) float64 { return c.PRCC }, func(c *coef, r int) { c.RankPRCC = r })
	return f, nil
}

// pointOutcomes are the outcomes of one design point.
type pointOutcomes struct {
	Breakthrough, Early, Impasse, Collapse sim.Estimate
	Failed, BackChannels                   sim.MeanEstimate
}

func fmtErr(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }
