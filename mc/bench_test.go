package mc

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// busy is a toy model with about 20µs of work per replication: a random
// walk of Steps steps.
type busy struct{ Steps int }

func (m *busy) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	var x int64
	for range m.Steps {
		x += int64(rng.Uint64()>>63)*2 - 1
	}
	return x, nil
}

type countSum struct{ N, Sum int64 }

func (s *countSum) Add(rep uint64, x int64) { s.N++; s.Sum += x }
func (s *countSum) Merge(o *countSum) error { s.N += o.N; s.Sum += o.Sum; return nil }
func (s *countSum) Reset()                  { *s = countSum{} }

// stepsFor20µs calibrates the number of walk steps that take about 20µs.
func stepsFor20µs() int {
	m := &busy{Steps: 10000}
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Now()
	for range 200 {
		m.Replicate(0, rng)
	}
	perStep := float64(time.Since(t0).Nanoseconds()) / (200 * 10000)
	return max(1, int(20e3/perStep))
}

func BenchmarkRunner(b *testing.B) {
	steps := stepsFor20µs()
	const reps = 4096
	for _, bc := range []struct {
		name    string
		workers int
	}{{"workers=1", 1}, {"workers=max", runtime.GOMAXPROCS(0)}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := RunConfig{Seed: 1, Replications: reps, Workers: bc.workers}
			newRep := func() (Replicator[int64], error) { return &busy{Steps: steps}, nil }
			newSum := func() *countSum { return &countSum{} }
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := Run(context.Background(), cfg, newRep, newSum); err != nil {
					b.Fatal(err)
				}
				n += reps
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reps/s")
		})
	}
}

// BenchmarkRunnerOverhead measures the engine alone: a model that does
// nothing, so allocs/op and ns/op are per replication.
func BenchmarkRunnerOverhead(b *testing.B) {
	const reps = 1 << 16
	for _, bc := range []struct {
		name    string
		workers int
	}{{"workers=1", 1}, {"workers=max", runtime.GOMAXPROCS(0)}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := RunConfig{Seed: 1, Replications: reps, Workers: bc.workers}
			newRep := func() (Replicator[int64], error) { return &busy{Steps: 0}, nil }
			newSum := func() *countSum { return &countSum{} }
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := Run(context.Background(), cfg, newRep, newSum); err != nil {
					b.Fatal(err)
				}
				n += reps
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reps/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/rep")
		})
	}
}
