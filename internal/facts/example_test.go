package facts_test

import (
	"fmt"

	"github.com/backchannel-sim/backchannel/internal/facts"
	"github.com/backchannel-sim/backchannel/sim"
)

// Fact 6 at the defaults: from trust 0.5 the asymmetric rule needs twice
// as many unit events to gain 0.1 as to lose it.
func ExampleFact6() {
	r, err := facts.Fact6(sim.DefaultScenario(), facts.Config{})
	if err != nil {
		panic(err)
	}
	c := r.Checks[0]
	fmt.Printf("%s: %g, holds at 4 SE: %v\n", c.Name, c.Estimate, r.Holds(4))
	// Output:
	// events to gain 0.1 (6) / events to lose 0.1 (3) − 1: 1, holds at 4 SE: true
}
