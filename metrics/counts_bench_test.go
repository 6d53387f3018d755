package metrics

import (
	"math/rand/v2"
	"testing"
)

// benchHistories returns 1024 random subjects on rounds 0..500 with up to
// 6 events and their state paths (4 states).
func benchHistories() ([]history, [][]int) {
	rng := rand.New(rand.NewPCG(9, 9))
	hs := randomHistories(rng, 1024, 500, 6, 2)
	paths := make([][]int, len(hs))
	for i, h := range hs {
		p := make([]int, h.end+1)
		for t := range p {
			p[t] = rng.IntN(3)
		}
		if h.cause > 0 {
			p[h.end] = 3
		}
		paths[i] = p
	}
	return hs, paths
}

func BenchmarkRecurrentEventsAdd(b *testing.B) {
	hs, _ := benchHistories()
	r, _ := NewRecurrentEvents(3, 2, 500)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		h := hs[i&1023]
		_ = r.Add(h.times, h.end, h.cause)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "subjects/s")
}

func BenchmarkMeanCountAdd(b *testing.B) {
	hs, _ := benchHistories()
	m, _ := NewMeanCount(500)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		h := hs[i&1023]
		_ = m.Add(h.times, h.end)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "subjects/s")
}

func BenchmarkOccupancyAdd(b *testing.B) {
	_, paths := benchHistories()
	o, _ := NewOccupancy(500, 4)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_ = o.Add(paths[i&1023])
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "subjects/s")
}

// TestCountsAddDoesNotAllocate pins 0 allocs per subject for the Add
// methods of RecurrentEvents, MeanCount and Occupancy.
func TestCountsAddDoesNotAllocate(t *testing.T) {
	r, _ := NewRecurrentEvents(3, 2, 10)
	m, _ := NewMeanCount(10)
	o, _ := NewOccupancy(10, 3)
	times, path := []int{1, 1, 4, 6}, []int{0, 1, 1, 2}
	if a := testing.AllocsPerRun(1000, func() {
		_ = r.Add(times, 7, 2)
		_ = m.Add(times, 7)
		_ = o.Add(path)
	}); a != 0 {
		t.Errorf("Add allocates %v times per subject", a)
	}
}
