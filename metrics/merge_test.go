package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// shardAssign splits n items into k shards at random and returns a random
// merge order of the shards.
func shardAssign(rng *rand.Rand, n, k int) (shard []int, order []int) {
	shard = make([]int, n)
	for i := range shard {
		shard[i] = rng.IntN(k)
	}
	return shard, rng.Perm(k)
}

// TestMergeBitIdentical: random data split into random shards, merged in a
// random order (sometimes as a tree), equals (==) one accumulator fed
// sequentially, for every accumulator and every derived estimate.
func TestMergeBitIdentical(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 20 {
		n := 1 + rng.IntN(3000)
		k := 1 + rng.IntN(12)
		times := make([]int, n)
		causes := make([]int, n)
		vals := make([]float64, n)
		for i := range n {
			times[i] = rng.IntN(60)
			causes[i] = rng.IntN(3)
			vals[i] = math.Ldexp(rng.Float64(), rng.IntN(40)-20) * float64(1-2*rng.IntN(2))
		}
		shard, order := shardAssign(rng, n, k)

		// One accumulator each.
		et, _ := NewEventTable(2)
		var mo Moments
		var ih IntHistogram
		bd, _ := NewBands(59, -1e7, 1e7, 0)
		for i := range n {
			_ = et.Add(times[i], causes[i])
			_ = mo.Add(vals[i])
			_ = ih.Add(times[i])
			_ = bd.Add(times[i], vals[i])
		}
		// Shards, filled in reverse order of observations to vary it too.
		ets := make([]*EventTable, k)
		mos := make([]Moments, k)
		ihs := make([]IntHistogram, k)
		bds := make([]*Bands, k)
		for s := range k {
			ets[s], _ = NewEventTable(2)
			bds[s], _ = NewBands(59, -1e7, 1e7, 0)
		}
		for i := n - 1; i >= 0; i-- {
			s := shard[i]
			_ = ets[s].Add(times[i], causes[i])
			_ = mos[s].Add(vals[i])
			_ = ihs[s].Add(times[i])
			_ = bds[s].Add(times[i], vals[i])
		}
		if trial%2 == 1 { // pairwise tree merge in the permuted order
			for len(order) > 1 {
				var next []int
				for j := 0; j+1 < len(order); j += 2 {
					a, b := order[j], order[j+1]
					_ = ets[a].Merge(ets[b])
					mos[a].Merge(&mos[b])
					ihs[a].Merge(&ihs[b])
					_ = bds[a].Merge(bds[b])
					next = append(next, a)
				}
				if len(order)%2 == 1 {
					next = append(next, order[len(order)-1])
				}
				order = next
			}
		} else {
			for _, s := range order[1:] {
				_ = ets[order[0]].Merge(ets[s])
				mos[order[0]].Merge(&mos[s])
				ihs[order[0]].Merge(&ihs[s])
				_ = bds[order[0]].Merge(bds[s])
			}
		}
		r := order[0]
		if !et.Equal(ets[r]) {
			t.Fatalf("trial %d: EventTable differs after merge", trial)
		}
		km1, _ := KaplanMeier(et, 0, 0.95, LogLog)
		km2, _ := KaplanMeier(ets[r], 0, 0.95, LogLog)
		for i := range km1.S {
			if !same(km1.S[i], km2.S[i]) || !same(km1.SE[i], km2.SE[i]) || !same(km1.Lo[i], km2.Lo[i]) {
				t.Fatalf("trial %d: KM differs at %d", trial, i)
			}
		}
		cr1, _ := CumulativeIncidence(et, 0.95, Log)
		cr2, _ := CumulativeIncidence(ets[r], 0.95, Log)
		for i := range cr1.T {
			if !same(cr1.Cause(1).F[i], cr2.Cause(1).F[i]) || !same(cr1.Cause(2).SE[i], cr2.Cause(2).SE[i]) || !same(cr1.Cause(1).Lo[i], cr2.Cause(1).Lo[i]) {
				t.Fatalf("trial %d: cumulative incidence differs at %d", trial, i)
			}
		}
		m2 := &mos[r]
		if mo.N() != m2.N() || mo.Mean() != m2.Mean() || !same(mo.Variance(), m2.Variance()) || mo.Sum() != m2.Sum() {
			t.Fatalf("trial %d: Moments differ: %v %v vs %v %v", trial, mo.Mean(), mo.Variance(), m2.Mean(), m2.Variance())
		}
		if ih.N() != ihs[r].N() || ih.Mean() != ihs[r].Mean() || ih.Max() != ihs[r].Max() {
			t.Fatalf("trial %d: IntHistogram differs", trial)
		}
		for v := 0; v < 60; v++ {
			if ih.Count(v) != ihs[r].Count(v) {
				t.Fatalf("trial %d: IntHistogram count %d differs", trial, v)
			}
		}
		for tt := 0; tt < 60; tt++ {
			q1, _ := bd.Quantile(tt, 0.3)
			q2, _ := bds[r].Quantile(tt, 0.3)
			if bd.Count(tt) != bds[r].Count(tt) || !same(bd.Mean(tt), bds[r].Mean(tt)) || !same(q1, q2) {
				t.Fatalf("trial %d: Bands differ at t=%d", trial, tt)
			}
		}
	}
}

// same is == with NaN equal to NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
