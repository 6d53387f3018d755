package agents

import (
	"math"

	"github.com/backchannel-sim/backchannel/internal/check"
)

// ConcessionStrategy maps effective negotiation time to the fraction α ∈ [0,1]
// of the distance from aspiration to reservation that a negotiator has
// conceded. beta is the concession exponent of the channel the talks are in
// (β < 1 Boulware, β = 1 linear, β > 1 Conceder).
type ConcessionStrategy interface {
	Alpha(elapsed, deadline, beta float64) float64
}

// TimeDependent is the time-dependent tactic of Faratin, Sierra & Jennings
// (1998):
//
//	α(t) = κ + (1 − κ)·(min(t, T)/T)^(1/β)
//
// where t is effective negotiation time, T the negotiator's deadline and κ the
// initial concession Kappa.
type TimeDependent struct {
	Kappa float64 // initial concession κ in [0,1)
}

// Alpha implements ConcessionStrategy.
func (c TimeDependent) Alpha(t, deadline, beta float64) float64 {
	if t <= 0 {
		return c.Kappa
	}
	u := t / deadline
	if u >= 1 {
		return 1
	}
	return c.Kappa + (1-c.Kappa)*math.Pow(u, 1/beta)
}

// NegotiatorParams are one party's leader or envoy parameters. Shares are
// fractions of the negotiated surplus in [0,1]; time is in rounds.
type NegotiatorParams struct {
	// Aspiration is the opening demand (share of the surplus). Default 0.8.
	Aspiration float64 `json:"aspiration" yaml:"aspiration"`
	// Reservation is the lowest acceptable share before any costs. Default 0.35.
	Reservation float64 `json:"reservation" yaml:"reservation"`
	// ReservationFloor bounds how far accumulated costs can lower the
	// reservation (Zartman's ripeness). Default 0.2; ≤ Reservation.
	ReservationFloor float64 `json:"reservation_floor" yaml:"reservation_floor"`
	// Kappa is the initial concession κ of the Faratin tactic. Default 0.
	Kappa float64 `json:"kappa" yaml:"kappa"`
	// Deadline is the concession horizon T in rounds of talks. Default 104.
	Deadline float64 `json:"deadline" yaml:"deadline"`
	// BetaBack is the concession exponent in a secret channel (Conceder,
	// β > 1). Default 2.
	BetaBack float64 `json:"beta_back" yaml:"beta_back"`
	// BetaFront is the concession exponent in public (Boulware, β < 1).
	// Default 0.5.
	BetaFront float64 `json:"beta_front" yaml:"beta_front"`
	// Posturing π scales how far audience pressure pushes the stated demand
	// toward the hard line in public (Fingleton & Raith 2001; Stasavage
	// 2004). Default 0.8.
	Posturing float64 `json:"posturing" yaml:"posturing"`
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
	// GestureRate is the per-round probability of a goodwill gesture while
	// talks are closed (announced unilaterally) or run in a secret channel,
	// not during public talks (Osgood's GRIT); a mediator multiplies the
	// gesture's effect on trust. Default 0.05.
	GestureRate float64 `json:"gesture_rate" yaml:"gesture_rate"`
	// GestureStrength is the strength of a gesture as a trust event, in
	// [0,1]. Default 0.5.
	GestureStrength float64 `json:"gesture_strength" yaml:"gesture_strength"`
	// GestureCost lowers the gesturer's reservation (a costly signal, Kydd
	// 2000). Default 0.003.
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
		Kappa: 0, Deadline: 104, BetaBack: 2, BetaFront: 0.5, Posturing: 0.8,
		InitialTrust: 0.2, TrustGain: 0.04, TrustAsymmetry: 2.5, TrustModel: "asymmetric",
		InitialApproval: 0.6, CostRate: 0.002, ReservationPerCost: 0.5,
		Readiness0: 0.3, ReadinessPerCost: 1,
		GestureRate: 0.05, GestureStrength: 0.5, GestureCost: 0.003, MaxUnreciprocated: 3,
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
	e.Closed("kappa", p.Kappa, 0, 0.999)
	e.Closed("deadline", p.Deadline, 1, 1e6)
	e.Closed("beta_back", p.BetaBack, 0.01, 100)
	e.Closed("beta_front", p.BetaFront, 0.01, 100)
	e.Closed("posturing", p.Posturing, 0, 1)
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
	e.Closed("gesture_cost", p.GestureCost, 0, 1)
	e.IntRange("max_unreciprocated", p.MaxUnreciprocated, 0, 1000)
	e.Prob("envoy_authority", p.EnvoyAuthority)
	return e.Err()
}

// Negotiator is one party's leader or envoy. Its exported fields are its
// state; P points at its parameters. The zero value is not usable: call
// Reset.
type Negotiator struct {
	P *NegotiatorParams
	// Concession is the concession tactic (default TimeDependent{Kappa}).
	Concession ConcessionStrategy
	// Rule is the trust update rule (default AsymmetricTrust).
	Rule TrustRule

	Trust       float64 // trust in the other side, in [0,1]
	Approval    float64 // leader approval, in [0,1]
	Cost        float64 // accumulated cost of no deal
	Reservation float64 // current reservation share
	Elapsed     float64 // effective negotiation time (rounds, scaled by speed)
	Demand      float64 // private demand (share)
	Stated      float64 // demand stated at the table (share)
	Unrecip     int     // gestures made and not yet reciprocated
	Gestures    int     // gestures made in this replication

	// Storage for the default rules, so that Reset does not allocate.
	defConc  TimeDependent
	defAsym  AsymmetricTrust
	defBayes BayesianTrust
}

// Reset puts the negotiator in its initial state for parameters p and
// installs the default rules (TimeDependent concession, the trust rule named
// by p.TrustModel). A caller that wants its own rules sets Concession and
// Rule after Reset.
func (n *Negotiator) Reset(p *NegotiatorParams) {
	n.P = p
	n.defConc = TimeDependent{Kappa: p.Kappa}
	n.Concession = &n.defConc
	switch r := DefaultTrustRule(p).(type) {
	case AsymmetricTrust:
		n.defAsym = r
		n.Rule = &n.defAsym
	case BayesianTrust:
		n.defBayes = r
		n.Rule = &n.defBayes
	}
	n.Trust = p.InitialTrust
	n.Approval = p.InitialApproval
	n.Cost = 0
	n.Reservation = p.Reservation
	n.Elapsed = 0
	n.Demand = p.Aspiration
	n.Stated = p.Aspiration
	n.Unrecip = 0
	n.Gestures = 0
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

// Concede advances effective negotiation time by speed and recomputes the
// private demand with the concession exponent beta of the current channel:
//
//	d = a − α(t)·(a − r)
func (n *Negotiator) Concede(speed, beta float64) {
	n.Elapsed += speed
	a := n.P.Aspiration
	n.Demand = a - n.Concession.Alpha(n.Elapsed, n.P.Deadline, beta)*(a-n.Reservation)
}

// State sets the demand stated at the table. Posturing pushes it toward the
// hard line (the whole surplus) by audience pressure times visibility
// (Fingleton & Raith 2001; research/literature.md eq. 3c):
//
//	s = d + π·P·v·(1 − d)
func (n *Negotiator) State(pressure, visibility float64) {
	n.Stated = n.Demand + n.P.Posturing*pressure*visibility*(1-n.Demand)
}

// Gain applies a positive trust event of the given strength.
func (n *Negotiator) Gain(strength float64) { n.Trust = n.Rule.Gain(n.Trust, strength) }

// Lose applies a negative trust event of the given strength.
func (n *Negotiator) Lose(strength float64) { n.Trust = n.Rule.Lose(n.Trust, strength) }

// ObserveMove updates trust from the other side's move at the table: a
// concession (its stated demand fell) is a positive event, a hardening a
// negative one, each of strength min(1, |Δ|/ref). It returns the signed
// strength (positive for a concession).
func (n *Negotiator) ObserveMove(prev, now, ref float64) float64 {
	d := prev - now
	s := math.Min(1, math.Abs(d)/ref)
	switch {
	case d > 0:
		n.Gain(s)
		return s
	case d < 0:
		n.Lose(s)
		return -s
	}
	return 0
}

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
