//go:build heavy

package sim_test

import (
	"fmt"
	"testing"
)

// Every fact and variant of factCases on three further seeds with 1,000
// replications per arm (go test -tags heavy ./sim).
func TestFactsThreeSeeds(t *testing.T) {
	t.Parallel()
	for _, fc := range factCases() {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed=%d", fc.name, seed), func(t *testing.T) {
				t.Parallel()
				checkFact(t, fc, seed, max(fc.reps, 1000))
			})
		}
	}
}
