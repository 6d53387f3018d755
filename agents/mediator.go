package agents

import "github.com/backchannel-sim/backchannel/internal/check"

// MediatorParams describe an optional third party that hosts a back channel
// (Norway at Oslo, Oman for US-Iran): it secures the venue, relays gestures
// credibly and can reopen a channel after a breakdown (Beardsley et al. 2006
// facilitation; Pruitt 1997).
type MediatorParams struct {
	// Enabled switches the mediator on. Default false.
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Security ρ ∈ [0,1] multiplies the leak hazard by (1 − ρ). Default 0.8.
	Security float64 `json:"security" yaml:"security"`
	// TrustBoost φ multiplies trust gains from gestures and from secret talks
	// by (1 + φ). Default 0.5.
	TrustBoost float64 `json:"trust_boost" yaml:"trust_boost"`
	// ReopenRate adds to the per-round probability of reopening talks after
	// a breakdown, once the cool-down is over, whatever the parties'
	// readiness (the mediator brings them back to the table; the channel
	// policy still chooses the channel). The first opening depends on
	// readiness alone. Default 0.1.
	ReopenRate float64 `json:"reopen_rate" yaml:"reopen_rate"`
	// Staff is the number of the mediator's people in on the secret.
	// Default 1.
	Staff int `json:"staff" yaml:"staff"`
}

// DefaultMediatorParams returns the documented defaults (disabled).
func DefaultMediatorParams() MediatorParams {
	return MediatorParams{Enabled: false, Security: 0.8, TrustBoost: 0.5, ReopenRate: 0.1, Staff: 1}
}

// Validate reports every invalid field at once.
func (p *MediatorParams) Validate() error {
	e := check.New("")
	e.Prob("security", p.Security)
	e.Closed("trust_boost", p.TrustBoost, 0, 10)
	e.Prob("reopen_rate", p.ReopenRate)
	e.IntRange("staff", p.Staff, 0, 1000)
	return e.Err()
}

// LeakFactor is the multiplier (1 − ρ) of the leak hazard, 1 without a
// mediator.
func (p *MediatorParams) LeakFactor() float64 {
	if !p.Enabled {
		return 1
	}
	return 1 - p.Security
}

// TrustMultiplier is (1 + φ) with a mediator, 1 without.
func (p *MediatorParams) TrustMultiplier() float64 {
	if !p.Enabled {
		return 1
	}
	return 1 + p.TrustBoost
}

// Insiders is the mediator's contribution to the number of people in on a
// secret.
func (p *MediatorParams) Insiders() int {
	if !p.Enabled {
		return 0
	}
	return p.Staff
}
