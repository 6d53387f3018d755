package sim_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// One negotiation, round by round, from a seed. This one takes the
// back-then-front path: a secret channel does the hard part, the deal is
// finished and sold in public and ratified.
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
	// breakthrough in round 86 after 1 back channel(s), 0 leak(s), 1 attack(s)
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
	// front-only       breakthrough 0.93 [0.89, 0.95] of 400; median round 334
	// back-then-front  breakthrough 0.93 [0.89, 0.95] of 400; median round 96
}

// How quickly each policy leads to repeated impasse (the second impasse),
// beside its chance of a ratified breakthrough, and where the negotiations
// stand after two years.
func ExampleImpasseReport() {
	sc := sim.DefaultScenario()
	study := sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.BackOnly{}})
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 1, Replications: 200})
	if err != nil {
		panic(err)
	}
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		panic(err)
	}
	for _, a := range rep.Arms {
		ir := a.Impasse
		k := ir.Kth[ir.RepeatedK-1]
		two := ir.Occupancy[1] // round 104
		fmt.Printf("%-10s breakthrough %.2f; 2nd impasse by %d %.2f [%.2f, %.2f]; at round %d: %.2f in a back channel, %.2f without talks\n",
			a.Label, float64(a.Outcomes.Breakthrough.P), a.Horizon, float64(k.ByHorizon.P), float64(k.ByHorizon.CI[0]), float64(k.ByHorizon.CI[1]),
			two.Round, float64(two.Shares.Back.P), float64(two.Shares.NoTalks.P))
	}
	// Output:
	// front-only breakthrough 0.93; 2nd impasse by 520 0.04 [0.02, 0.07]; at round 104: 0.00 in a back channel, 1.00 without talks
	// back-only  breakthrough 0.51; 2nd impasse by 520 0.48 [0.41, 0.55]; at round 104: 0.06 in a back channel, 0.42 without talks
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
