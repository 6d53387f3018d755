package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Exact JSON encodings of the mergeable accumulators, so that partial
// results can be saved by one process and merged by another (shards,
// checkpoints). Every encoding holds integers only, never a rounded
// float, so a decoded accumulator is equal to the original in every
// derived estimate, bit for bit, and merges exactly as the original would.
// The encodings are canonical: accumulators that hold the same information
// encode to the same bytes whatever their history (trailing empty cells
// and deferred carries are dropped). Decoding checks consistency (counts
// add up, shapes and ranges are valid) and returns an error wrapping
// ErrDomain otherwise; the receiver is then unchanged.

// exactSumJSON is the encoding of an ExactSum: the normalised limbs from
// index Lo (limb i weighs 2^(32i−1074); all but the top limb, index 69,
// are in [0, 2^32); the top limb carries the sign) and the counts of
// non-finite values.
type exactSumJSON struct {
	Lo     int     `json:"lo,omitempty"`
	Limbs  []int64 `json:"limbs,omitempty"`
	NaN    int64   `json:"nan,omitempty"`
	PosInf int64   `json:"pos_inf,omitempty"`
	NegInf int64   `json:"neg_inf,omitempty"`
}

func (s *ExactSum) toJSON() exactSumJSON {
	v := *s
	v.normalize()
	out := exactSumJSON{NaN: v.nan, PosInf: v.posInf, NegInf: v.negInf}
	lo, hi := 0, numLimbs-1
	for lo < numLimbs && v.limb[lo] == 0 {
		lo++
	}
	for hi >= lo && v.limb[hi] == 0 {
		hi--
	}
	if lo <= hi {
		out.Lo = lo
		out.Limbs = append([]int64(nil), v.limb[lo:hi+1]...)
	}
	return out
}

func (e *exactSumJSON) toSum() (ExactSum, error) {
	var s ExactSum
	if e.Lo < 0 || e.Lo+len(e.Limbs) > numLimbs {
		return s, fmt.Errorf("metrics: ExactSum: limbs [%d, %d) outside [0, %d): %w", e.Lo, e.Lo+len(e.Limbs), numLimbs, ErrDomain)
	}
	for i, l := range e.Limbs {
		k := e.Lo + i
		if k < numLimbs-1 && (l < 0 || l > limbMask) {
			return s, fmt.Errorf("metrics: ExactSum: limb %d = %d not normalised: %w", k, l, ErrDomain)
		}
		if k == numLimbs-1 && (l >= 1<<61 || l <= -1<<61) {
			return s, fmt.Errorf("metrics: ExactSum: top limb %d out of range: %w", l, ErrDomain)
		}
		s.limb[k] = l
	}
	if e.NaN < 0 || e.PosInf < 0 || e.NegInf < 0 {
		return s, fmt.Errorf("metrics: ExactSum: negative non-finite counts: %w", ErrDomain)
	}
	s.nan, s.posInf, s.negInf = e.NaN, e.PosInf, e.NegInf
	return s, nil
}

// MarshalJSON implements json.Marshaler: the exact sum as its normalised
// limbs, {"lo": i, "limbs": [...]} (the value is Σ limbs[k]·2^(32(i+k)−1074)),
// plus "nan", "pos_inf" and "neg_inf" counts when not zero. An empty sum
// is {}.
func (s ExactSum) MarshalJSON() ([]byte, error) { return json.Marshal(s.toJSON()) }

// UnmarshalJSON implements json.Unmarshaler.
func (s *ExactSum) UnmarshalJSON(b []byte) error {
	var e exactSumJSON
	if err := strictUnmarshal(b, &e); err != nil {
		return fmt.Errorf("metrics: ExactSum: %w", err)
	}
	v, err := e.toSum()
	if err != nil {
		return err
	}
	*s = v
	return nil
}

type momentsJSON struct {
	N     int64        `json:"n"`
	Sum   exactSumJSON `json:"sum"`
	SumSq exactSumJSON `json:"sum_sq"`
}

// MarshalJSON implements json.Marshaler: {"n": n, "sum": Σx, "sum_sq": Σx²}
// with the sums encoded as ExactSum.
func (m Moments) MarshalJSON() ([]byte, error) {
	return json.Marshal(momentsJSON{N: m.n, Sum: m.sum.toJSON(), SumSq: m.sumSq.toJSON()})
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Moments) UnmarshalJSON(b []byte) error {
	var e momentsJSON
	if err := strictUnmarshal(b, &e); err != nil {
		return fmt.Errorf("metrics: Moments: %w", err)
	}
	if e.N < 0 {
		return fmt.Errorf("metrics: Moments: n = %d: %w", e.N, ErrDomain)
	}
	s, err := e.Sum.toSum()
	if err != nil {
		return err
	}
	sq, err := e.SumSq.toSum()
	if err != nil {
		return err
	}
	*m = Moments{n: e.N, sum: s, sumSq: sq}
	return nil
}

type intHistogramJSON struct {
	N      int64   `json:"n"`
	Counts []int64 `json:"counts"`
}

// MarshalJSON implements json.Marshaler: {"n": n, "counts": [c0, c1, ...]}
// with counts[v] the number of observations equal to v, up to Max().
func (h IntHistogram) MarshalJSON() ([]byte, error) {
	c := h.counts[:h.Max()+1]
	if c == nil {
		c = []int64{}
	}
	return json.Marshal(intHistogramJSON{N: h.n, Counts: c})
}

// UnmarshalJSON implements json.Unmarshaler. The counts must be
// non-negative and add up to n.
func (h *IntHistogram) UnmarshalJSON(b []byte) error {
	var e intHistogramJSON
	if err := strictUnmarshal(b, &e); err != nil {
		return fmt.Errorf("metrics: IntHistogram: %w", err)
	}
	if err := checkCounts("IntHistogram", e.Counts, e.N); err != nil {
		return err
	}
	*h = IntHistogram{counts: e.Counts, n: e.N}
	return nil
}

// checkCounts checks that counts are non-negative and add up to n without
// overflow.
func checkCounts(what string, counts []int64, n int64) error {
	var sum int64
	for i, c := range counts {
		if c < 0 || sum > math.MaxInt64-c {
			return fmt.Errorf("metrics: %s: count %d = %d negative or overflowing: %w", what, i, c, ErrDomain)
		}
		sum += c
	}
	if sum != n {
		return fmt.Errorf("metrics: %s: counts add up to %d, n = %d: %w", what, sum, n, ErrDomain)
	}
	return nil
}

type eventTableJSON struct {
	Causes int     `json:"causes"`
	N      int64   `json:"n"`
	Counts []int64 `json:"counts"`
}

// MarshalJSON implements json.Marshaler: {"causes": C, "n": n, "counts":
// [...]} with counts[t·(C+1)+c] the observations ending at time t with
// cause c (0 censored), for t up to MaxTime().
func (e EventTable) MarshalJSON() ([]byte, error) {
	c := e.counts[:(e.MaxTime()+1)*(e.causes+1)]
	if c == nil {
		c = []int64{}
	}
	return json.Marshal(eventTableJSON{Causes: e.causes, N: e.n, Counts: c})
}

// UnmarshalJSON implements json.Unmarshaler. causes must be in
// [1, 1<<16], the counts a whole number of rows, non-negative, adding up
// to n.
func (e *EventTable) UnmarshalJSON(b []byte) error {
	var w eventTableJSON
	if err := strictUnmarshal(b, &w); err != nil {
		return fmt.Errorf("metrics: EventTable: %w", err)
	}
	if w.Causes < 1 || w.Causes > 1<<16 {
		return fmt.Errorf("metrics: EventTable: causes = %d, want [1, 65536]: %w", w.Causes, ErrDomain)
	}
	if len(w.Counts)%(w.Causes+1) != 0 {
		return fmt.Errorf("metrics: EventTable: %d counts is not a whole number of rows of %d: %w", len(w.Counts), w.Causes+1, ErrDomain)
	}
	if err := checkCounts("EventTable", w.Counts, w.N); err != nil {
		return err
	}
	*e = EventTable{causes: w.Causes, counts: w.Counts, n: w.N}
	return nil
}

// bandsRowJSON is one time step of Bands with data: its count, the
// histogram counts of bins [Bin0, Bin0+len(Counts)) and the exact sum.
type bandsRowJSON struct {
	T      int          `json:"t"`
	N      int64        `json:"n"`
	Bin0   int          `json:"bin0"`
	Counts []int64      `json:"counts"`
	Sum    exactSumJSON `json:"sum"`
}

type bandsJSON struct {
	Horizon int            `json:"horizon"`
	Bins    int            `json:"bins"`
	Lo      float64        `json:"lo"`
	Hi      float64        `json:"hi"`
	Rows    []bandsRowJSON `json:"rows"`
}

// MarshalJSON implements json.Marshaler: the shape {"horizon", "bins",
// "lo", "hi"} and "rows", one per time step with data, {"t", "n", "bin0",
// "counts", "sum"}: the histogram of the values at t from bin bin0 to the
// last non-empty bin, and their exact sum.
func (b Bands) MarshalJSON() ([]byte, error) {
	out := bandsJSON{Horizon: b.horizon, Bins: b.bins, Lo: b.lo, Hi: b.hi, Rows: []bandsRowJSON{}}
	for t := range b.n {
		sum := b.sum[t].toJSON()
		if b.n[t] == 0 && sum.Limbs == nil && sum.NaN == 0 && sum.PosInf == 0 && sum.NegInf == 0 {
			continue
		}
		row := b.counts[t*b.bins : (t+1)*b.bins]
		lo, hi := 0, len(row)-1
		for lo < len(row) && row[lo] == 0 {
			lo++
		}
		for hi >= lo && row[hi] == 0 {
			hi--
		}
		r := bandsRowJSON{T: t, N: b.n[t], Counts: []int64{}, Sum: sum}
		if lo <= hi {
			r.Bin0 = lo
			r.Counts = append(r.Counts, row[lo:hi+1]...)
		}
		out.Rows = append(out.Rows, r)
	}
	return json.Marshal(out)
}

// UnmarshalJSON implements json.Unmarshaler. The shape must be valid for
// NewBands, rows in increasing time within the horizon, their bins within
// range, and each row's counts must add up to its n.
func (b *Bands) UnmarshalJSON(data []byte) error {
	var w bandsJSON
	if err := strictUnmarshal(data, &w); err != nil {
		return fmt.Errorf("metrics: Bands: %w", err)
	}
	if w.Bins < 1 || w.Horizon > 1<<24 || w.Bins > 1<<20 || (w.Horizon+1)*w.Bins > 1<<28 {
		return fmt.Errorf("metrics: Bands: horizon %d × bins %d out of range: %w", w.Horizon, w.Bins, ErrDomain)
	}
	nb, err := NewBands(w.Horizon, w.Lo, w.Hi, w.Bins)
	if err != nil {
		return err
	}
	last := -1
	for _, r := range w.Rows {
		if r.T <= last || r.T > w.Horizon {
			return fmt.Errorf("metrics: Bands: row t = %d after %d or beyond horizon %d: %w", r.T, last, w.Horizon, ErrDomain)
		}
		last = r.T
		if r.Bin0 < 0 || r.Bin0+len(r.Counts) > w.Bins {
			return fmt.Errorf("metrics: Bands: row t = %d: bins [%d, %d) outside [0, %d): %w", r.T, r.Bin0, r.Bin0+len(r.Counts), w.Bins, ErrDomain)
		}
		if err := checkCounts(fmt.Sprintf("Bands row t = %d", r.T), r.Counts, r.N); err != nil {
			return err
		}
		s, err := r.Sum.toSum()
		if err != nil {
			return err
		}
		copy(nb.counts[r.T*w.Bins+r.Bin0:], r.Counts)
		nb.n[r.T] = r.N
		nb.sum[r.T] = s
	}
	*b = *nb
	return nil
}

// strictUnmarshal decodes b into v, refusing unknown fields and trailing
// data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data: %w", ErrDomain)
	}
	return nil
}
