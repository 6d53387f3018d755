package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
)

// TestCountsMergeAndJSON: random histories split into random shards,
// merged in a random order, and through a JSON round trip of every shard,
// equal the accumulator fed all subjects: Equal, byte-identical JSON and
// bit-identical estimates.
func TestCountsMergeAndJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 22))
	const H, K, C, S = 40, 3, 2, 4
	for trial := range 12 {
		n := rng.IntN(400) // includes tiny and, rarely, zero-subject shards
		hs := randomHistories(rng, n, H, 5, C)
		paths := make([][]int, n)
		for i, h := range hs {
			p := make([]int, h.end+1)
			for tt := range p {
				p[tt] = min(len(h.times), 2) // state: number of events so far, capped
				for j := range h.times {
					if h.times[j] > tt {
						p[tt] = min(j, 2)
						break
					}
				}
			}
			if h.cause > 0 {
				p[h.end] = S - 1
			}
			paths[i] = p
		}
		k := 1 + rng.IntN(6)
		shard, order := shardAssign(rng, n, k)

		whole := newCounts(t, H, K, C, S)
		shards := make([]*counts, k)
		for s := range shards {
			shards[s] = newCounts(t, H, K, C, S)
		}
		for i := range n {
			whole.add(t, hs[i], paths[i])
		}
		for i := n - 1; i >= 0; i-- {
			shards[shard[i]].add(t, hs[i], paths[i])
		}
		merged := newCounts(t, H, K, C, S)
		for _, s := range order {
			sh := shards[s]
			if trial%2 == 1 { // through JSON
				sh = countsRoundTrip(t, sh)
			}
			merged.merge(t, sh)
		}
		if !whole.re.Equal(merged.re) || !whole.mc.Equal(merged.mc) || !whole.oc.Equal(merged.oc) {
			t.Fatalf("trial %d: merged shards differ from the whole", trial)
		}
		for i, pair := range [][2]any{{whole.re, merged.re}, {whole.mc, merged.mc}, {whole.oc, merged.oc}} {
			a, _ := json.Marshal(pair[0])
			b, _ := json.Marshal(pair[1])
			if !bytes.Equal(a, b) {
				t.Fatalf("trial %d accumulator %d: JSON differs:\n%s\n%s", trial, i, a, b)
			}
		}
		if n == 0 {
			continue
		}
		for kk := 1; kk <= K; kk++ {
			a, err1 := whole.re.Kth(kk, 0.95, Log)
			b, err2 := merged.re.Kth(kk, 0.95, Log)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !same(a.Median.Value, b.Median.Value) || !same(a.ByHorizon.Interval.Lo, b.ByHorizon.Interval.Lo) {
				t.Fatalf("trial %d k=%d: estimates differ", trial, kk)
			}
			for i := range a.Incidence.T {
				if !same(a.Incidence.Cause(1).SE[i], b.Incidence.Cause(1).SE[i]) {
					t.Fatalf("trial %d k=%d: SE differs at row %d", trial, kk, i)
				}
			}
		}
		ca, _ := whole.mc.Curve(0.95)
		cb, _ := merged.mc.Curve(0.95)
		for i := range ca.T {
			if !same(ca.Mean[i], cb.Mean[i]) || !same(ca.SE[i], cb.SE[i]) {
				t.Fatalf("trial %d: mean count differs at %d", trial, i)
			}
		}
	}
}

type counts struct {
	re *RecurrentEvents
	mc *MeanCount
	oc *Occupancy
}

func newCounts(t *testing.T, h, k, c, s int) *counts {
	t.Helper()
	re, err1 := NewRecurrentEvents(k, c, h)
	mc, err2 := NewMeanCount(h)
	oc, err3 := NewOccupancy(h, s)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	return &counts{re, mc, oc}
}

func (c *counts) add(t *testing.T, h history, path []int) {
	t.Helper()
	if err := errors.Join(c.re.Add(h.times, h.end, h.cause), c.mc.Add(h.times, h.end), c.oc.Add(path)); err != nil {
		t.Fatal(err)
	}
}

func (c *counts) merge(t *testing.T, o *counts) {
	t.Helper()
	if err := errors.Join(c.re.Merge(o.re), c.mc.Merge(o.mc), c.oc.Merge(o.oc)); err != nil {
		t.Fatal(err)
	}
}

// countsRoundTrip encodes c and decodes it into fresh accumulators, checking
// that the decoded ones re-encode to the same bytes.
func countsRoundTrip(t *testing.T, c *counts) *counts {
	t.Helper()
	out := &counts{new(RecurrentEvents), new(MeanCount), new(Occupancy)}
	for _, p := range [][2]any{{c.re, out.re}, {c.mc, out.mc}, {c.oc, out.oc}} {
		b, err := json.Marshal(p[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, p[1]); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		b2, _ := json.Marshal(p[1])
		if !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding differs:\n%s\n%s", b, b2)
		}
	}
	if !c.re.Equal(out.re) || !c.mc.Equal(out.mc) || !c.oc.Equal(out.oc) {
		t.Fatal("decoded accumulators differ from the encoded ones")
	}
	return out
}

func TestCountsJSONRejects(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		v    any
		in   string
	}{
		{"re maxK", new(RecurrentEvents), `{"max_k":0,"causes":1,"horizon":3,"tables":[]}`},
		{"re tables", new(RecurrentEvents), `{"max_k":2,"causes":1,"horizon":3,"tables":[{"causes":2,"n":0,"counts":[]}]}`},
		{"re causes", new(RecurrentEvents), `{"max_k":1,"causes":1,"horizon":3,"tables":[{"causes":3,"n":0,"counts":[]}]}`},
		{"re beyond horizon", new(RecurrentEvents), `{"max_k":1,"causes":1,"horizon":0,"tables":[{"causes":2,"n":1,"counts":[0,0,0,1,0,0]}]}`},
		{"re n", new(RecurrentEvents), `{"max_k":2,"causes":1,"horizon":3,"tables":[{"causes":2,"n":1,"counts":[1,0,0]},{"causes":2,"n":0,"counts":[]}]}`},
		{"re unknown", new(RecurrentEvents), `{"max_k":1,"causes":1,"horizon":3,"tables":[{"causes":2,"n":0,"counts":[]}],"x":1}`},
		{"mc parity", new(MeanCount), `{"horizon":3,"n":2,"events":[1],"sq_increments":[2]}`},
		{"mc sq < events", new(MeanCount), `{"horizon":3,"n":2,"events":[3],"sq_increments":[1]}`},
		{"mc lengths", new(MeanCount), `{"horizon":3,"n":2,"events":[1],"sq_increments":[1,0]}`},
		{"mc too long", new(MeanCount), `{"horizon":0,"n":2,"events":[1,1],"sq_increments":[1,1]}`},
		{"mc n=0", new(MeanCount), `{"horizon":3,"n":0,"events":[1],"sq_increments":[1]}`},
		{"oc row", new(Occupancy), `{"horizon":1,"states":2,"n":2,"counts":[1,1,2,1]}`},
		{"oc length", new(Occupancy), `{"horizon":1,"states":2,"n":2,"counts":[1,1]}`},
		{"oc states", new(Occupancy), `{"horizon":1,"states":0,"n":0,"counts":[]}`},
	} {
		if err := json.Unmarshal([]byte(c.in), c.v); err == nil {
			t.Errorf("%s: decoding %s succeeded, want an error", c.name, c.in)
		}
	}
}

// Empty accumulators (zero subjects) encode to these hand-written bytes
// and decode to Equal accumulators.
func TestCountsJSONEmpty(t *testing.T) {
	t.Parallel()
	re, _ := NewRecurrentEvents(2, 1, 3)
	mc, _ := NewMeanCount(3)
	oc, _ := NewOccupancy(1, 2)
	for _, c := range []struct {
		v, fresh any
		want     string
	}{
		{re, new(RecurrentEvents), `{"max_k":2,"causes":1,"horizon":3,"tables":[{"causes":2,"n":0,"counts":[]},{"causes":2,"n":0,"counts":[]}]}`},
		{mc, new(MeanCount), `{"horizon":3,"n":0,"events":[],"sq_increments":[]}`},
		{oc, new(Occupancy), `{"horizon":1,"states":2,"n":0,"counts":[0,0,0,0]}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil || string(b) != c.want {
			t.Errorf("encoding: %s, %v; want %s", b, err, c.want)
			continue
		}
		if err := json.Unmarshal(b, c.fresh); err != nil {
			t.Errorf("decoding %s: %v", b, err)
		}
	}
	var re2 RecurrentEvents
	var mc2 MeanCount
	var oc2 Occupancy
	for _, p := range [][2]any{{re, &re2}, {mc, &mc2}, {oc, &oc2}} {
		b, _ := json.Marshal(p[0])
		_ = json.Unmarshal(b, p[1])
	}
	if !re.Equal(&re2) || !mc.Equal(&mc2) || !oc.Equal(&oc2) {
		t.Error("empty accumulators differ after a JSON round trip")
	}
	// A decoded accumulator accepts subjects.
	if err := re2.Add([]int{1, 3}, 3, 0); err != nil || re2.N() != 1 {
		t.Errorf("Add after decoding: %v, n = %d", err, re2.N())
	}
}
