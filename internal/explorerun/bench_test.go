package explorerun

import (
	"context"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

// BenchmarkPoints runs 8 design points of the default exploration
// (DefaultRanges, horizon 520), 4 replications of both policies each:
// the cost of a design is points × reps × 2 such replications.
func BenchmarkPoints(b *testing.B) {
	sp, err := NewSpec(sim.DefaultScenario(), DefaultRanges())
	if err != nil {
		b.Fatal(err)
	}
	sp.Method, sp.N, sp.Reps = MethodSobol, 2, 4
	m, err := NewModel(sp)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := m.Run(context.Background(), 0, 8, 1, nil); err != nil {
			b.Fatal(err)
		}
		n += 8 * sp.Reps * 2
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reps/s")
}

// BenchmarkSobolAnalysis computes the indices of one output of a
// 64-base-sample design over the default parameters with 500 bootstrap
// resamples.
func BenchmarkSobolAnalysis(b *testing.B) {
	sp, err := NewSpec(sim.DefaultScenario(), DefaultRanges())
	if err != nil {
		b.Fatal(err)
	}
	sp.Method, sp.N, sp.Reps = MethodSobol, 64, 2
	m, err := NewModel(sp)
	if err != nil {
		b.Fatal(err)
	}
	p := &Part{Model: m, Hi: m.Len(), Points: make([]Point, m.Len())}
	for j := range p.Points {
		// A synthetic additive output: breakthroughs rise with the first two
		// unit coordinates.
		u := m.Design.Unit[j]
		k := int64(u[0]*1.5 + u[1]*0.5)
		p.Points[j] = Point{Index: j, Arms: []ArmStats{{k, 0, 2, 2}, {0, 0, 2, 2}}, Diff: [2]int64{k, k}}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Sobol([]string{"p_breakthrough"}, 500, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}
