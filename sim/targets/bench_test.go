package targets

import (
	"context"
	"fmt"
	"testing"

	"github.com/backchannel-sim/backchannel/calibrate"
)

// BenchmarkSimulate measures one particle's simulation of the SBC problem
// (R = 20 replications, summaries).
func BenchmarkSimulate(b *testing.B) {
	st := newSBCSetup(b, 20)
	theta := []float64{0.1, 0.15, 0.002}
	rng := randFor(1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := st.model.Simulate(theta, rng); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sims/s")
}

// BenchmarkCalibrate runs the SBC problem's calibration (60 particles, 4
// generations) with 1, 2 and 3 of its parameters free, to show how the cost
// scales with the number of parameters.
func BenchmarkCalibrate(b *testing.B) {
	for k := 1; k <= 3; k++ {
		b.Run(fmt.Sprintf("params=%d", k), func(b *testing.B) {
			st := newSBCSetup(b, 4)
			m, err := Bind(st.model.File(), st.model.base.Scenario, st.model.Ranges()[:k])
			if err != nil {
				b.Fatal(err)
			}
			cfg := st.cfg
			cfg.Params, cfg.Model = m.Params(), m
			cfg.Observed = []float64{30, 50, 0.2, 0.5}
			cfg.Particles, cfg.MaxGenerations, cfg.FinalEpsilon, cfg.Seed = 60, 4, 0, 1
			b.ReportAllocs()
			sims := 0
			for b.Loop() {
				res, err := calibrate.Run(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				sims += res.Simulations
			}
			b.ReportMetric(float64(sims)/float64(b.N), "sims/op")
		})
	}
}
