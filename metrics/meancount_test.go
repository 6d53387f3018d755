package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Hand case, horizon 5: subject 1 has events at 1, 1, 3 and reaches the
// horizon; subject 2 has one event at 2 and a terminal event at 2 (its
// count stays 1 afterwards); subject 3 has none and ends at 4.
// N(t) = (0,2,2,3,3,3), (0,0,1,1,1,1), (0,0,0,0,0,0).
func TestMeanCountHand(t *testing.T) {
	t.Parallel()
	m, _ := NewMeanCount(5)
	for _, h := range []history{{[]int{1, 1, 3}, 5, 0}, {[]int{2}, 2, 0}, {nil, 4, 0}} {
		if err := m.Add(h.times, h.end); err != nil {
			t.Fatal(err)
		}
	}
	c, err := m.Curve(0.95)
	if err != nil {
		t.Fatal(err)
	}
	wantMean := []float64{0, 2.0 / 3, 1, 4.0 / 3, 4.0 / 3, 4.0 / 3}
	// Sample variances /n: t=1 values (2,0,0): var 4/3, SE² 4/9;
	// t=2 (2,1,0): var 1, SE² 1/3; t>=3 (3,1,0): var 7/3, SE² 7/9.
	wantSE := []float64{0, 2.0 / 3, math.Sqrt(1.0 / 3), math.Sqrt(7.0 / 9), math.Sqrt(7.0 / 9), math.Sqrt(7.0 / 9)}
	// t_{0.975, 2 df} = 0.95/sqrt(2·0.975·0.025) (closed form for 2 df);
	// gonum's quantile agrees to about 4e-11, hence the tolerance below.
	t2 := 0.95 / math.Sqrt(2*0.975*0.025)
	for i := range wantMean {
		if c.T[i] != i || !closeTo(c.Mean[i], wantMean[i], 1e-15) || !closeTo(c.SE[i], wantSE[i], 1e-15) {
			t.Errorf("t=%d: (mean, SE) = (%v, %v), want (%v, %v)", i, c.Mean[i], c.SE[i], wantMean[i], wantSE[i])
		}
		if !closeTo(c.Lo[i], wantMean[i]-t2*wantSE[i], 1e-9) || !closeTo(c.Hi[i], wantMean[i]+t2*wantSE[i], 1e-9) {
			t.Errorf("t=%d: interval [%v, %v], want %v ± %v·%v", i, c.Lo[i], c.Hi[i], wantMean[i], t2, wantSE[i])
		}
	}
	if s, q := m.Totals(3); s != 4 || q != 10 {
		t.Errorf("Totals(3) = %d, %d; want 4, 10", s, q)
	}
	if c.Len() != 6 || c.N != 3 {
		t.Errorf("Len %d N %d, want 6, 3", c.Len(), c.N)
	}
}

// The curve agrees with Moments fed the per-subject counts N_i(t)
// computed directly from the histories.
func TestMeanCountAgainstMoments(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const H = 30
	hs := randomHistories(rng, 300, H, 6, 2)
	m, _ := NewMeanCount(H)
	mo := make([]Moments, H+1)
	for _, h := range hs {
		if err := m.Add(h.times, h.end); err != nil {
			t.Fatal(err)
		}
		for tt := 0; tt <= H; tt++ {
			cnt := 0
			for _, e := range h.times {
				if e <= tt {
					cnt++
				}
			}
			_ = mo[tt].Add(float64(cnt))
		}
	}
	c, err := m.Curve(0.9)
	if err != nil {
		t.Fatal(err)
	}
	for tt := 0; tt <= H; tt++ {
		iv, _ := mo[tt].Interval(0.9)
		if !closeTo(c.Mean[tt], mo[tt].Mean(), 1e-14) || !closeTo(c.SE[tt], mo[tt].SE(), 1e-12) ||
			!closeTo(c.Lo[tt], iv.Lo, 1e-12) || !closeTo(c.Hi[tt], iv.Hi, 1e-12) {
			t.Errorf("t=%d: (%v, %v, [%v, %v]), Moments (%v, %v, %v)", tt, c.Mean[tt], c.SE[tt], c.Lo[tt], c.Hi[tt], mo[tt].Mean(), mo[tt].SE(), iv)
		}
	}
}

func TestMeanCountEdges(t *testing.T) {
	t.Parallel()
	if _, err := NewMeanCount(-3); !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), "horizon = -3") {
		t.Errorf("NewMeanCount(-3) = %v, want ErrDomain naming horizon = -3", err)
	}
	m, _ := NewMeanCount(4)
	if _, err := m.Curve(0.95); !errors.Is(err, ErrNoData) {
		t.Errorf("Curve with no subjects: %v, want ErrNoData", err)
	}
	for _, c := range []struct {
		h    history
		want string
	}{
		{history{nil, 5, 0}, "end = 5"},
		{history{[]int{2, 1}, 4, 0}, "times[1] = 1"},
		{history{[]int{3}, 2, 0}, "times[0] = 3"},
	} {
		if err := m.Add(c.h.times, c.h.end); !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%v, %d) = %v, want ErrDomain naming %q", c.h.times, c.h.end, err, c.want)
		}
	}
	if m.N() != 0 {
		t.Errorf("invalid Adds recorded %d subjects", m.N())
	}
	// One subject: mean defined, SE and interval NaN.
	_ = m.Add([]int{0, 4}, 4)
	c, err := m.Curve(0.95)
	if err != nil {
		t.Fatal(err)
	}
	if c.Mean[4] != 2 || !math.IsNaN(c.SE[4]) || !math.IsNaN(c.Lo[4]) {
		t.Errorf("n=1: mean %v SE %v Lo %v, want 2, NaN, NaN", c.Mean[4], c.SE[4], c.Lo[4])
	}
	o, _ := NewMeanCount(5)
	if err := m.Merge(o); !errors.Is(err, ErrMismatch) {
		t.Errorf("Merge of horizons 4 and 5: %v, want ErrMismatch", err)
	}
}

// randomHistories returns n random subjects on rounds 0..h with up to
// maxEvents events each and terminal causes 1..causes.
func randomHistories(rng *rand.Rand, n, h, maxEvents, causes int) []history {
	out := make([]history, n)
	for i := range out {
		end, cause := h, 0
		if rng.IntN(2) == 0 {
			end, cause = rng.IntN(h+1), 1+rng.IntN(causes)
		}
		k := rng.IntN(maxEvents + 1)
		times := make([]int, k)
		for j := range times {
			times[j] = rng.IntN(end + 1)
		}
		for a := 1; a < k; a++ { // insertion sort
			for b := a; b > 0 && times[b] < times[b-1]; b-- {
				times[b], times[b-1] = times[b-1], times[b]
			}
		}
		out[i] = history{times, end, cause}
	}
	return out
}
