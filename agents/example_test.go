package agents_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/agents"
)

// Trust is slow to build and quick to destroy (Slovic 1993): ten positive
// events, then one negative event of the same strength.
func ExampleAsymmetricTrust() {
	rule := agents.AsymmetricTrust{Eta: 0.05, Lambda: 2.5}
	tau := 0.2
	for range 10 {
		tau = rule.Gain(tau, 1)
	}
	fmt.Printf("after 10 gains: %.3f\n", tau)
	fmt.Printf("after 1 loss:   %.3f\n", rule.Lose(tau, 1))
	// Output:
	// after 10 gains: 0.521
	// after 1 loss:   0.456
}

// A constituency's support for a deal: the share of constituents whose
// required share is met. After a year of bounded-confidence influence the
// opinions sit in a tight cluster near 0.45, so a small bonus
// (preparedness, approval) decides the vote: ratification is knife-edge,
// as in the 2005 New York transit vote lost by 7 of 22,461.
func ExampleConstituency() {
	p := agents.DefaultConstituencyParams()
	p.Size = 1000
	rng := rand.New(rand.NewPCG(1, 2))
	var c agents.Constituency
	c.Reset(&p, rng) // opinions from Beta with mean 0.45
	for range 52 {   // a year of peer influence
		c.Step(rng)
	}
	fmt.Printf("support for a 42%% share: %.2f\n", c.Support(0.42, 0))
	fmt.Printf("with a preparedness bonus of 0.05: %.2f\n", c.Support(0.42, 0.05))
	fmt.Printf("opinions' s.d.: %.2f\n", c.Polarisation())
	// Output:
	// support for a 42% share: 0.01
	// with a preparedness bonus of 0.05: 0.98
	// opinions' s.d.: 0.04
}

// Plugging in a custom rule: a stubborn trust rule that never moves.
type stubborn struct{}

func (stubborn) Gain(t, _ float64) float64 { return t }
func (stubborn) Lose(t, _ float64) float64 { return t }

func ExampleTrustRule() {
	p := agents.DefaultNegotiatorParams()
	var n agents.Negotiator
	n.Reset(&p)
	n.Rule = stubborn{}
	n.Gain(1)
	fmt.Println(n.Trust == p.InitialTrust)
	// Output: true
}
