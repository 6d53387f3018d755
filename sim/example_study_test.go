package sim_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// One negotiation, round by round, from a seed. This one is the trap the
// literature warns of: every leak leads to yet another back channel, each
// less effective than the last, until the horizon.
func ExampleSimulate() {
	sc := sim.DefaultScenario()
	sc.Policy = "back-then-front"
	o, err := sim.Simulate(sc, mc.ReplicationRand(42, 0), nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s in round %d after %d back channel(s), %d leak(s), %d attack(s)\n",
		o.Kind, o.Round, o.BackChannels, o.Leaks, o.Attacks)
	// Output:
	// impasse in round 520 after 21 back channel(s), 14 leak(s), 16 attack(s)
}

// Two policies on common random numbers, with intervals.
func ExampleRunStudy() {
	sc := sim.DefaultScenario()
	study := sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.BackThenFront{Threshold: 0.5}})
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 1, Replications: 400})
	if err != nil {
		panic(err)
	}
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		panic(err)
	}
	for _, a := range rep.Arms {
		b := a.Outcomes.Breakthrough
		fmt.Printf("%-16s breakthrough %.2f [%.2f, %.2f] of %d; median round %v\n",
			a.Label, float64(b.P), float64(b.CI[0]), float64(b.CI[1]), b.N, float64(a.TimeToBreakthrough.Median))
	}
	// Output:
	// front-only       breakthrough 0.78 [0.74, 0.82] of 400; median round 385
	// back-then-front  breakthrough 0.72 [0.68, 0.77] of 400; median round 201
}

// Validate names every invalid field; callers find them with errors.As.
func ExampleFieldError() {
	sc := sim.DefaultScenario()
	sc.Horizon = 0
	var fe *sim.FieldError
	if errors.As(sc.Validate(), &fe) {
		fmt.Printf("field %s, value %v, allowed: %s\n", fe.Path, fe.Value, fe.Allowed)
	}
	// Output:
	// field horizon, value 0, allowed: an integer in [1, 100000]
}
