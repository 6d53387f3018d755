package mc_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
)

// hits counts replications whose outcome is true. Integer counts merge
// exactly, so shards and batches combine bit-identically.
type hits struct{ N, Hits int64 }

func (h *hits) Add(rep uint64, ok bool) {
	h.N++
	if ok {
		h.Hits++
	}
}

func (h *hits) Merge(o *hits) error {
	h.N += o.N
	h.Hits += o.Hits
	return nil
}

func (h *hits) Reset() { *h = hits{} }

// Estimate the probability that a 20-step ±1 random walk ends above its
// start, on as many workers as there are processors. The exact value is
// (1 - C(20,10)/2²⁰)/2 ≈ 0.412, inside the interval; the output is the same for any number of
// workers. The model needs only packages mc and metrics.
func ExampleRun() {
	walk := mc.ReplicatorFunc[bool](func(rep uint64, rng *rand.Rand) (bool, error) {
		x := 0
		for range 20 {
			x += 2*rng.IntN(2) - 1
		}
		return x > 0, nil
	})
	res, err := mc.Run(context.Background(),
		mc.RunConfig{Seed: 1, Replications: 10000},
		func() (mc.Replicator[bool], error) { return walk, nil },
		func() *hits { return &hits{} })
	if err != nil {
		fmt.Println(err)
		return
	}
	ci, err := metrics.Wilson(int(res.Summary.Hits), int(res.Summary.N), 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d walks ended above their start: %.3f, 95%% CI [%.3f, %.3f]; failures: %d\n",
		res.Summary.Hits, res.Summary.N, float64(res.Summary.Hits)/float64(res.Summary.N), ci.Lo, ci.Hi, len(res.Failures))
	fmt.Println("covered:", res.Covered)
	// Output:
	// 4097 of 10000 walks ended above their start: 0.410, 95% CI [0.400, 0.419]; failures: 0
	// covered: [{0 10000}]
}
