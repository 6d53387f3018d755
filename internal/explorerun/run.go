package explorerun

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// ArmStats is the exact summary of one policy at one point over its R
// replications: [breakthroughs within W, repeated impasses, Σ min(T, W),
// Σ min(T, W)²].
type ArmStats [4]int64

// Point is the exact summary of one design point: Arms[0] for the policy,
// Arms[1] for the baseline (if any), and Diff = [Σ d, Σ d²] for the paired
// difference d of the breakthrough indicators (policy − baseline).
type Point struct {
	Index int        `json:"i"`
	Arms  []ArmStats `json:"a"`
	Diff  [2]int64   `json:"d"`
}

// RepeatedImpasse reports whether an outcome has reached the k-th impasse
// of the model (docs/MODEL.md §7.18, sim.Outcome.Impasses): k or more
// impasses by the end of the replication. k is Spec.ImpasseK.
func RepeatedImpasse(o *sim.Outcome, k int) bool {
	return o.Impasses >= k
}

// Run evaluates the design points [lo, hi) with the given number of
// worker goroutines (0: all CPUs) and returns them in index order.
// progress, if not nil, is called after every finished point with the
// points done and the total (from one goroutine at a time). If ctx is
// cancelled, Run returns the points finished in order from lo, and an
// error wrapping ctx.Err().
func (m *Model) Run(ctx context.Context, lo, hi, workers int, progress func(done, total int)) ([]Point, error) {
	if lo < 0 || hi < lo || hi > m.Len() {
		return nil, fmt.Errorf("explore: point range [%d,%d) not within the design's %d points", lo, hi, m.Len())
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]Point, hi-lo)
	done := make([]bool, hi-lo)
	var next atomic.Int64
	next.Store(int64(lo))
	var mu sync.Mutex
	var firstErr error
	finished := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var pcg rand.PCG
			rng := rand.New(&pcg)
			for {
				if ctx.Err() != nil {
					return
				}
				j := int(next.Add(1) - 1)
				if j >= hi {
					return
				}
				p, err := m.point(j, &pcg, rng)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				out[j-lo], done[j-lo] = p, true
				finished++
				if progress != nil {
					progress(finished, hi-lo)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		n := 0
		for n < len(done) && done[n] {
			n++
		}
		return out[:n], fmt.Errorf("explore: %d of %d points finished: %w", n, hi-lo, err)
	}
	return out, nil
}

// point runs design point j: R replications of every policy, replication r
// of every policy drawing from mc.ReplicationRand(Seed, r).
func (m *Model) point(j int, pcg *rand.PCG, rng *rand.Rand) (Point, error) {
	sc, err := m.Arm(j)
	if err != nil {
		return Point{}, err
	}
	p := Point{Index: j, Arms: make([]ArmStats, len(m.Policies))}
	reps := make([]*sim.Replication, len(m.Policies))
	for a, pol := range m.Policies {
		if reps[a], err = sim.NewReplication(sc, pol); err != nil {
			return Point{}, fmt.Errorf("explore: point %d: %w", j, err)
		}
	}
	w := int64(m.Spec.Within)
	for r := range m.Spec.Reps {
		var bt [2]int64
		for a, rep := range reps {
			mc.SeedReplication(pcg, m.Spec.Seed, uint64(r))
			o := rep.Run(rng, nil)
			t := w
			if o.Kind == sim.Breakthrough && int64(o.Round) <= w {
				t = int64(o.Round)
				bt[a] = 1
			}
			s := &p.Arms[a]
			s[0] += bt[a]
			if RepeatedImpasse(&o, m.Spec.ImpasseK) {
				s[1]++
			}
			s[2] += t
			s[3] += t * t
		}
		if len(reps) == 2 {
			d := bt[0] - bt[1]
			p.Diff[0] += d
			p.Diff[1] += d * d
		}
	}
	return p, nil
}
