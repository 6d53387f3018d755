package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// roundTrip marshals v, unmarshals into fresh and checks that marshalling
// fresh gives the same bytes (the encoding is canonical).
func roundTrip[T any](t *testing.T, v *T) *T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got T
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	b2, err := json.Marshal(&got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("re-encoding differs:\n%s\n%s", b, b2)
	}
	return &got
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b)
}

// randValue draws values that stress an exact sum: wide exponents, both
// signs, subnormals, exact cancellations.
func randValue(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return rng.NormFloat64() * math.Ldexp(1, rng.IntN(400)-200)
	case 1:
		return math.Ldexp(rng.Float64(), -1074+rng.IntN(60)) // subnormal
	case 2:
		return -math.Ldexp(rng.Float64(), 900+rng.IntN(100))
	default:
		return rng.Float64()
	}
}

func TestExactSumAndMomentsEncodingExact(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var s ExactSum
		var m Moments
		n := rng.IntN(300)
		for range n {
			x := randValue(rng)
			s.Add(x)
			if trial%2 == 0 {
				s.Add(-x / 2)
			}
			_ = m.Add(rng.Float64()*1e6 - 3e5)
		}
		switch trial {
		case 7:
			s.Add(math.Inf(1))
		case 8:
			s.Add(math.NaN())
		case 9:
			s.Add(math.Inf(-1))
		}
		got := roundTrip(t, &s)
		if !sameBits(got.Float64(), s.Float64()) {
			t.Fatalf("trial %d: sum %v, want %v", trial, got.Float64(), s.Float64())
		}
		gm := roundTrip(t, &m)
		if gm.N() != m.N() || !sameBits(gm.Mean(), m.Mean()) || !sameBits(gm.Variance(), m.Variance()) || !sameBits(gm.SE(), m.SE()) {
			t.Fatalf("trial %d: moments differ: %v %v vs %v %v", trial, gm.Mean(), gm.Variance(), m.Mean(), m.Variance())
		}
		// Decoded accumulators merge as the originals do.
		var other ExactSum
		other.Add(randValue(rng))
		a, b := s, *got
		a.Merge(&other)
		b.Merge(&other)
		if !sameBits(a.Float64(), b.Float64()) {
			t.Fatal("decoded sum merges differently")
		}
	}
}

func TestHistogramAndEventTableEncodingExact(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 100 {
		var h IntHistogram
		et, _ := NewEventTable(1 + trial%3)
		et.Grow(500) // trailing empty rows are not encoded
		for range rng.IntN(500) {
			_ = h.Add(rng.IntN(30))
			_ = et.Add(rng.IntN(200), rng.IntN(et.Causes()+1))
		}
		gh := roundTrip(t, &h)
		if gh.N() != h.N() || gh.Max() != h.Max() || !sameBits(gh.Mean(), h.Mean()) {
			t.Fatalf("histogram differs")
		}
		for v := 0; v <= h.Max(); v++ {
			if gh.Count(v) != h.Count(v) {
				t.Fatalf("count(%d)", v)
			}
		}
		ge := roundTrip(t, et)
		if !ge.Equal(et) {
			t.Fatal("event table differs")
		}
		if et.N() > 0 {
			a, err1 := CumulativeIncidence(et, 0.95, Log)
			b, err2 := CumulativeIncidence(ge, 0.95, Log)
			if (err1 == nil) != (err2 == nil) {
				t.Fatal(err1, err2)
			}
			if err1 == nil {
				for c := 1; c <= et.Causes(); c++ {
					x, y := a.Cause(c), b.Cause(c)
					for i := range x.F {
						if !sameBits(x.F[i], y.F[i]) || !sameBits(x.Lo[i], y.Lo[i]) || !sameBits(x.Hi[i], y.Hi[i]) {
							t.Fatal("incidence differs")
						}
					}
				}
			}
		}
	}
}

func TestBandsEncodingExact(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 30 {
		b, err := NewBands(40, 0, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		for range rng.IntN(2000) {
			_ = b.Add(rng.IntN(30), math.Pow(rng.Float64(), 3))
		}
		if trial == 0 {
			b.Reset()
		}
		g := roundTrip(t, b)
		if g.Horizon() != b.Horizon() || g.Bins() != b.Bins() {
			t.Fatal("shape")
		}
		for tt := 0; tt <= b.Horizon(); tt++ {
			if g.Count(tt) != b.Count(tt) || !sameBits(g.Mean(tt), b.Mean(tt)) {
				t.Fatalf("t=%d: count or mean differs", tt)
			}
			for _, p := range []float64{0, 0.1, 0.5, 0.9, 1} {
				x, _ := b.Quantile(tt, p)
				y, _ := g.Quantile(tt, p)
				if !sameBits(x, y) {
					t.Fatalf("t=%d quantile %g: %v vs %v", tt, p, y, x)
				}
			}
		}
		if err := g.Merge(b); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEncodingRejectsInconsistentData(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		v    any
		js   string
	}{
		{"sum limb range", &ExactSum{}, `{"lo": 69, "limbs": [1, 2]}`},
		{"sum limb not normalised", &ExactSum{}, `{"lo": 3, "limbs": [4294967296]}`},
		{"sum negative limb", &ExactSum{}, `{"limbs": [-1]}`},
		{"sum unknown field", &ExactSum{}, `{"limb": [1]}`},
		{"sum negative nan", &ExactSum{}, `{"nan": -1}`},
		{"moments negative n", &Moments{}, `{"n": -1, "sum": {}, "sum_sq": {}}`},
		{"histogram sum", &IntHistogram{}, `{"n": 3, "counts": [1, 1]}`},
		{"histogram negative", &IntHistogram{}, `{"n": 0, "counts": [1, -1]}`},
		{"histogram overflow", &IntHistogram{}, `{"n": 0, "counts": [9223372036854775807, 1]}`},
		{"event table causes", &EventTable{}, `{"causes": 0, "n": 0, "counts": []}`},
		{"event table rows", &EventTable{}, `{"causes": 2, "n": 1, "counts": [1]}`},
		{"event table n", &EventTable{}, `{"causes": 1, "n": 5, "counts": [1, 1]}`},
		{"bands shape", &Bands{}, `{"horizon": 3, "bins": 2, "lo": 1, "hi": 0, "rows": []}`},
		{"bands huge", &Bands{}, `{"horizon": 100000000, "bins": 200, "lo": 0, "hi": 1, "rows": []}`},
		{"bands row order", &Bands{}, `{"horizon": 3, "bins": 2, "lo": 0, "hi": 1, "rows": [{"t": 2, "n": 1, "bin0": 0, "counts": [1], "sum": {}}, {"t": 1, "n": 1, "bin0": 0, "counts": [1], "sum": {}}]}`},
		{"bands row bins", &Bands{}, `{"horizon": 3, "bins": 2, "lo": 0, "hi": 1, "rows": [{"t": 0, "n": 2, "bin0": 1, "counts": [1, 1], "sum": {}}]}`},
		{"bands row count", &Bands{}, `{"horizon": 3, "bins": 2, "lo": 0, "hi": 1, "rows": [{"t": 0, "n": 3, "bin0": 0, "counts": [1, 1], "sum": {}}]}`},
		{"trailing data", &IntHistogram{}, `{"n": 0, "counts": []} {}`},
	} {
		err := json.Unmarshal([]byte(c.js), c.v)
		if err == nil {
			t.Errorf("%s: accepted %s", c.name, c.js)
			continue
		}
		if c.name != "sum unknown field" && c.name != "trailing data" && !errors.Is(err, ErrDomain) {
			t.Errorf("%s: error %v does not wrap ErrDomain", c.name, err)
		}
	}
}
