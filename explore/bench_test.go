package explore

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSobolIndices measures Saltelli.Analyze with 200 bootstrap
// resamples on the G-function outputs of a Sobol design.
func BenchmarkSobolIndices(b *testing.B) {
	for _, k := range []int{6, 12} {
		for _, n := range []int{1 << 10, 1 << 13} {
			b.Run(fmt.Sprintf("k=%d/N=%d", k, n), func(b *testing.B) {
				a := make([]float64, k)
				for i := range a {
					a[i] = float64(i * i)
				}
				d, err := NewSaltelli(unitSpace(k), n, SaltelliOptions{})
				if err != nil {
					b.Fatal(err)
				}
				y := evalDesign(&d.Design, func(x []float64) float64 { return gFunction(x, a) })
				const resamples = 200
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.Analyze(y, SobolOptions{Resamples: resamples, Rng: rand.New(rand.NewPCG(1, 2))}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*resamples)/b.Elapsed().Seconds(), "resamples/s")
			})
		}
	}
}

// BenchmarkSaltelliDesign measures building a Sobol-based Saltelli design.
func BenchmarkSaltelliDesign(b *testing.B) {
	const k, n = 12, 1 << 13
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSaltelli(unitSpace(k), n, SaltelliOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n*(k+2))/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkPrimPeeling measures one PRIM search (peeling, pasting,
// quasi-p-values) on a planted box.
func BenchmarkPrimPeeling(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("n=%d/k=5", n), func(b *testing.B) {
			x, y := plantedBox(rand.New(rand.NewPCG(1, 1)), n, 5, []float64{0.2, 0.5}, []float64{0.6, 0.9}, 0.9, 0.05)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Prim(x, y, PrimOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "searches/s")
		})
	}
}
