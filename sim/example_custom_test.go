package sim_test

import (
	"context"
	"fmt"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// grudge is a trust rule with memory: every betrayal it has seen in the
// replication divides the gains of later positive events (it holds a
// grudge), on top of Slovic's asymmetry.
type grudge struct {
	base      agents.AsymmetricTrust
	betrayals int
}

func (g *grudge) Gain(t, s float64) float64 { return g.base.Gain(t, s/float64(1+g.betrayals)) }
func (g *grudge) Lose(t, s float64) float64 {
	g.betrayals++
	return g.base.Lose(t, s)
}

// grudgeHooks builds one worker's rules once and resets them at the start
// of every replication, so replications allocate nothing.
func grudgeHooks() sim.Hooks {
	var g [2]grudge
	return sim.Hooks{Trust: func(party int, p *agents.NegotiatorParams) agents.TrustRule {
		g[party] = grudge{base: agents.AsymmetricTrust{Eta: p.TrustGain, Lambda: p.TrustAsymmetry}}
		return &g[party]
	}}
}

// patient is a stateful policy: it negotiates in a back channel and goes
// public once back channels have run Rounds rounds in all in this
// replication (the count survives breakdowns and exposures).
type patient struct {
	Rounds int
	back   int // rounds spent in back channels so far
}

func (p *patient) Name() string { return "patient" }
func (p *patient) Choose(v *sim.View) sim.Channel {
	if v.Channel == sim.Back {
		p.back++
	}
	if p.back >= p.Rounds && v.FrontAllowed {
		return sim.Front
	}
	if v.Channel == sim.Front {
		return sim.Front
	}
	return sim.Back
}
func (p *patient) Clone() sim.StatefulPolicy { return &patient{Rounds: p.Rounds} }
func (p *patient) Reset()                    { p.back = 0 }

// A study with a custom trust rule that holds grudges and a stateful
// channel policy, run through RunStudy beside a default arm on common
// random numbers. Each worker gets its own rules (Arm.NewHooks) and its own
// policy (StatefulPolicy.Clone), so this is safe on any number of workers,
// and the default arm gives the same numbers as in ExampleRunStudy.
func ExampleRunStudy_customRules() {
	sc := sim.DefaultScenario()
	study := &sim.Study{Arms: []sim.Arm{
		{Scenario: sc, Policy: sim.BackThenFront{Threshold: 0.5}},
		{Label: "grudges", Scenario: sc, Policy: sim.BackThenFront{Threshold: 0.5}, NewHooks: grudgeHooks},
		{Label: "patient+grudges", Scenario: sc, Policy: &patient{Rounds: 40}, NewHooks: grudgeHooks},
	}}
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{Seed: 1, Replications: 400, Workers: 4})
	if err != nil {
		panic(err)
	}
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		panic(err)
	}
	for _, a := range rep.Arms {
		b := a.Outcomes.Breakthrough
		fmt.Printf("%-16s breakthrough %.2f [%.2f, %.2f] of %d\n",
			a.Label, float64(b.P), float64(b.CI[0]), float64(b.CI[1]), b.N)
	}
	// Output:
	// back-then-front  breakthrough 0.93 [0.89, 0.95] of 400
	// grudges          breakthrough 0.86 [0.82, 0.89] of 400
	// patient+grudges  breakthrough 0.52 [0.47, 0.57] of 400
}
