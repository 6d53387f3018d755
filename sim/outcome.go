package sim

import "fmt"

// Kind is the terminal outcome of a replication. Its numeric value is the
// cause code used for survival and competing-risk estimates: 0 censored
// (Impasse), 1 Breakthrough, 2 Collapse.
type Kind uint8

// Outcome kinds.
const (
	// Impasse: still undecided at the horizon; censored, not a failure.
	Impasse Kind = iota
	// Breakthrough: a deal ratified on both sides.
	Breakthrough
	// Collapse: talks ended for good.
	Collapse
)

var kindNames = [...]string{"impasse", "breakthrough", "collapse"}

// String returns the lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Outcome is the record of one replication. Rounds are counted from 1: an
// event in the first round has Round 1. Counters refer to the whole
// replication. Fields about the first occurrence of an event are 0 when it
// never happened.
type Outcome struct {
	Kind  Kind `json:"kind"`  // terminal outcome
	Round int  `json:"round"` // round of the breakthrough or collapse; the horizon for an impasse

	BackChannels        int `json:"back_channels"`        // back channels opened
	FrontChannels       int `json:"front_channels"`       // times acknowledged public talks began (front or parallel)
	Leaks               int `json:"leaks"`                // secret channels exposed by a leak
	Attacks             int `json:"attacks"`              // spoiler attacks
	FailedRatifications int `json:"failed_ratifications"` // votes that failed on at least one side
	Breakdowns          int `json:"breakdowns"`           // talks broken off
	Gestures            int `json:"gestures"`             // goodwill gestures, both sides

	// Impasses counts the impasses (docs/MODEL.md §7.18: a breakdown that
	// is not a collapse, an exposed back channel abandoned for a fresh one,
	// or a failed ratification; setbacks with no bargaining in between
	// count once) and ImpasseRounds holds the rounds of the first
	// MaxImpasses of them, 0 past Impasses.
	Impasses      int              `json:"impasses"`
	ImpasseRounds [MaxImpasses]int `json:"impasse_rounds"`

	RoundsClosed   int `json:"rounds_closed"`   // rounds without talks
	RoundsBack     int `json:"rounds_back"`     // rounds in a back channel only
	RoundsFront    int `json:"rounds_front"`    // rounds in public talks only
	RoundsParallel int `json:"rounds_parallel"` // rounds with both channels

	FirstTalks  int `json:"first_talks"`  // round talks first opened
	FirstLeak   int `json:"first_leak"`   // round of the first leak
	FirstAware  int `json:"first_aware"`  // round the first spoiler became aware
	FirstAttack int `json:"first_attack"` // round of the first attack

	// Attack exposure: rounds of talks while a secret channel was unexposed
	// and the attacks in them, and the same for visible talks (public or
	// exposed), for the attack hazard before and after exposure.
	RoundsSecret   int `json:"rounds_secret"`
	AttacksSecret  int `json:"attacks_secret"`
	RoundsVisible  int `json:"rounds_visible"`
	AttacksVisible int `json:"attacks_visible"`

	// Ratification votes on deals sprung from secret talks and on deals
	// made in the open, and how many passed.
	SecretVotes  int `json:"secret_votes"`
	SecretPasses int `json:"secret_passes"`
	PublicVotes  int `json:"public_votes"`
	PublicPasses int `json:"public_passes"`

	// DealChannel is the channel the ratified deal was made in (Closed when
	// there was none); Split is side A's share of it.
	DealChannel Channel `json:"deal_channel"`
	Split       float64 `json:"split"`

	// ApprovalLeak is side A's approval just before and just after the
	// first leak (both 0 without a leak).
	ApprovalBeforeLeak float64 `json:"approval_before_leak"`
	ApprovalAfterLeak  float64 `json:"approval_after_leak"`

	// VoteSupport is the share of each side's constituents who accepted
	// the deal at the last ratification vote (0 without a vote).
	VoteSupport [2]float64 `json:"vote_support"`

	// Final state per side.
	Trust        [2]float64 `json:"trust"`        // trust in the other side
	Approval     [2]float64 `json:"approval"`     // leader approval
	Preparedness [2]float64 `json:"preparedness"` // constituency preparedness
	Hawkishness  [2]float64 `json:"hawkishness"`  // mean constituent opinion
	Polarisation [2]float64 `json:"polarisation"` // std. dev. of constituent opinions
}

// MaxImpasses is the number of impasse rounds an Outcome records, and the
// largest order k of the time to the k-th impasse a study summary tracks.
const MaxImpasses = 3

// State is where a negotiation stands at the end of a round, for the state
// occupancy of a study (docs/MODEL.md §7.18). Breakthrough and collapse are
// absorbing; a tentative deal awaiting its vote is Ratifying whatever the
// channel.
type State uint8

// States of a negotiation.
const (
	StateNoTalks      State = iota // no talks (none yet, broken off, cooling down)
	StateBack                      // a back channel only
	StateFront                     // public talks only
	StateBoth                      // a back channel beside public talks (parallel)
	StateRatifying                 // a deal announced, awaiting its vote
	StateBreakthrough              // a deal ratified (absorbing)
	StateCollapse                  // talks ended for good (absorbing)
)

// NumStates is the number of States.
const NumStates = 7

var stateNames = [NumStates]string{"no_talks", "back_channel", "front_channel", "both", "ratifying", "breakthrough", "collapse"}

// String returns the state's snake_case name, as in reports and CSV files.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ImpasseTimes returns the rounds of the first min(Impasses, MaxImpasses)
// impasses, a view of o.ImpasseRounds.
func (o *Outcome) ImpasseTimes() []int { return o.ImpasseRounds[:min(o.Impasses, MaxImpasses)] }

// Time returns the event time and cause code for survival analysis: the
// round of the terminal event and 1 (breakthrough) or 2 (collapse), or the
// horizon and 0 (censored) for an impasse.
func (o *Outcome) Time() (t int, cause int) { return o.Round, int(o.Kind) }

// Snapshot is the read-only state an Observer sees after each round. It is
// owned by the simulation and overwritten every round: copy what you keep.
type Snapshot struct {
	Round        int        // 1-based round just completed
	Channel      Channel    // channel at the end of the round
	Exposed      bool       // the secret channel is exposed
	Ratifying    bool       // a tentative deal awaits its vote
	Trust        [2]float64 // trust in the other side
	Approval     [2]float64 // leader approval
	Pressure     [2]float64 // audience pressure on the leader
	Attention    [2]float64 // audience attention
	Preparedness [2]float64 // constituency preparedness
	Hawkishness  [2]float64 // mean constituent opinion
	Mobilisation [2]float64 // maximum mobilisation among each side's spoilers
	Stated       [2]float64 // demands stated at the table
	Vote         Vote       // the ratification vote held this round (Vote.Held false if none)
}

// Vote describes a ratification vote (Putnam 1988; docs/MODEL.md §7.14):
// each voter of side i votes for the deal when its random utility
// Share[i] − x + bonus + Mood + T·ε is positive (bonus from the leader's cue,
// preparedness and surprise, ε its own logistic taste shock), and side i
// accepts when the share in favour reaches its threshold.
type Vote struct {
	Held     bool       // a vote was held
	Secret   bool       // the deal was sprung from secret talks
	Passed   bool       // both sides accepted
	Share    [2]float64 // each side's share of the deal
	Support  [2]float64 // share of voters in favour, mood included
	Mood     float64    // the common mood shock of the day
	Critical [2]float64 // the mood at which side i would just reach θ, given the voters' taste shocks (−Inf if θ = 0): side i accepts iff Mood ≥ Critical[i] (up to ties)
}

// Observer receives a snapshot after every round. It must not retain the
// pointer, and it cannot draw from the simulation's generators: attaching an
// observer never changes a replication.
type Observer interface {
	Observe(s *Snapshot)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(s *Snapshot)

// Observe implements Observer by calling f(s); a nil ObserverFunc (even
// inside a non-nil Observer) observes nothing.
func (f ObserverFunc) Observe(s *Snapshot) {
	if f != nil {
		f(s)
	}
}
