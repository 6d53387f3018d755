package agents

import (
	"math"

	"github.com/backchannel-sim/backchannel/internal/check"
)

// ConcessionStrategy gives the fraction k ∈ [0,1] of the distance between a
// negotiator's demand and its target that it concedes in one round of talks.
// audience is the audience pressure on the concessions (0 in an unexposed
// secret channel) and reciprocity the other side's last observed concession
// as a strength in [0,1]: the other side's moves, one per round of talks,
// which a strategy with state can record (tit for tat, or a longer
// memory). n gives the negotiator's own state and parameters. As for a
// TrustRule, a strategy may keep per-replication state, reset by whoever
// installs it at the start of each replication, and must not allocate.
type ConcessionStrategy interface {
	Rate(n *Negotiator, audience, reciprocity float64) float64
}

// ReadinessConcession is the default concession rule: the rate grows with
// readiness (the costs of delay of a mutually hurting stalemate; Zartman
// 2000, Pruitt 1997) and working trust, falls with audience pressure
// (watched negotiators concede less: Carnevale, Pruitt & Britton 1979;
// Druckman 1994) and rises when the other side has just conceded
// (reciprocity; Axelrod 1984):
//
//	k = K0 · R · (½ + τ) · (1 − π·a) · (1 + ρ·q)
//
// with R readiness, τ trust, π the negotiator's Posturing, a the audience
// pressure and q the other side's last concession strength. See
// docs/MODEL.md §7.5 and docs/REFERENCES.md.
type ReadinessConcession struct {
	K0          float64 // base concession rate per round, in (0,1]
	Reciprocity float64 // ρ ≥ 0
}

// Rate implements ConcessionStrategy.
func (c ReadinessConcession) Rate(n *Negotiator, audience, q float64) float64 {
	k := c.K0 * n.Readiness() * (0.5 + n.Trust) * math.Max(0, 1-n.P.Posturing*audience) * (1 + c.Reciprocity*q)
	return clamp01(k)
}

// NegotiatorParams are one party's leader or envoy parameters. Shares are
// fractions of the negotiated surplus in [0,1]; time is in rounds.
type NegotiatorParams struct {
	// Aspiration is the opening demand (share of the surplus). Default 0.8.
	Aspiration float64 `json:"aspiration" yaml:"aspiration"`
	// Reservation is the lowest acceptable share before any costs; it is
	// private (the other side only learns about it). Default 0.35.
	Reservation float64 `json:"reservation" yaml:"reservation"`
	// ReservationFloor bounds how far accumulated costs can lower the
	// reservation (Zartman's ripeness). Default 0.2; ≤ Reservation.
	ReservationFloor float64 `json:"reservation_floor" yaml:"reservation_floor"`
	// ConcessionRate K0 is the base fraction of the distance to the target
	// conceded per round of talks, before readiness, trust, audience and
	// reciprocity. Default 0.1; [0.0001, 1].
	ConcessionRate float64 `json:"concession_rate" yaml:"concession_rate"`
	// Reciprocity ρ raises the concession rate after a concession by the
	// other side (tit for tat; Axelrod 1984). Default 1; [0, 10].
	Reciprocity float64 `json:"reciprocity" yaml:"reciprocity"`
	// Posturing π is the sensitivity of concessions to audience pressure a
	// (attention × hawkishness): the rate is multiplied by max(0, 1 − π·a),
	// so watched negotiators concede less (Carnevale, Pruitt & Britton 1979;
	// Stasavage 2004). Default 1.75; [0, 2].
	Posturing float64 `json:"posturing" yaml:"posturing"`
	// AudienceCost is the approval lost per unit of share conceded (or
	// given in a gesture) in view of attentive, hawkish constituents:
	// Δapp = −AudienceCost·a·Δd (Fearon 1994). Default 0.5; [0, 10].
	AudienceCost float64 `json:"audience_cost" yaml:"audience_cost"`
	// BeliefPrior is the prior mean of the negotiator's estimate of the
	// other side's reservation. Below the true value the negotiator starts
	// optimistic and holds out for more. Default 0.25; [0,1].
	BeliefPrior float64 `json:"belief_prior" yaml:"belief_prior"`
	// BeliefSD is the prior standard deviation of that estimate.
	// Default 0.1; [0.001, 1].
	BeliefSD float64 `json:"belief_sd" yaml:"belief_sd"`
	// SignalNoise σ0 is the standard deviation of what a round of candid
	// secret talks reveals of the other side's reservation. Default 0.05;
	// [0.001, 1].
	SignalNoise float64 `json:"signal_noise" yaml:"signal_noise"`
	// Bluff scales how much audience pressure on the other side blurs what
	// its moves reveal: σ = σ0·(1 + Bluff·π·a) (posturing for the audience
	// says little; Stasavage 2004). Default 10; [0, 100].
	Bluff float64 `json:"bluff" yaml:"bluff"`
	// InitialTrust in the other side, in [0,1]. Default 0.2.
	InitialTrust float64 `json:"initial_trust" yaml:"initial_trust"`
	// TrustGain η⁺ of the asymmetric trust rule. Default 0.04.
	TrustGain float64 `json:"trust_gain" yaml:"trust_gain"`
	// TrustAsymmetry λ, the loss/gain ratio (Slovic 1993). Default 2.5.
	TrustAsymmetry float64 `json:"trust_asymmetry" yaml:"trust_asymmetry"`
	// TrustModel selects the trust rule: "asymmetric" (default) or "bayesian".
	TrustModel string `json:"trust_model" yaml:"trust_model"`
	// InitialApproval is the leader's approval in [0,1]. Default 0.6.
	InitialApproval float64 `json:"initial_approval" yaml:"initial_approval"`
	// CostRate is the cost of no deal accrued per round (war, sanctions), in
	// surplus units. Default 0.002.
	CostRate float64 `json:"cost_rate" yaml:"cost_rate"`
	// ReservationPerCost ζ lowers the reservation per unit of accrued cost.
	// Default 0.5.
	ReservationPerCost float64 `json:"reservation_per_cost" yaml:"reservation_per_cost"`
	// Readiness0 is the initial readiness to talk (Pruitt 1997), in [0,1].
	// Default 0.3.
	Readiness0 float64 `json:"readiness0" yaml:"readiness0"`
	// ReadinessPerCost raises readiness per unit of accrued cost (the
	// mutually hurting stalemate, Zartman 2000). Default 1.
	ReadinessPerCost float64 `json:"readiness_per_cost" yaml:"readiness_per_cost"`
	// GestureRate is the per-round probability of a goodwill gesture
	// (Osgood's GRIT), in any channel and while talks are closed. A public
	// gesture (closed talks, public or exposed table) costs approval by the
	// audience cost; a gesture across an unexposed secret channel is
	// deniable and free but less credible (GestureDeniability); a mediator
	// multiplies its effect on trust. Default 0.05.
	GestureRate float64 `json:"gesture_rate" yaml:"gesture_rate"`
	// GestureStrength is the strength of a public gesture as a trust
	// event, in [0,1]. Default 0.5.
	GestureStrength float64 `json:"gesture_strength" yaml:"gesture_strength"`
	// GestureDeniability is the share of its strength a deniable (secret)
	// gesture keeps: a costless signal is less credible (Kydd 2000).
	// Default 0.6; [0,1].
	GestureDeniability float64 `json:"gesture_deniability" yaml:"gesture_deniability"`
	// GestureCost lowers the gesturer's reservation (a costly signal, Kydd
	// 2000) and counts as a concession of that size for the audience cost.
	// Default 0.003.
	GestureCost float64 `json:"gesture_cost" yaml:"gesture_cost"`
	// MaxUnreciprocated gestures before the party stops until reciprocated
	// (GRIT repeats two or three times). Default 3.
	MaxUnreciprocated int `json:"max_unreciprocated" yaml:"max_unreciprocated"`
	// EnvoyAuthority in [0,1]: 0 a low-level aide (deniable, little
	// authority), 1 a senior confidant who can commit (lower commitment
	// threshold in secret) but whose exposure costs the leader more.
	// Default 0.5.
	EnvoyAuthority float64 `json:"envoy_authority" yaml:"envoy_authority"`
}

// DefaultNegotiatorParams returns the documented defaults (docs/MODEL.md).
func DefaultNegotiatorParams() NegotiatorParams {
	return NegotiatorParams{
		Aspiration: 0.8, Reservation: 0.35, ReservationFloor: 0.2,
		ConcessionRate: 0.1, Reciprocity: 1, Posturing: 1.75, AudienceCost: 0.5,
		BeliefPrior: 0.25, BeliefSD: 0.1, SignalNoise: 0.05, Bluff: 10,
		InitialTrust: 0.2, TrustGain: 0.04, TrustAsymmetry: 2.5, TrustModel: "asymmetric",
		InitialApproval: 0.6, CostRate: 0.002, ReservationPerCost: 0.5,
		Readiness0: 0.3, ReadinessPerCost: 1,
		GestureRate: 0.05, GestureStrength: 0.5, GestureDeniability: 0.6, GestureCost: 0.003, MaxUnreciprocated: 3,
		EnvoyAuthority: 0.5,
	}
}

// Validate reports every invalid field at once.
func (p *NegotiatorParams) Validate() error {
	e := check.New("")
	e.Prob("aspiration", p.Aspiration)
	e.Prob("reservation", p.Reservation)
	e.Prob("reservation_floor", p.ReservationFloor)
	e.LessEq("reservation", p.Reservation, "aspiration", p.Aspiration)
	e.LessEq("reservation_floor", p.ReservationFloor, "reservation", p.Reservation)
	e.Closed("concession_rate", p.ConcessionRate, 0.0001, 1)
	e.Closed("reciprocity", p.Reciprocity, 0, 10)
	e.Closed("posturing", p.Posturing, 0, 2)
	e.Closed("audience_cost", p.AudienceCost, 0, 10)
	e.Prob("belief_prior", p.BeliefPrior)
	e.Closed("belief_sd", p.BeliefSD, 0.001, 1)
	e.Closed("signal_noise", p.SignalNoise, 0.001, 1)
	e.Closed("bluff", p.Bluff, 0, 100)
	e.Prob("initial_trust", p.InitialTrust)
	e.Closed("trust_gain", p.TrustGain, 1e-6, 1)
	e.Closed("trust_asymmetry", p.TrustAsymmetry, 1, 20)
	if p.TrustGain*p.TrustAsymmetry > 1 {
		e.Add("trust_gain", p.TrustGain, "such that trust_gain × trust_asymmetry ≤ 1")
	}
	if p.TrustModel != "asymmetric" && p.TrustModel != "bayesian" {
		e.Add("trust_model", p.TrustModel, `"asymmetric" or "bayesian"`)
	}
	e.Prob("initial_approval", p.InitialApproval)
	e.Closed("cost_rate", p.CostRate, 0, 1)
	e.Closed("reservation_per_cost", p.ReservationPerCost, 0, 100)
	e.Prob("readiness0", p.Readiness0)
	e.Closed("readiness_per_cost", p.ReadinessPerCost, 0, 1000)
	e.Prob("gesture_rate", p.GestureRate)
	e.Prob("gesture_strength", p.GestureStrength)
	e.Prob("gesture_deniability", p.GestureDeniability)
	e.Closed("gesture_cost", p.GestureCost, 0, 1)
	e.IntRange("max_unreciprocated", p.MaxUnreciprocated, 0, 1000)
	e.Prob("envoy_authority", p.EnvoyAuthority)
	return e.Err()
}

// NegotiatorState is the dynamic state of a negotiator. Reset assigns a
// fresh one, so that no field can be forgotten between replications.
type NegotiatorState struct {
	Trust       float64 // trust in the other side, in [0,1]
	Approval    float64 // leader approval, in [0,1]
	Cost        float64 // accumulated cost of no deal
	Reservation float64 // current (private) reservation share
	Demand      float64 // demand stated at the table (share); never rises except after a failed vote
	Belief      float64 // estimate of the other side's reservation (posterior mean)
	BeliefVar   float64 // its posterior variance
	Conceded    float64 // the last round's concession (share)
	Unrecip     int     // gestures made and not yet reciprocated
	Gestures    int     // gestures made in this replication
}

// Negotiator is one party's leader or envoy. P points at its parameters;
// the embedded NegotiatorState is its state. The zero value is not usable:
// call Reset.
type Negotiator struct {
	P *NegotiatorParams
	// Concession is the concession rule (default ReadinessConcession).
	Concession ConcessionStrategy
	// Rule is the trust update rule (default AsymmetricTrust).
	Rule TrustRule
	NegotiatorState

	// Storage for the default rules, so that Reset does not allocate.
	defConc  ReadinessConcession
	defAsym  AsymmetricTrust
	defBayes BayesianTrust
}

// Reset puts the negotiator in its initial state for parameters p and
// installs the default rules (ReadinessConcession, the trust rule named by
// p.TrustModel). A caller that wants its own rules sets Concession and Rule
// after Reset.
func (n *Negotiator) Reset(p *NegotiatorParams) {
	n.P = p
	n.defConc = ReadinessConcession{K0: p.ConcessionRate, Reciprocity: p.Reciprocity}
	n.Concession = &n.defConc
	switch r := DefaultTrustRule(p).(type) {
	case AsymmetricTrust:
		n.defAsym = r
		n.Rule = &n.defAsym
	case BayesianTrust:
		n.defBayes = r
		n.Rule = &n.defBayes
	}
	n.NegotiatorState = NegotiatorState{
		Trust:       p.InitialTrust,
		Approval:    p.InitialApproval,
		Reservation: p.Reservation,
		Demand:      p.Aspiration,
		Belief:      p.BeliefPrior,
		BeliefVar:   p.BeliefSD * p.BeliefSD,
	}
}

// DefaultTrustRule returns the trust rule named by p.TrustModel.
func DefaultTrustRule(p *NegotiatorParams) TrustRule {
	if p.TrustModel == "bayesian" {
		// KappaU shrinks with TrustGain·TrustAsymmetry so that a faster
		// asymmetric rule maps to a more diagnostic signal. At the defaults
		// a unit event moves a belief of 0.5 by +0.10 / −0.30, about five
		// times the asymmetric rule's steps: the Bayesian rule learns faster.
		return BayesianTrust{KappaT: 1, KappaU: 1 / (1 + 4*p.TrustGain*p.TrustAsymmetry), Noise: 0.2, Floor: 0.01}
	}
	return AsymmetricTrust{Eta: p.TrustGain, Lambda: p.TrustAsymmetry}
}

// AccrueCost adds one round of the cost of no deal and lowers the
// reservation accordingly (Zartman 2000):
//
//	C ← C + c;   r ← max(r_floor, r0 − ζ·C − gestures' cost)
func (n *Negotiator) AccrueCost() {
	n.Cost += n.P.CostRate
	n.updateReservation()
}

func (n *Negotiator) updateReservation() {
	r := n.P.Reservation - n.P.ReservationPerCost*n.Cost - n.P.GestureCost*float64(n.Gestures)
	if r < n.P.ReservationFloor {
		r = n.P.ReservationFloor
	}
	n.Reservation = r
}

// Readiness is the motivation to talk (Pruitt's readiness, Zartman's
// hurting stalemate), in [0,1]:
//
//	R = min(1, R0 + ρ_C·C)
func (n *Negotiator) Readiness() float64 {
	return math.Min(1, n.P.Readiness0+n.P.ReadinessPerCost*n.Cost)
}

// Target is the demand the negotiator concedes toward: the midpoint of the
// zone of agreement it perceives, given its own reservation r and its
// estimate b of the other side's (the symmetric Nash 1950 solution), and
// never below r:
//
//	f = max(r, (1 + r − b)/2)
func (n *Negotiator) Target() float64 {
	return math.Max(n.Reservation, (1+n.Reservation-n.Belief)/2)
}

// Concede moves the demand toward the target by a step of k times the
// opening range (a linear tactic, Faratin, Sierra & Jennings 1998, with a
// state-driven rate instead of a clock), never past the target and never
// upward, and records the concession:
//
//	d ← d − min(max(0, d − f), k·(a − f))
func (n *Negotiator) Concede(k float64) {
	f := n.Target()
	c := 0.0
	if n.Demand > f {
		c = math.Min(n.Demand-f, k*(n.P.Aspiration-f))
	}
	n.Demand -= c
	n.Conceded = c
}

// PayAudience charges the audience cost of a visible concession of size
// Δ under audience pressure a (Fearon 1994):
//
//	app ← app − AudienceCost·a·Δ
func (n *Negotiator) PayAudience(a, delta float64) {
	n.Approval = clamp01(n.Approval - n.P.AudienceCost*a*delta)
}

// Learn updates the estimate of the other side's reservation from a signal
// y observed with noise standard deviation sigma, by a Kalman filter on a
// reservation that drifts with variance q per round (Kalman 1960; Bayesian
// learning of reservation values as in Zeng & Sycara 1998):
//
//	v ← v + q;   K = v/(v + σ²);   b ← b + K·(y − b);   v ← (1 − K)·v
func (n *Negotiator) Learn(y, sigma, q float64) {
	v := n.BeliefVar + q
	k := v / (v + sigma*sigma)
	n.Belief = clamp01(n.Belief + k*(y-n.Belief))
	n.BeliefVar = (1 - k) * v
}

// Retract raises the demand a fraction f of the way back to the
// aspiration: after a failed ratification the leader must come back with a
// better deal for its side.
func (n *Negotiator) Retract(f float64) {
	n.Demand += f * (n.P.Aspiration - n.Demand)
}

// Gain applies a positive trust event of the given strength.
func (n *Negotiator) Gain(strength float64) { n.Trust = n.Rule.Gain(n.Trust, strength) }

// Lose applies a negative trust event of the given strength.
func (n *Negotiator) Lose(strength float64) { n.Trust = n.Rule.Lose(n.Trust, strength) }

// CanGesture reports whether GRIT allows another unilateral gesture.
func (n *Negotiator) CanGesture() bool { return n.Unrecip < n.P.MaxUnreciprocated }

// MakeGesture records a costly unilateral gesture: it lowers the gesturer's
// reservation by GestureCost and counts as unreciprocated until the other
// side reciprocates.
func (n *Negotiator) MakeGesture() {
	n.Gestures++
	n.Unrecip++
	n.updateReservation()
}

// Reciprocated clears the count of unreciprocated gestures.
func (n *Negotiator) Reciprocated() { n.Unrecip = 0 }

// Reveal applies the revelation shock to approval when secrecy is exposed
// (Juhl & Hilpert 2021: a non-transparent deal is about 16% less likely to
// find approval), scaled up for a senior envoy and down by preparedness:
//
//	app ← app·(1 − δ·(½ + authority)·(1 − prep))
//
// where δ is the relative penalty (default 0.16), so that at the default
// authority 0.5 and no preparedness the relative loss is exactly δ.
func (n *Negotiator) Reveal(delta, prep float64) {
	loss := delta * (0.5 + n.P.EnvoyAuthority) * (1 - prep)
	n.Approval = clamp01(n.Approval * (1 - loss))
}
