package studyout_test

import (
	"context"
	"os"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// The table a study prints: outcome shares with Wilson intervals, the
// median time to breakthrough from the cumulative incidence, repeated
// impasse (the 2nd impasse by the horizon, its median time and the mean
// number of impasses) beside the breakthrough share, and paired
// differences against the first arm.
func ExampleWriteTable() {
	sc := sim.DefaultScenario()
	sc.Horizon = 260 // five years
	study := sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.BackThenFront{Threshold: 0.5}})
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 7, Replications: 300})
	if err != nil {
		panic(err)
	}
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		panic(err)
	}
	if err := studyout.WriteTable(os.Stdout, rep); err != nil {
		panic(err)
	}
	// Output:
	// backchannel model 2.0.0  seed 7  replications 300
	// shares with 95% Wilson intervals; median time to breakthrough in rounds (weeks) from the cumulative incidence
	//
	// arm              breakthrough          collapse              impasse               median time to breakthrough  back channels (mean)
	// front-only       0.093 [0.065, 0.132]  0.010 [0.003, 0.029]  0.897 [0.857, 0.926]  not reached                  0.00 [0.00, 0.00]
	// back-then-front  0.887 [0.846, 0.918]  0.073 [0.049, 0.109]  0.040 [0.023, 0.069]  98 [89, 103]                 1.39 [1.30, 1.48]
	//
	// repeated impasse: time to the 2nd impasse (a breakdown not a collapse, an exposed back channel abandoned for a fresh one, or a failed vote),
	// Aalen-Johansen with breakthrough and collapse competing; P by the horizon H with its interval, median in rounds [95% interval]
	//
	// arm              H    breakthrough          2nd impasse by H      median time to it  impasses by H (mean)
	// front-only       260  0.093 [0.065, 0.132]  0.007 [0.002, 0.024]  not reached        0.10 [0.06, 0.14]
	// back-then-front  260  0.887 [0.846, 0.918]  0.153 [0.117, 0.198]  not reached        0.68 [0.54, 0.83]
	//
	// paired differences against front-only (common random numbers; variance ratio = unpaired/paired variance)
	//
	// arm              Δ breakthrough           Δ collapse               variance ratio  Δ 2nd impasse by 260
	// back-then-front  +0.793 [+0.737, +0.835]  +0.063 [+0.032, +0.099]  1.0             +0.147 [+0.107, +0.192]
}
