package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Channel is the state of the negotiation channels in a round.
type Channel uint8

// Channel states.
const (
	// Closed: no talks.
	Closed Channel = iota
	// Back: a secret back channel only; the audience sees nothing unless it
	// is exposed.
	Back
	// Front: acknowledged public talks only.
	Front
	// Parallel: a secret channel beside an acknowledged public one (Oslo
	// beside the Washington talks): posturing and attention at the public
	// table, real concessions in the secret one.
	Parallel
)

var channelNames = [...]string{"closed", "back", "front", "parallel"}

// String returns the lower-case name.
func (c Channel) String() string {
	if int(c) < len(channelNames) {
		return channelNames[c]
	}
	return fmt.Sprintf("Channel(%d)", c)
}

// MarshalText implements encoding.TextMarshaler.
func (c Channel) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// secret reports whether the channel carries a secret table.
func (c Channel) secret() bool { return c == Back || c == Parallel }

// public reports whether the channel carries an acknowledged table.
func (c Channel) public() bool { return c == Front || c == Parallel }

// View is what a channel policy sees: the observable state of the
// negotiation. It is read-only for the policy except for Rand, the policy's
// own random stream (separate from the model's, so that comparisons of
// policies on common random numbers stay aligned).
type View struct {
	Round        int        // current round (0-based)
	Channel      Channel    // current channel; Closed when talks are being (re)opened
	Exposed      bool       // the current secret channel has been exposed
	Trust        [2]float64 // each side's trust in the other
	MinTrust     float64    // min(Trust)
	FrontAllowed bool       // preconditions for public talks are met
	Gap          float64    // gap between the stated demands, s_A + s_B − 1 (≤ DealTolerance: a deal is within reach)
	BackChannels int        // back channels opened so far
	Breakdowns   int        // breakdowns so far
	Rand         *rand.Rand // the policy's random stream
}

// Policy chooses the channel. Choose is called when talks are about to
// (re)open (v.Channel == Closed), once a secret channel has been exposed
// (v.Channel == Closed and v.Exposed: Back then opens a fresh back channel,
// Closed carries on in the exposed one) and once per round while talks run. At an
// opening, returning Closed keeps talks closed this round; during talks,
// returning Closed keeps the current channel. A choice of Front or Parallel
// while v.FrontAllowed is false is not possible: at an opening talks stay
// closed (Front) or open as Back (Parallel); during talks the channel stays.
//
// Concurrency: the study runners (RunStudy, RunStudySequential, RunSweep)
// share one Policy value among all their workers, so Choose may be called
// from several goroutines at once and must not modify the policy. A policy
// with state (memory of earlier rounds, counters) implements
// StatefulPolicy instead: every worker then gets its own Clone, reset at
// the start of every replication. Randomness comes only from v.Rand.
type Policy interface {
	Name() string
	Choose(v *View) Channel
}

// StatefulPolicy is a Policy that keeps state between calls of Choose
// within a replication (for example the round a channel opened, or the
// other side's moves so far). The runners call Clone once per worker,
// before any replication, so that no two goroutines share a value, and
// every Replication calls Reset at the start of each replication, so that
// a replication's result depends only on its seed, whatever the number of
// workers. Clone must return an independent policy (no shared mutable
// state) with the same Name; neither Reset nor Choose should allocate.
type StatefulPolicy interface {
	Policy
	// Clone returns an independent copy in its initial state.
	Clone() StatefulPolicy
	// Reset returns the policy to its initial state.
	Reset()
}

// statefulOf returns p as a StatefulPolicy, looking through the runner's
// checking wrapper, or nil.
func statefulOf(p Policy) StatefulPolicy {
	if c, ok := p.(checkedPolicy); ok {
		p = c.Policy
	}
	s, _ := p.(StatefulPolicy)
	return s
}

// workerPolicy returns the policy one worker runs: a fresh Clone of a
// StatefulPolicy, p itself otherwise.
func workerPolicy(p Policy) (Policy, error) {
	s, ok := p.(StatefulPolicy)
	if !ok {
		return p, nil
	}
	c := s.Clone()
	if c == nil {
		return nil, fmt.Errorf("sim: policy %q: Clone returned nil", p.Name())
	}
	return c, nil
}

// FrontOnly always negotiates in public.
type FrontOnly struct{}

// Name implements Policy.
func (FrontOnly) Name() string { return "front-only" }

// Choose implements Policy.
func (FrontOnly) Choose(v *View) Channel { return Front }

// BackOnly negotiates only in secret; it goes public only to ratify.
type BackOnly struct{}

// Name implements Policy.
func (BackOnly) Name() string { return "back-only" }

// Choose implements Policy.
func (BackOnly) Choose(v *View) Channel { return Back }

// BackThenFront opens a back channel and moves talks to the front channel
// once both sides' trust reaches Threshold, or the secret talks have brought
// the demands within SwitchGap of each other, and the front-channel
// preconditions hold (the US-Iran path: Oman, then Geneva, where the deal
// was finished and sold in public).
type BackThenFront struct {
	Threshold float64 // trust level that triggers the move to public talks
}

// Name implements Policy.
func (p BackThenFront) Name() string {
	if p.Threshold == DefaultSwitchTrust {
		return "back-then-front"
	}
	return "back-then-front=" + strconv.FormatFloat(p.Threshold, 'g', -1, 64)
}

// Choose implements Policy.
func (p BackThenFront) Choose(v *View) Channel {
	if v.FrontAllowed && (v.MinTrust >= p.Threshold || (v.Channel != Closed && v.Gap <= SwitchGap)) {
		return Front
	}
	if v.Channel == Front {
		return Front
	}
	return Back
}

// DefaultSwitchTrust is BackThenFront's default threshold.
const DefaultSwitchTrust = 0.5

// SwitchGap is the gap between the stated demands at which BackThenFront
// takes talks public whatever the trust: the secret talks have done the
// hard part and the deal must be finished and sold in the open.
const SwitchGap = 0.1

// Reliance chooses the back channel with probability P each time talks are
// (re)opened and keeps the choice for the life of the channel: the knob for
// "how much do parties rely on back channels". Reliance{0} is FrontOnly,
// Reliance{1} is BackOnly.
type Reliance struct {
	P float64 // probability of a back channel at each opening, in [0,1]
}

// Name implements Policy.
func (p Reliance) Name() string { return "reliance=" + strconv.FormatFloat(p.P, 'g', -1, 64) }

// Choose implements Policy. It draws at every opening and after every
// exposure of a secret channel.
func (p Reliance) Choose(v *View) Channel {
	if v.Channel != Closed {
		return v.Channel
	}
	// One draw per opening, whatever P, keeps policies aligned on the stream.
	if v.Rand.Float64() < p.P {
		return Back
	}
	return Front
}

// ParallelChannels runs a secret channel beside the public one whenever the
// preconditions allow public talks, and a back channel alone otherwise.
type ParallelChannels struct{}

// Name implements Policy.
func (ParallelChannels) Name() string { return "parallel" }

// Choose implements Policy.
func (ParallelChannels) Choose(v *View) Channel { return Parallel }

// ParsePolicy parses a policy name: "front-only", "back-only",
// "back-then-front" or "back-then-front=T", "reliance=P", "parallel".
func ParsePolicy(s string) (Policy, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(s), "=")
	num := func() (float64, error) {
		x, err := strconv.ParseFloat(arg, 64)
		if err != nil || x < 0 || x > 1 || x != x {
			return 0, fmt.Errorf("sim: policy %q: parameter %q must be a number in [0,1]", s, arg)
		}
		return x, nil
	}
	switch name {
	case "front-only":
		if !hasArg {
			return FrontOnly{}, nil
		}
	case "back-only":
		if !hasArg {
			return BackOnly{}, nil
		}
	case "parallel":
		if !hasArg {
			return ParallelChannels{}, nil
		}
	case "back-then-front":
		if !hasArg {
			return BackThenFront{Threshold: DefaultSwitchTrust}, nil
		}
		x, err := num()
		if err != nil {
			return nil, err
		}
		return BackThenFront{Threshold: x}, nil
	case "reliance":
		if !hasArg {
			return nil, fmt.Errorf("sim: policy %q: reliance needs a probability, e.g. reliance=0.5", s)
		}
		x, err := num()
		if err != nil {
			return nil, err
		}
		return Reliance{P: x}, nil
	}
	return nil, fmt.Errorf("sim: unknown policy %q: want front-only, back-only, back-then-front[=T], reliance=P or parallel", s)
}

// BuiltinPolicies returns the policies of the default study, compared side
// by side on common random numbers.
func BuiltinPolicies() []Policy {
	return []Policy{FrontOnly{}, BackOnly{}, BackThenFront{Threshold: DefaultSwitchTrust}, Reliance{P: 0.5}, ParallelChannels{}}
}
