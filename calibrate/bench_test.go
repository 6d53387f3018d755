package calibrate

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkGeneration times one ABC-SMC generation (proposals, simulations
// and the O(N²) weights) of the normal-mean toy model, from a fixed
// previous generation at the tolerance the schedule gives (about a third of proposals accepted).
func BenchmarkGeneration(b *testing.B) {
	for _, n := range []int{250, 1000} {
		for _, kernel := range []KernelKind{KernelGlobal, KernelOLCM} {
			b.Run(fmt.Sprintf("particles=%d/kernel=%v", n, kernel), func(b *testing.B) {
				cfg := toyConfig(1)
				cfg.Particles = n
				cfg.Workers = 1
				cfg.Kernel = kernel
				cfg.MaxGenerations = 3
				res, err := Run(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				r := newRunner(&cfg)
				r.dist = &res.Distance
				prev := res.Posterior()
				eps := r.nextEpsilon(prev)
				sims := 0
				b.ReportAllocs()
				for b.Loop() {
					g, err := r.generation(context.Background(), prev, eps)
					if err != nil {
						b.Fatal(err)
					}
					sims += g.Simulations
				}
				b.ReportMetric(float64(sims)/b.Elapsed().Seconds(), "sims/s")
				b.ReportMetric(float64(sims)/float64(b.N), "sims/gen")
			})
		}
	}
}
