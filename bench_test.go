package backchannel_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// Benchmarks of the whole model (see BENCHMARKS.md for how to run and read
// them). Every benchmark reports allocations; none asserts a time.

var sizes = []int{100, 1000, 10000}

func scenarioWith(n int) *sim.Scenario {
	sc := sim.DefaultScenario()
	for i := range sc.Parties {
		sc.Parties[i].Constituents.Size = n
	}
	return sc
}

// floorRound runs the bare opinion-dynamics kernel of both constituencies
// for one round: the same generator type and population, nothing else.
// The full model cannot beat it.
type floor struct {
	src rand.PCG
	rng *rand.Rand
	sc  *sim.Scenario
	c   [2]agents.Constituency
}

func newFloor(sc *sim.Scenario) *floor {
	f := &floor{sc: sc}
	f.rng = rand.New(&f.src)
	f.reset(0)
	return f
}

// reset draws the initial population exactly as a replication does.
func (f *floor) reset(seed uint64) {
	f.src.Seed(seed, 1)
	for i := range f.c {
		f.c[i].Reset(&f.sc.Parties[i].Constituents, f.rng)
	}
}

func (f *floor) run(rounds int) {
	for range rounds {
		f.c[0].Step(f.rng)
		f.c[1].Step(f.rng)
	}
}

// nsPerFloorRound times the kernel outside the benchmark loop: the best
// of five trials, since interference only ever adds time.
func nsPerFloorRound(sc *sim.Scenario) float64 {
	f := newFloor(sc)
	const reps, rounds = 10, 200 // about a replication's length
	f.run(rounds)                // warm up
	best := math.Inf(1)
	for range 5 {
		t0 := time.Now()
		for i := range reps {
			f.reset(uint64(i))
			f.run(rounds)
		}
		best = min(best, float64(time.Since(t0).Nanoseconds())/(reps*rounds))
	}
	return best
}

// BenchmarkReplication runs whole replications of the default scenario
// (back-then-front policy) with a reused Replication. Metrics: reps/s,
// agent-updates/s (constituents × parties × rounds per second) and
// floor-ratio, the time per round relative to the bare kernel's.
func BenchmarkReplication(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("constituents=%d", n), func(b *testing.B) {
			sc := scenarioWith(n)
			r, err := sim.NewReplication(sc, sim.BackThenFront{Threshold: sim.DefaultSwitchTrust})
			if err != nil {
				b.Fatal(err)
			}
			floorNs := nsPerFloorRound(sc)
			var pcg rand.PCG
			rng := rand.New(&pcg)
			r.Run(rng, nil)
			b.ReportAllocs()
			var i uint64
			rounds := 0
			for b.Loop() {
				mc.SeedReplication(&pcg, 1, i)
				o := r.Run(rng, nil)
				rounds += o.Round
				i++
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/s, "reps/s")
			b.ReportMetric(float64(2*n*rounds)/s, "agent-updates/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rounds)/floorNs, "floor-ratio")
			b.ReportMetric(float64(rounds)/float64(b.N), "rounds/rep")
		})
	}
}

// BenchmarkKernelFloor is the bare Deffuant kernel of both constituencies
// over the default horizon: the floor of BenchmarkReplication.
func BenchmarkKernelFloor(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("constituents=%d", n), func(b *testing.B) {
			sc := scenarioWith(n)
			f := newFloor(sc)
			b.ReportAllocs()
			seed := uint64(0)
			for b.Loop() {
				f.reset(seed)
				f.run(sc.Horizon)
				seed++
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/s, "reps/s")
			b.ReportMetric(float64(2*n*sc.Horizon*b.N)/s, "agent-updates/s")
		})
	}
}

// BenchmarkRound is one round of the default scenario; it must report
// 0 allocs/op.
func BenchmarkRound(b *testing.B) {
	sc := sim.DefaultScenario()
	r, err := sim.NewReplication(sc, sim.BackThenFront{Threshold: sim.DefaultSwitchTrust})
	if err != nil {
		b.Fatal(err)
	}
	rng := mc.ReplicationRand(1, 0)
	r.Reset(rng)
	b.ReportAllocs()
	for b.Loop() {
		if r.Step(nil) {
			r.Reset(rng)
		}
	}
}

// BenchmarkRunner runs the default scenario under one policy through the
// parallel engine. workers=max also reports parallel-efficiency: its
// throughput over W times the one-worker throughput, both measured in the
// same benchmark.
func BenchmarkRunner(b *testing.B) {
	const reps = 4096 // 128 blocks of 32: the end-of-run tail (one worker idle on the last block) stays near 1%
	study := sim.PolicyStudy(sim.DefaultScenario(), []sim.Policy{sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}})
	study.Trajectories = false
	run := func(w int, seed uint64) {
		if _, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: seed, Replications: reps, Workers: w, BlockSize: 32}); err != nil {
			b.Fatal(err)
		}
	}
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		name := "workers=1"
		if w > 1 {
			name = "workers=max"
		}
		b.Run(name, func(b *testing.B) {
			var one float64
			if w > 1 {
				t0 := time.Now()
				run(1, 99)
				one = reps / time.Since(t0).Seconds()
			}
			b.ReportAllocs()
			seed := uint64(0)
			for b.Loop() {
				run(w, seed)
				seed++
			}
			tp := float64(reps*b.N) / b.Elapsed().Seconds()
			b.ReportMetric(tp, "reps/s")
			if w > 1 {
				b.ReportMetric(tp/(float64(w)*one), "parallel-efficiency")
			}
		})
	}
}
