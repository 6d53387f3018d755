package metrics

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// history is one subject: event rounds, the round it left observation and
// its terminal cause (0: censored at end).
type history struct {
	times      []int
	end, cause int
}

// handHistories: horizon 10, terminal causes 1 (breakthrough) and 2
// (collapse). Ties at round 2 (D), a collapse before the 2nd event (B), a
// 2nd event in the round of the collapse (E), censoring at the horizon (C).
var handHistories = []history{
	{[]int{2, 5}, 8, 1},     // A
	{[]int{3}, 6, 2},        // B
	{nil, 10, 0},            // C
	{[]int{2, 2, 7}, 10, 0}, // D
	{[]int{4, 9}, 9, 2},     // E
}

func TestRecurrentEventsHand(t *testing.T) {
	t.Parallel()
	r, err := NewRecurrentEvents(3, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range handHistories {
		if err := r.Add(h.times, h.end, h.cause); err != nil {
			t.Fatal(err)
		}
	}
	// Hand-computed Aalen-Johansen values (n at risk, d events):
	// k=1: t=2 n=5 d=2 -> F=.4; t=3 n=3 d=1 -> F=.4+.6/3=.6; t=4 n=2 d=1 -> .8.
	// k=2: t=2 n=5 -> .2; t=5 n=4 -> .2+.8/4=.4; t=6 collapse n=3 (S=.4);
	//      t=9 n=2 -> .4+.4/2=.6.
	// k=3: t=6 collapse n=5 (S=.8); t=7 n=4 -> .8/4=.2.
	cases := []struct {
		k         int
		times     []int
		f         []float64 // F of the k-th event at times
		collapse  float64   // F of collapse (cause 1+2) at the last row
		median    float64
		byHorizon float64
		withK     int // subjects with at least k events
	}{
		{1, []int{2, 3, 4}, []float64{0.4, 0.6, 0.8}, 0, 3, 0.8, 4},
		{2, []int{2, 5, 6, 9}, []float64{0.2, 0.4, 0.4, 0.6}, 0.2, 9, 0.6, 3},
		{3, []int{6, 7, 8, 9}, []float64{0, 0.2, 0.2, 0.2}, 0.4, math.NaN(), 0.2, 1},
	}
	for _, c := range cases {
		got, err := r.Kth(c.k, 0.95, Log)
		if err != nil {
			t.Fatal(err)
		}
		cr := got.Incidence
		if len(cr.T) != len(c.times) {
			t.Fatalf("k=%d: event times %v, want %v", c.k, cr.T, c.times)
		}
		for i := range c.times {
			if cr.T[i] != c.times[i] || !closeTo(cr.Cause(1).F[i], c.f[i], 1e-15) {
				t.Errorf("k=%d row %d: (t, F) = (%d, %v), want (%d, %v)", c.k, i, cr.T[i], cr.Cause(1).F[i], c.times[i], c.f[i])
			}
		}
		last := len(cr.T) - 1
		if g := cr.Cause(3).F[last]; !closeTo(g, c.collapse, 1e-15) {
			t.Errorf("k=%d: collapse incidence %v, want %v", c.k, g, c.collapse)
		}
		if !closeTo(got.Median.Value, c.median, 0) {
			t.Errorf("k=%d: median %v, want %v", c.k, got.Median.Value, c.median)
		}
		if !got.Complete || !closeTo(got.ByHorizon.Value, c.byHorizon, 1e-15) || got.N != 5 {
			t.Errorf("k=%d: by horizon %+v complete %v, want %v", c.k, got.ByHorizon, got.Complete, c.byHorizon)
		}
		// With complete follow-up AJ at the last row equals the proportion.
		if g := cr.Cause(1).F[last]; !closeTo(g, c.byHorizon, 1e-15) {
			t.Errorf("k=%d: AJ at the horizon %v, want proportion %v", c.k, g, c.byHorizon)
		}
		w, _ := Wilson(c.withK, 5, 0.95)
		if got.ByHorizon.Interval != w {
			t.Errorf("k=%d: interval %v, want Wilson %v", c.k, got.ByHorizon.Interval, w)
		}
		if tb := r.Table(c.k); tb.N() != 5 || tb.Causes() != 3 {
			t.Errorf("k=%d: Table has n=%d causes=%d, want 5, 3", c.k, tb.N(), tb.Causes())
		}
	}
}

// Censoring before the horizon: Kth falls back to the AJ value and its
// pointwise interval. n=4, horizon 10: A censored at 3, terminal C at 4,
// events B at 5 and D at 6: t=4 n=3 -> S=2/3; t=5 n=2 -> F=1/3, S=1/3;
// t=6 n=1 -> F=2/3.
func TestRecurrentEventsEarlyCensoring(t *testing.T) {
	t.Parallel()
	r, _ := NewRecurrentEvents(1, 1, 10)
	for _, h := range []history{{nil, 3, 0}, {[]int{5}, 7, 0}, {nil, 4, 1}, {[]int{6}, 6, 1}} {
		if err := r.Add(h.times, h.end, h.cause); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Kth(1, 0.9, Plain)
	if err != nil {
		t.Fatal(err)
	}
	f := got.Incidence.Cause(1)
	last := len(f.T) - 1
	if got.Complete || !closeTo(got.ByHorizon.Value, 2.0/3, 1e-15) {
		t.Errorf("by horizon %v complete %v, want 2/3, false", got.ByHorizon.Value, got.Complete)
	}
	if got.ByHorizon.Interval.Lo != f.Lo[last] || got.ByHorizon.Interval.Hi != f.Hi[last] || got.ByHorizon.SE != f.SE[last] {
		t.Errorf("by horizon %+v, want the curve's last row (%v, %v, %v)", got.ByHorizon, f.SE[last], f.Lo[last], f.Hi[last])
	}
	if got.Median.Value != 6 {
		t.Errorf("median %v, want 6", got.Median.Value)
	}
}

func TestRecurrentEventsMedianInterval(t *testing.T) {
	t.Parallel()
	// 40 subjects: subject i has events at i%7, i%7+i%5, ... and collapses
	// at 12 or reaches the horizon 20.
	r, _ := NewRecurrentEvents(2, 2, 20)
	for i := range 40 {
		times := []int{i % 7, i%7 + i%5}
		end, cause := 20, 0
		if i%3 == 0 {
			times, end, cause = times[:1], 12, 2
		}
		if err := r.Add(times, end, cause); err != nil {
			t.Fatal(err)
		}
	}
	for k := 1; k <= 2; k++ {
		for _, ci := range []CIType{Log, Plain, LogLog} {
			got, err := r.Kth(k, 0.95, ci)
			if err != nil {
				t.Fatal(err)
			}
			m := got.Median
			// Independent reading: first row with F >= 1/2 (no flat
			// stretch at exactly 1/2 here: F is a multiple of 1/40).
			f := got.Incidence.Cause(1)
			want := math.NaN()
			for i, v := range f.F {
				if v >= 0.5 {
					want = float64(f.T[i])
					break
				}
			}
			if !closeTo(m.Value, want, 0) {
				t.Errorf("k=%d %v: median %v, want %v", k, ci, m.Value, want)
			}
			if !(m.Interval.Lo <= m.Value) || (!math.IsNaN(m.Interval.Hi) && !(m.Value <= m.Interval.Hi)) {
				t.Errorf("k=%d %v: median %v outside its interval %v", k, ci, m.Value, m.Interval)
			}
		}
	}
}

func TestRecurrentEventsErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		maxK, causes, horizon int
		want                  string
	}{
		{0, 1, 5, "maxK = 0"}, {1, 0, 5, "causes = 0"}, {1, 1, -1, "horizon = -1"},
	} {
		if _, err := NewRecurrentEvents(c.maxK, c.causes, c.horizon); !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewRecurrentEvents(%d, %d, %d) = %v, want ErrDomain naming %q", c.maxK, c.causes, c.horizon, err, c.want)
		}
	}
	r, _ := NewRecurrentEvents(2, 2, 10)
	if _, err := r.Kth(1, 0.95, Log); !errors.Is(err, ErrNoData) {
		t.Errorf("Kth with no subjects: %v, want ErrNoData", err)
	}
	for _, c := range []struct {
		h    history
		want string
	}{
		{history{nil, 11, 0}, "end = 11"},
		{history{nil, -1, 0}, "end = -1"},
		{history{[]int{3, 1}, 5, 0}, "times[1] = 1"},
		{history{[]int{-2}, 5, 0}, "times[0] = -2"},
		{history{[]int{6}, 5, 1}, "times[0] = 6"},
		{history{nil, 5, 3}, "cause = 3"},
		{history{nil, 5, -1}, "cause = -1"},
	} {
		err := r.Add(c.h.times, c.h.end, c.h.cause)
		if !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%v) = %v, want ErrDomain naming %q", c.h, err, c.want)
		}
	}
	if r.N() != 0 {
		t.Errorf("invalid Adds recorded %d subjects", r.N())
	}
	if _, err := r.Kth(1, 1, Log); err == nil {
		t.Error("Kth with conf = 1: no error")
	}
	o, _ := NewRecurrentEvents(2, 2, 11)
	if err := r.Merge(o); !errors.Is(err, ErrMismatch) {
		t.Errorf("Merge of different horizons: %v, want ErrMismatch", err)
	}
}

func TestKthEventBy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		times []int
		k, t  int
		want  bool
	}{
		{nil, 1, 10, false}, {[]int{3}, 1, 3, true}, {[]int{3}, 1, 2, false},
		{[]int{3}, 2, 10, false}, {[]int{2, 2}, 2, 2, true}, {[]int{1, 5}, 2, 4, false},
	} {
		if got := KthEventBy(c.times, c.k, c.t); got != c.want {
			t.Errorf("KthEventBy(%v, %d, %d) = %v, want %v", c.times, c.k, c.t, got, c.want)
		}
	}
}

// No events of any kind: every subject reaches the horizon event-free.
func TestRecurrentEventsNoEvents(t *testing.T) {
	t.Parallel()
	r, _ := NewRecurrentEvents(2, 1, 4)
	for range 3 {
		_ = r.Add(nil, 4, 0)
	}
	got, err := r.Kth(2, 0.95, Log)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := Wilson(0, 3, 0.95)
	if len(got.Incidence.T) != 0 || !math.IsNaN(got.Median.Value) || !math.IsNaN(got.Median.Interval.Lo) ||
		!got.Complete || got.ByHorizon.Value != 0 || got.ByHorizon.Interval != w {
		t.Errorf("no events: rows %v median %+v by horizon %+v complete %v; want no rows, NaN median, 0 with %v",
			got.Incidence.T, got.Median, got.ByHorizon, got.Complete, w)
	}
}
