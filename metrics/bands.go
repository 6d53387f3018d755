package metrics

import (
	"fmt"
	"math"
)

// DefaultBins is the number of histogram bins NewBands uses when bins is
// 0: 200, so quantiles are accurate to (hi-lo)/200, half a percent of the
// range.
const DefaultBins = 200

// Bands summarises trajectories of a bounded variable over discrete time:
// for each time step t = 0..Horizon() it keeps a fixed-bin histogram of
// the values seen at t on [lo, hi] and their exact sum. It answers the
// mean, the count and quantiles per time, and gives XYer views of the
// mean and of a quantile across time for plotting a band (for example the
// 10%, 50% and 90% curves).
//
// Memory is (horizon+1)·(bins + 73) 8-byte words, independent of the
// number of trajectories. Everything is integer, so Merge is exact.
//
// Quantiles are read off the histogram by linear interpolation within the
// bin that contains them, so their error is at most one bin width
// (hi-lo)/bins. Means are exact (correctly rounded from an ExactSum).
type Bands struct {
	horizon int
	bins    int
	lo, hi  float64
	width   float64
	counts  []int64 // counts[t*bins+j]
	n       []int64
	sum     []ExactSum
}

// NewBands returns an empty Bands for times 0..horizon and values in
// [lo, hi], with bins equal-width bins (DefaultBins if bins == 0). It
// returns an error wrapping ErrDomain if horizon < 0, bins < 0, or lo, hi
// are not finite with lo < hi.
func NewBands(horizon int, lo, hi float64, bins int) (*Bands, error) {
	if bins == 0 {
		bins = DefaultBins
	}
	if horizon < 0 || bins < 0 || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi) {
		return nil, fmt.Errorf("metrics: NewBands(horizon=%d, lo=%v, hi=%v, bins=%d): %w", horizon, lo, hi, bins, ErrDomain)
	}
	return &Bands{
		horizon: horizon, bins: bins, lo: lo, hi: hi, width: (hi - lo) / float64(bins),
		counts: make([]int64, (horizon+1)*bins),
		n:      make([]int64, horizon+1),
		sum:    make([]ExactSum, horizon+1),
	}, nil
}

// Horizon returns the last time step.
func (b *Bands) Horizon() int { return b.horizon }

// Bins returns the number of bins per time step.
func (b *Bands) Bins() int { return b.bins }

// Range returns the value range [lo, hi].
func (b *Bands) Range() (lo, hi float64) { return b.lo, b.hi }

// bin returns the bin of v: ⌊(v-lo)/width⌋, with hi in the last bin.
func (b *Bands) bin(v float64) int {
	j := int((v - b.lo) / b.width)
	return min(max(j, 0), b.bins-1)
}

// Add records the value v at time t. It returns an error wrapping
// ErrDomain, and records nothing, if t is outside 0..Horizon() or v is
// outside [lo, hi] or NaN. Add does not allocate.
func (b *Bands) Add(t int, v float64) error {
	if t < 0 || t > b.horizon || !(v >= b.lo && v <= b.hi) {
		return fmt.Errorf("metrics: Bands.Add(t=%d, v=%v) outside 0..%d × [%v, %v]: %w", t, v, b.horizon, b.lo, b.hi, ErrDomain)
	}
	b.counts[t*b.bins+b.bin(v)]++
	b.n[t]++
	b.sum[t].Add(v)
	return nil
}

// Merge adds o into b exactly. The two must have equal horizon, bins and
// range; otherwise Merge returns an error wrapping ErrMismatch.
func (b *Bands) Merge(o *Bands) error {
	if b.horizon != o.horizon || b.bins != o.bins || b.lo != o.lo || b.hi != o.hi {
		return fmt.Errorf("metrics: merge Bands of different shapes: %w", ErrMismatch)
	}
	for i, c := range o.counts {
		b.counts[i] += c
	}
	for t := range b.n {
		b.n[t] += o.n[t]
		b.sum[t].Merge(&o.sum[t])
	}
	return nil
}

// Reset empties b, keeping its storage and shape.
func (b *Bands) Reset() {
	clear(b.counts)
	clear(b.n)
	clear(b.sum)
}

// Count returns the number of values recorded at time t (0 outside the
// horizon).
func (b *Bands) Count(t int) int {
	if t < 0 || t > b.horizon {
		return 0
	}
	return int(b.n[t])
}

// Mean returns the exact mean of the values at time t, or NaN if there are
// none or t is outside the horizon.
func (b *Bands) Mean(t int) float64 {
	if t < 0 || t > b.horizon || b.n[t] == 0 {
		return math.NaN()
	}
	return b.sum[t].Float64() / float64(b.n[t])
}

// Quantile returns the p-quantile of the values at time t, interpolated
// linearly within the bin that holds the ⌈p·n⌉-th value:
//
//	Q(p) = lo + w·(j + (p·n - C_{j-1})/c_j)
//
// where w is the bin width, c_j the count of bin j and C_{j-1} the count
// below it. The error is at most w. It returns an error wrapping ErrDomain
// for p outside [0, 1] or t outside the horizon, and one wrapping
// ErrNoData if nothing was recorded at t.
func (b *Bands) Quantile(t int, p float64) (float64, error) {
	if !(p >= 0 && p <= 1) || t < 0 || t > b.horizon {
		return math.NaN(), fmt.Errorf("metrics: Bands.Quantile(t=%d, p=%v): %w", t, p, ErrDomain)
	}
	if b.n[t] == 0 {
		return math.NaN(), fmt.Errorf("metrics: Bands.Quantile at t=%d with no data: %w", t, ErrNoData)
	}
	return b.quantile(t, p), nil
}

func (b *Bands) quantile(t int, p float64) float64 {
	n := b.n[t]
	if n == 0 {
		return math.NaN()
	}
	target := p * float64(n)
	row := b.counts[t*b.bins : (t+1)*b.bins]
	var cum int64
	for j, c := range row {
		if c == 0 {
			continue
		}
		if float64(cum+c) >= target {
			frac := (target - float64(cum)) / float64(c)
			return b.lo + b.width*(float64(j)+math.Max(frac, 0))
		}
		cum += c
	}
	return b.hi
}

// MeanXY returns an XYer view of the mean over time: points (t, Mean(t))
// for t = 0..Horizon(); times with no data give NaN.
func (b *Bands) MeanXY() XYer { return bandMean{b} }

// QuantileXY returns an XYer view of the p-quantile over time: points
// (t, Q_t(p)); times with no data give NaN. Values are computed on demand
// from the histograms, nothing is copied. It panics if p is outside [0, 1].
func (b *Bands) QuantileXY(p float64) XYer {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("metrics: QuantileXY(%v): p outside [0, 1]", p))
	}
	return bandQuantile{b, p}
}

type bandMean struct{ b *Bands }

func (m bandMean) Len() int                { return m.b.horizon + 1 }
func (m bandMean) XY(i int) (x, y float64) { return float64(i), m.b.Mean(i) }

type bandQuantile struct {
	b *Bands
	p float64
}

func (q bandQuantile) Len() int                { return q.b.horizon + 1 }
func (q bandQuantile) XY(i int) (x, y float64) { return float64(i), q.b.quantile(i, q.p) }
