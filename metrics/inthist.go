package metrics

import (
	"fmt"
	"math"
)

// IntHistogram counts the values of a non-negative integer variable, such
// as the number of back channels opened in a replication. Memory grows
// with the largest value, never with the number of observations; counts
// are integers, so Merge is exact.
//
// The zero value is an empty histogram, ready to use. IntHistogram
// satisfies XYer with points (v, count of v) for v = 0..Max().
type IntHistogram struct {
	counts []int64
	n      int64
}

// Add records the value v. It returns an error wrapping ErrDomain if
// v < 0. Add allocates only when v exceeds the largest value seen so far.
func (h *IntHistogram) Add(v int) error { return h.AddN(v, 1) }

// AddN records count copies of v; see Add.
func (h *IntHistogram) AddN(v, count int) error {
	if v < 0 || count < 0 {
		return fmt.Errorf("metrics: IntHistogram.AddN(%d, %d): %w", v, count, ErrDomain)
	}
	if v >= len(h.counts) {
		h.counts = append(h.counts, make([]int64, v+1-len(h.counts))...)
	}
	h.counts[v] += int64(count)
	h.n += int64(count)
	return nil
}

// Merge adds the counts of o to h exactly.
func (h *IntHistogram) Merge(o *IntHistogram) {
	if len(o.counts) > len(h.counts) {
		h.counts = append(h.counts, make([]int64, len(o.counts)-len(h.counts))...)
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
}

// Reset empties h, keeping its storage.
func (h *IntHistogram) Reset() { clear(h.counts); h.n = 0 }

// N returns the number of observations.
func (h *IntHistogram) N() int { return int(h.n) }

// Count returns the number of observations equal to v.
func (h *IntHistogram) Count(v int) int {
	if v < 0 || v >= len(h.counts) {
		return 0
	}
	return int(h.counts[v])
}

// Max returns the largest value observed, or -1 if h is empty.
func (h *IntHistogram) Max() int {
	for v := len(h.counts) - 1; v >= 0; v-- {
		if h.counts[v] != 0 {
			return v
		}
	}
	return -1
}

// Moments returns the Moments of the recorded values (exact, hence the
// same whatever the order of Add and Merge).
func (h *IntHistogram) Moments() Moments {
	var m Moments
	for v, c := range h.counts {
		if c == 0 {
			continue
		}
		// c copies of v: Σx += c·v and Σx² += c·v², added exactly.
		x, cf := float64(v), float64(c)
		addExactProd(&m.sum, cf, x)
		addExactProd(&m.sumSq, cf, x*x) // v² < 2^53 for v < 2^26
		m.n += c
	}
	return m
}

// addExactProd adds a·b to s without rounding error.
func addExactProd(s *ExactSum, a, b float64) {
	p := a * b
	s.Add(p)
	s.Add(math.FMA(a, b, -p))
}

// Mean returns the mean value, or NaN if h is empty.
func (h *IntHistogram) Mean() float64 { m := h.Moments(); return m.Mean() }

// Proportion returns the fraction of observations with value >= v as a
// Proportion, for example the share of replications that opened at least
// one channel.
func (h *IntHistogram) Proportion(v int) Proportion {
	var k int64
	for x := max(v, 0); x < len(h.counts); x++ {
		k += h.counts[x]
	}
	return Proportion{K: int(k), N: int(h.n)}
}

// Quantile returns the p-quantile of the recorded values as the inverse
// of the empirical distribution function (R's quantile type 1):
//
//	Q(p) = min{v : F(v) >= p},  F(v) = #{x <= v}/n
//
// with Q(0) the smallest value. It returns an error wrapping ErrNoData if
// h is empty and one wrapping ErrDomain unless 0 <= p <= 1.
func (h *IntHistogram) Quantile(p float64) (int, error) {
	if !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("metrics: quantile probability %v not in [0, 1]: %w", p, ErrDomain)
	}
	if h.n == 0 {
		return 0, fmt.Errorf("metrics: quantile of an empty histogram: %w", ErrNoData)
	}
	target := p * float64(h.n)
	var cum int64
	for v, c := range h.counts {
		cum += c
		if c > 0 && float64(cum) >= target {
			return v, nil
		}
	}
	return h.Max(), nil
}

// Len returns Max()+1, the number of histogram bars.
func (h *IntHistogram) Len() int { return h.Max() + 1 }

// XY returns (i, count of i).
func (h *IntHistogram) XY(i int) (x, y float64) { return float64(i), float64(h.counts[i]) }
