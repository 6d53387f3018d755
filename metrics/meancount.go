package metrics

import (
	"fmt"
	"math"
	"math/big"

	"gonum.org/v1/gonum/stat/distuv"
)

// MeanCount accumulates the cumulative number of events of subjects
// followed over rounds 0..horizon, for the mean cumulative count
//
//	μ(t) = E N(t),  N(t) = number of the subject's events in rounds 0..t.
//
// Every subject is observed until it leaves observation at round end, by
// a terminal event or at the horizon, and nothing is counted after end:
// the count of a subject that ended at s < t is frozen at its value at s,
// N(t) = N(s). Because no subject is censored while it could still have
// events, the sample mean of N_i(t) over the n subjects is the exact
// (unbiased) estimator of μ(t) at every t, and its standard error is the
// sample standard deviation over √n; no weighting by the number at risk
// is needed. This μ(t) is the mean frequency function of recurrent events
// stopped by a terminal event (Ghosh and Lin 2000, Nonparametric analysis
// of recurrent events and death, Biometrics 56, 554-562), estimated
// without censoring; it is also Nelson's mean cumulative function with
// complete follow-up (Nelson 2003, Recurrent Events Data Analysis for
// Product Repairs, Disease Recurrences, and Other Applications, SIAM):
//
//	S(t) = Σ_i N_i(t),  Q(t) = Σ_i N_i(t)²
//	μ̂(t) = S(t)/n
//	SE(t)² = (n·Q(t) - S(t)²) / (n²(n-1))
//
// MeanCount stores, per round, the number of events and the increment of
// Q at that round (an event that raises a subject's count from c to c+1
// adds 2c+1), so Add costs O(number of events) and does not allocate,
// memory is 2·(horizon+1) integers whatever the number of subjects, and
// Merge is exact integer addition. The sums must stay below 2⁶³.
//
// The zero value is not usable; create one with NewMeanCount. A MeanCount
// is not safe for concurrent use.
type MeanCount struct {
	horizon int
	n       int64
	dSum    []int64 // dSum[t]: events at round t, over all subjects
	dSq     []int64 // dSq[t]: increment of Σ N_i(t)² at round t
}

// NewMeanCount returns an empty accumulator for rounds 0..horizon. It
// returns an error wrapping ErrDomain unless 0 <= horizon <= 1<<24.
func NewMeanCount(horizon int) (*MeanCount, error) {
	if horizon < 0 || horizon > 1<<24 {
		return nil, fmt.Errorf("metrics: NewMeanCount: horizon = %d, want [0, %d]: %w", horizon, 1<<24, ErrDomain)
	}
	return &MeanCount{horizon: horizon, dSum: make([]int64, horizon+1), dSq: make([]int64, horizon+1)}, nil
}

// Horizon returns the last round.
func (m *MeanCount) Horizon() int { return m.horizon }

// N returns the number of subjects added.
func (m *MeanCount) N() int { return int(m.n) }

// Add records one subject: times are the rounds of its events, in
// non-decreasing order (several events may share a round), all in
// [0, end]; end, in [0, Horizon()], is the round at which it left
// observation (terminal event or horizon). Add returns an error wrapping
// ErrDomain that names the argument and its value, and records nothing,
// if the history is invalid. It does not allocate.
func (m *MeanCount) Add(times []int, end int) error {
	if err := checkHistory("MeanCount.Add", times, end, m.horizon); err != nil {
		return err
	}
	for i, t := range times {
		m.dSum[t]++
		m.dSq[t] += int64(2*i + 1)
	}
	m.n++
	return nil
}

// Merge adds the subjects of o to m. Both must have the same horizon,
// otherwise Merge returns an error wrapping ErrMismatch and m is
// unchanged.
func (m *MeanCount) Merge(o *MeanCount) error {
	if m.horizon != o.horizon {
		return fmt.Errorf("metrics: merge MeanCount with horizons %d and %d: %w", m.horizon, o.horizon, ErrMismatch)
	}
	for t := range m.dSum {
		m.dSum[t] += o.dSum[t]
		m.dSq[t] += o.dSq[t]
	}
	m.n += o.n
	return nil
}

// Reset removes every subject, keeping the horizon and the storage.
func (m *MeanCount) Reset() {
	clear(m.dSum)
	clear(m.dSq)
	m.n = 0
}

// Equal reports whether m and o have the same horizon and hold the same
// counts.
func (m *MeanCount) Equal(o *MeanCount) bool {
	if m.horizon != o.horizon || m.n != o.n {
		return false
	}
	for t := range m.dSum {
		if m.dSum[t] != o.dSum[t] || m.dSq[t] != o.dSq[t] {
			return false
		}
	}
	return true
}

// Totals returns S(t) = Σ_i N_i(t) and Q(t) = Σ_i N_i(t)², the exact
// integer sums behind the estimate, for t in 0..Horizon(). It panics if t
// is outside that range. It costs O(t).
func (m *MeanCount) Totals(t int) (sum, sumSq int64) {
	if t < 0 || t > m.horizon {
		panic(fmt.Sprintf("metrics: MeanCount.Totals: round %d outside 0..%d", t, m.horizon))
	}
	for s := 0; s <= t; s++ {
		sum += m.dSum[s]
		sumSq += m.dSq[s]
	}
	return sum, sumSq
}

// MeanCountCurve is the estimated mean cumulative count μ(t) at every
// round t = 0..horizon, with its standard error and pointwise Student-t
// interval. It satisfies XYer with points (T[i], Mean[i]); Lower and
// Upper give the limits as XYer views.
type MeanCountCurve struct {
	T      []int     // rounds 0..horizon
	Mean   []float64 // μ̂(t) = S(t)/n
	SE     []float64 // standard error of Mean; NaN if n < 2
	Lo, Hi []float64 // pointwise limits at Level; NaN if n < 2

	Level float64
	N     int // number of subjects
}

// Len returns the number of rounds.
func (c *MeanCountCurve) Len() int { return len(c.T) }

// XY returns (T[i], Mean[i]).
func (c *MeanCountCurve) XY(i int) (x, y float64) { return float64(c.T[i]), c.Mean[i] }

// Lower returns the lower pointwise limits as an XYer view.
func (c *MeanCountCurve) Lower() XYer { return stepXY{c.T, c.Lo} }

// Upper returns the upper pointwise limits as an XYer view.
func (c *MeanCountCurve) Upper() XYer { return stepXY{c.T, c.Hi} }

// Curve returns the mean cumulative count at every round with its
// standard error and the pointwise interval
//
//	μ̂(t) ± t_{1-(1-conf)/2, n-1} · SE(t)
//
// (the Student-t interval of Moments.Interval, justified by the central
// limit theorem once n is moderate; it has zero width at rounds where
// every subject has the same count, such as those before any event). The
// numerator n·Q - S² of the variance is computed exactly in
// integers, then rounded once. Curve returns an error wrapping ErrNoData
// if no subject was added and one wrapping ErrDomain for a bad conf.
func (m *MeanCount) Curve(conf float64) (*MeanCountCurve, error) {
	if err := checkConf(conf); err != nil {
		return nil, err
	}
	if m.n == 0 {
		return nil, fmt.Errorf("metrics: mean cumulative count with no subjects: %w", ErrNoData)
	}
	H := m.horizon + 1
	c := &MeanCountCurve{
		T: make([]int, H), Mean: make([]float64, H), SE: make([]float64, H),
		Lo: make([]float64, H), Hi: make([]float64, H), Level: conf, N: int(m.n),
	}
	nf := float64(m.n)
	q := math.NaN()
	if m.n >= 2 {
		q = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nf - 1}.Quantile(1 - (1-conf)/2)
	}
	var sum, sumSq int64
	var a, b, nb big.Int
	var f big.Float
	nb.SetInt64(m.n)
	for t := range H {
		sum += m.dSum[t]
		sumSq += m.dSq[t]
		c.T[t] = t
		mean := float64(sum) / nf
		c.Mean[t] = mean
		se := math.NaN()
		if m.n >= 2 {
			a.SetInt64(sumSq)
			a.Mul(&a, &nb)
			b.SetInt64(sum)
			b.Mul(&b, &b)
			a.Sub(&a, &b)
			num, _ := f.SetInt(&a).Float64()
			se = math.Sqrt(math.Max(num, 0) / (nf * nf * (nf - 1)))
		}
		c.SE[t] = se
		c.Lo[t], c.Hi[t] = mean-q*se, mean+q*se
	}
	return c, nil
}
