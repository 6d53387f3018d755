package agents

import "math"

// TrustRule updates a negotiator's trust in the other side after a positive
// or negative event. Trust lies in [0,1]; strength ≥ 0 scales the event (for
// example the size of a concession relative to a reference step, or the
// credibility of a gesture). Strength is at most 1 except when a mediator's
// relay multiplies it (up to 1 + TrustBoost). Implementations must keep the
// result in [0,1] and must not allocate. A rule may keep per-replication
// state (a memory of betrayals: grudges): the simulator calls Gain and Lose
// in the order the events happen, from one goroutine, and whoever installs
// the rule resets that state at the start of each replication (package
// sim's Hooks do this). The built-in rules have no state.
type TrustRule interface {
	// Gain returns trust after a positive event of the given strength.
	Gain(trust, strength float64) float64
	// Lose returns trust after a negative event of the given strength.
	Lose(trust, strength float64) float64
}

// AsymmetricTrust is the asymmetry principle of Slovic (1993): trust is slow
// to build and quick to destroy. With gain rate η⁺ = Eta and loss/gain ratio
// λ = Lambda,
//
//	τ ← τ + s·η⁺·(1 − τ)    after a positive event of strength s
//	τ ← τ − s·λ·η⁺·τ        after a negative event of strength s
//
// λ ∈ [2, 3] is the range the project adopts from the trust literature
// (docs/MODEL.md §7.7); the default 2.5 is a calibration assumption, not a
// measured value. Sources: docs/REFERENCES.md.
type AsymmetricTrust struct {
	Eta    float64 // gain rate η⁺ per unit-strength positive event, in (0,1]
	Lambda float64 // loss/gain asymmetry λ ≥ 1; λ·Eta must not exceed 1
}

// Gain implements TrustRule.
func (a AsymmetricTrust) Gain(trust, strength float64) float64 {
	return clamp01(trust + strength*a.Eta*(1-trust))
}

// Lose implements TrustRule.
func (a AsymmetricTrust) Lose(trust, strength float64) float64 {
	return clamp01(trust - strength*a.Lambda*a.Eta*trust)
}

// BayesianTrust treats trust as the belief μ that the other side is a
// trustworthy (reciprocating) type and updates it by Bayes' rule on costly
// signals (Kydd 2000, 2005). A positive event of strength s is a signal of
// cost s; a trustworthy type sends it with probability exp(−s/KappaT), an
// untrustworthy type with exp(−s/KappaU), KappaT > KappaU:
//
//	μ' = μ·g_T / (μ·g_T + (1 − μ)·g_U)
//
// A negative event is a defection. A trustworthy type defects only by
// accident (probability Noise); an untrustworthy one with probability
// Noise + (1 − Noise)·(1 − exp(−1/KappaU)). The posterior after a full-strength
// defection is interpolated by the event's strength s:
//
//	μ' = μ + s·(μ_Bayes − μ)
//
// μ is kept inside [Floor, 1 − Floor] so that the belief can always recover.
type BayesianTrust struct {
	KappaT float64 // signal-cost tolerance of a trustworthy type (> KappaU)
	KappaU float64 // signal-cost tolerance of an untrustworthy type (> 0)
	Noise  float64 // probability scale of an involuntary defection, in (0,1)
	Floor  float64 // belief bound away from 0 and 1, in [0, 0.5)
}

// Gain implements TrustRule.
func (b BayesianTrust) Gain(mu, s float64) float64 {
	gt := math.Exp(-s / b.KappaT)
	gu := math.Exp(-s / b.KappaU)
	// The signal is sent: the likelihoods are the send probabilities, and a
	// costlier signal is relatively likelier from the trustworthy type.
	num := mu * gt
	post := num / (num + (1-mu)*gu)
	return b.bound(post)
}

// Lose implements TrustRule.
func (b BayesianTrust) Lose(mu, s float64) float64 {
	pt := b.Noise
	pu := b.Noise + (1-b.Noise)*(1-math.Exp(-1/b.KappaU))
	num := mu * pt
	post := num / (num + (1-mu)*pu)
	return b.bound(mu + s*(post-mu))
}

func (b BayesianTrust) bound(mu float64) float64 {
	return math.Min(math.Max(mu, b.Floor), 1-b.Floor)
}

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
