package agents

import (
	"fmt"
	"math"

	"github.com/backchannel-sim/backchannel/internal/check"
)

// SpoilerType is Stedman's (1997) typology of spoilers by the limits of
// their goals.
type SpoilerType int

// Spoiler types.
const (
	Limited SpoilerType = iota // limited goals: can be satisfied by a good enough deal
	Greedy                     // goals expand with capability and opportunity
	Total                      // total goals: no deal satisfies them
)

var spoilerTypeNames = [...]string{"limited", "greedy", "total"}

// String returns the lower-case name.
func (t SpoilerType) String() string {
	if t < 0 || int(t) >= len(spoilerTypeNames) {
		return fmt.Sprintf("SpoilerType(%d)", int(t))
	}
	return spoilerTypeNames[t]
}

// MarshalText implements encoding.TextMarshaler.
func (t SpoilerType) MarshalText() ([]byte, error) {
	if t < 0 || int(t) >= len(spoilerTypeNames) {
		return nil, fmt.Errorf("agents: invalid spoiler type %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *SpoilerType) UnmarshalText(b []byte) error {
	for i, n := range spoilerTypeNames {
		if string(b) == n {
			*t = SpoilerType(i)
			return nil
		}
	}
	return fmt.Errorf("spoiler type %q: must be one of limited, greedy, total", b)
}

// Position is Stedman's inside/outside distinction.
type Position int

// Spoiler positions.
const (
	Outside Position = iota // outside the process: learns only of visible talks
	Inside                  // inside a party's establishment: knows of secret talks and can leak them
)

// String returns the lower-case name.
func (p Position) String() string {
	switch p {
	case Outside:
		return "outside"
	case Inside:
		return "inside"
	}
	return fmt.Sprintf("Position(%d)", int(p))
}

// MarshalText implements encoding.TextMarshaler.
func (p Position) MarshalText() ([]byte, error) {
	if p != Outside && p != Inside {
		return nil, fmt.Errorf("agents: invalid position %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Position) UnmarshalText(b []byte) error {
	switch string(b) {
	case "outside":
		*p = Outside
	case "inside":
		*p = Inside
	default:
		return fmt.Errorf("spoiler position %q: must be inside or outside", b)
	}
	return nil
}

// SpoilerParams describe one spoiler faction.
type SpoilerParams struct {
	// Party is the side the spoiler belongs to (0 or 1); its attacks target
	// the other side's trust and constituents.
	Party int `json:"party" yaml:"party"`
	// Type is limited, greedy or total.
	Type SpoilerType `json:"type" yaml:"type"`
	// Position is inside or outside.
	Position Position `json:"position" yaml:"position"`
	// Demand is the share for its own party that satisfies a limited (or,
	// before it grows, a greedy) spoiler. Default 0.45.
	Demand float64 `json:"demand" yaml:"demand"`
	// Greed raises a greedy spoiler's demand with its mobilisation:
	// d = Demand + Greed·m. Default 0.2.
	Greed float64 `json:"greed" yaml:"greed"`
	// Capability c scales the attack hazard. Default 0.02.
	Capability float64 `json:"capability" yaml:"capability"`
	// Growth is the mobilisation growth rate while aware and threatened.
	// Default 0.1.
	Growth float64 `json:"growth" yaml:"growth"`
	// Decay is the relative mobilisation decay per round. Default 0.05.
	Decay float64 `json:"decay" yaml:"decay"`
	// Grievance adds to the drive while talks exclude the spoiler
	// (secrecy excludes sub-parties: Wanis-St. John 2005). Default 0.5.
	Grievance float64 `json:"grievance" yaml:"grievance"`
	// ProgressBoost β_v scales how much the progress toward a deal that the
	// spoiler can see raises its attack hazard: k = c·m·θ·(1 + β_v·v), with
	// v ∈ [0,1] the visible progress (1 at an announced deal and its vote).
	// Extremists strike when a deal is near (Kydd & Walter 2002).
	// Default 4; [0, 1000].
	ProgressBoost float64 `json:"progress_boost" yaml:"progress_boost"`
	// LeakRate is the per-round probability, per unit mobilisation, that an
	// aware inside spoiler leaks secret talks. Default 0.02.
	LeakRate float64 `json:"leak_rate" yaml:"leak_rate"`
}

// DefaultSpoilerParams returns a limited outside spoiler of party 0 with the
// documented default rates; scenario files start each listed spoiler from it.
func DefaultSpoilerParams() SpoilerParams {
	return SpoilerParams{Demand: 0.45, Greed: 0.2, Capability: 0.02, Growth: 0.1, Decay: 0.05,
		Grievance: 0.5, ProgressBoost: 4, LeakRate: 0.02}
}

// DefaultSpoilers returns the default factions: on each side a total
// outside spoiler and a limited inside spoiler.
func DefaultSpoilers() []SpoilerParams {
	base := DefaultSpoilerParams()
	var out []SpoilerParams
	for party := range 2 {
		t := base
		t.Party, t.Type, t.Position = party, Total, Outside
		l := base
		l.Party, l.Type, l.Position = party, Limited, Inside
		out = append(out, t, l)
	}
	return out
}

// Validate reports every invalid field at once.
func (p *SpoilerParams) Validate() error {
	e := check.New("")
	e.IntRange("party", p.Party, 0, 1)
	if p.Type < Limited || p.Type > Total {
		e.Add("type", int(p.Type), "limited, greedy or total")
	}
	if p.Position != Inside && p.Position != Outside {
		e.Add("position", int(p.Position), "inside or outside")
	}
	e.Prob("demand", p.Demand)
	e.Closed("greed", p.Greed, 0, 1)
	e.Closed("capability", p.Capability, 0, 10)
	e.Prob("growth", p.Growth)
	e.Prob("decay", p.Decay)
	e.Closed("grievance", p.Grievance, 0, 10)
	e.Closed("progress_boost", p.ProgressBoost, 0, 1000)
	e.Prob("leak_rate", p.LeakRate)
	return e.Err()
}

// SpoilerBehaviour says how threatened a spoiler feels by the share offer
// currently on the table for its party (0: satisfied, 1: fully threatened).
type SpoilerBehaviour interface {
	Threat(s *Spoiler, offer float64) float64
}

// StedmanBehaviour is the default behaviour by type (Stedman 1997;
// docs/MODEL.md §7.12):
//
//	limited:  threat = max(0, d − offer)/d
//	greedy:   as limited with d = Demand + Greed·m
//	total:    threat = 1
type StedmanBehaviour struct{}

// Threat implements SpoilerBehaviour.
func (StedmanBehaviour) Threat(s *Spoiler, offer float64) float64 {
	d := s.P.Demand
	switch s.P.Type {
	case Total:
		return 1
	case Greedy:
		d = math.Min(1, d+s.P.Greed*s.Mobilisation)
	}
	if d <= 0 || offer >= d {
		return 0
	}
	return (d - offer) / d
}

// Spoiler is one faction's state.
type Spoiler struct {
	P         *SpoilerParams
	Behaviour SpoilerBehaviour
	SpoilerState
}

// SpoilerState is the dynamic state of a spoiler; Reset assigns a fresh one.
type SpoilerState struct {
	// Aware is true once the spoiler knows of the talks.
	Aware bool
	// Mobilisation m ∈ [0,1].
	Mobilisation float64
	// Threat is the last computed threat θ (the spoiler's stake).
	Threat float64
}

// Reset puts the spoiler in its initial state and installs StedmanBehaviour.
func (s *Spoiler) Reset(p *SpoilerParams) {
	s.P = p
	s.Behaviour = StedmanBehaviour{}
	s.SpoilerState = SpoilerState{}
}

// Mobilise updates mobilisation for one round (docs/MODEL.md §7.12).
// While aware of ongoing talks, with threat θ from the offer on the table,
// exclusion e ∈ {0,1} (talks are secret) and the own side's mean
// hawkishness h:
//
//	m' = m + g·θ·(½ + h)·(1 + G·e)·(1 − m);   m ← (1 − δ)·m'
//
// otherwise m ← (1 − δ)·m. Mobilisation therefore waits for awareness: a
// secret channel delays it but does not remove it.
func (s *Spoiler) Mobilise(talks bool, offer, hawk float64, excluded bool) {
	m := s.Mobilisation
	if s.Aware && talks {
		s.Threat = s.Behaviour.Threat(s, offer)
		drive := s.Threat * (0.5 + hawk)
		if excluded {
			drive *= 1 + s.P.Grievance
		}
		m += s.P.Growth * drive * (1 - m)
	} else {
		s.Threat = 0
	}
	m -= s.P.Decay * m
	s.Mobilisation = clamp01(m)
}

// AttackProb is the per-round attack probability given the progress
// toward a deal the spoiler can see, v ∈ [0,1] (Kydd & Walter 2002: attacks
// come when a deal is near; Stedman 1997: the stake θ by type):
//
//	p = 1 − exp(−c·m·θ·(1 + β_v·v))
//
// It is 0 while the spoiler is unaware or unthreatened.
func (s *Spoiler) AttackProb(progress float64) float64 {
	if !s.Aware || s.Threat <= 0 {
		return 0
	}
	k := s.P.Capability * s.Mobilisation * s.Threat * (1 + s.P.ProgressBoost*progress)
	return -math.Expm1(-k)
}
