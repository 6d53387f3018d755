package metrics

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkExactSumAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = rng.NormFloat64() * 1e3
	}
	var s ExactSum
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Add(xs[i&1023])
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "adds/s")
}

func BenchmarkMomentsAdd(b *testing.B) {
	var m Moments
	x := 0.1
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Add(x)
		x += 1.25
	}
}

func BenchmarkEventTableAdd(b *testing.B) {
	et, _ := NewEventTable(3)
	et.Grow(999)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_ = et.Add(i%1000, i%4)
		i++
	}
}

func BenchmarkIntHistogramAdd(b *testing.B) {
	var h IntHistogram
	_ = h.Add(63)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Add(i & 63)
		i++
	}
}

func BenchmarkBandsAdd(b *testing.B) {
	bd, _ := NewBands(499, 0, 1, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_ = bd.Add(i%500, rng.Float64())
		i++
	}
}

// TestAddDoesNotAllocate pins the 0 allocs/op of the Add paths.
func TestAddDoesNotAllocate(t *testing.T) {
	var m Moments
	et, _ := NewEventTable(2)
	et.Grow(10)
	var h IntHistogram
	_ = h.Add(10)
	bd, _ := NewBands(10, 0, 1, 0)
	var s ExactSum
	x := 0.5
	if a := testing.AllocsPerRun(1000, func() {
		s.Add(x)
		_ = m.Add(x)
		_ = et.Add(7, 1)
		_ = h.Add(3)
		_ = bd.Add(4, x)
	}); a != 0 {
		t.Errorf("Add paths allocate %v times per run", a)
	}
}
