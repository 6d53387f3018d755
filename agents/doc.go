// Package agents holds the actors of a back-channel negotiation and their
// update rules: negotiators (private reservations, demands conceded at a
// rate set by readiness, trust, audience pressure and reciprocity, audience
// costs, learning about the other's reservation, trust, goodwill gestures,
// ripeness costs, approval), constituencies (a population per party with
// bounded-confidence opinion dynamics, leader messages with assimilation and
// backlash, attention, preparedness, pressure and individual random-utility
// ballots), spoilers (limited, greedy or total; inside or outside;
// awareness, mobilisation and attacks timed by visible progress) and an
// optional mediator. The equations and their sources are in docs/MODEL.md;
// full citations in docs/REFERENCES.md.
//
// The package is pure state plus rules. It knows nothing of channels'
// scheduling, Monte Carlo or metrics; package sim joins the actors into a
// round loop. Every random draw comes from a *rand.Rand (math/rand/v2)
// passed in by the caller; nothing here touches a global generator.
//
// Behaviours that researchers vary sit behind small interfaces with the
// literature's default implementation:
//
//	ConcessionStrategy  ReadinessConcession (Zartman 2000; Carnevale et al. 1979)
//	TrustRule           AsymmetricTrust (Slovic 1993), BayesianTrust (Kydd 2000)
//	OpinionDynamics     Deffuant (Deffuant et al. 2000)
//	SpoilerBehaviour    StedmanBehaviour (Stedman 1997)
//
// A user plugs in their own rule by implementing the interface and setting
// it on the agent; see the package examples. Rules may keep
// per-replication state (a trust rule with grudges, a concession strategy
// that remembers the other side's moves), reset by whoever installs them;
// package sim's Hooks and Arm.NewHooks do this for studies. Shares are fractions of the
// surplus in [0,1]; time is counted in rounds.
package agents
