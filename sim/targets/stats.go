package targets

import (
	"fmt"
	"sort"

	"github.com/backchannel-sim/backchannel/sim"
)

// This file is the whole mapping from the model's per-replication Outcome to
// the summary statistics that targets name: adapting the targets to a new
// model version means editing stats (and nothing else).

// Statistic describes one summary statistic a target can name.
type Statistic struct {
	// Name is the value of Target.Statistic.
	Name string
	// Doc says what the statistic is, per replication and aggregated.
	Doc string
	// Window is true if the statistic needs Target.Window (weeks).
	Window bool
	// Side is true if the statistic reads one side's value (Target.Side).
	Side bool
	// Proportion is true if the statistic is a share in [0, 1].
	Proportion bool
	// Conditional is true if the summary is a mean over only the
	// replications where the value is defined (see Doc).
	Conditional bool

	// value returns the per-replication value of o, and whether it is
	// defined for o (always true unless Conditional).
	value func(o *sim.Outcome, t *Target) (float64, bool)
}

// stats holds the statistics by name. Every time statistic is a restricted
// mean (Royston and Parmar 2013): a replication whose event did not happen
// within Window weeks contributes Window, which is exact because the model's
// breakthrough and collapse are terminal and an impasse runs to the horizon
// (Bind checks Window ≤ horizon), so no replication is censored before Window.
var stats = map[string]Statistic{
	"breakthrough": {Doc: "1 if the replication ended in a ratified deal (Breakthrough); summary: the share of replications", Proportion: true,
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return b2f(o.Kind == sim.Breakthrough), true }},
	"collapse": {Doc: "1 if the talks collapsed for good; summary: the share of replications", Proportion: true,
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return b2f(o.Kind == sim.Collapse), true }},
	"time_to_talks": {Doc: "weeks from round 0 to the first talks (Outcome.FirstTalks), Window if later or never; summary: the restricted mean", Window: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			if o.FirstTalks > 0 && o.FirstTalks <= t.Window {
				return float64(o.FirstTalks), true
			}
			return float64(t.Window), true
		}},
	"time_to_deal": {Doc: "weeks from round 0 to the ratified deal, Window if later or never; summary: the restricted mean", Window: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			if o.Kind == sim.Breakthrough && o.Round <= t.Window {
				return float64(o.Round), true
			}
			return float64(t.Window), true
		}},
	"talks_to_deal": {Doc: "weeks from the first talks to the ratified deal, Window if later or never (no talks counts as never); summary: the restricted mean", Window: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			if o.Kind == sim.Breakthrough && o.FirstTalks > 0 && o.Round-o.FirstTalks <= t.Window {
				return float64(o.Round - o.FirstTalks), true
			}
			return float64(t.Window), true
		}},
	"deal_within": {Doc: "1 if a deal was ratified within Window weeks of the first talks; summary: the share of replications", Window: true, Proportion: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			return b2f(o.Kind == sim.Breakthrough && o.FirstTalks > 0 && o.Round-o.FirstTalks <= t.Window), true
		}},
	"leaked": {Doc: "1 if a secret channel was exposed by a leak before the replication ended (at the deal, the collapse or the horizon); summary: the share of replications", Proportion: true,
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return b2f(o.Leaks > 0), true }},
	"attacked_within": {Doc: "1 if a spoiler attack happened within Window weeks of round 0; summary: the share of replications", Window: true, Proportion: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			return b2f(o.FirstAttack > 0 && o.FirstAttack <= t.Window), true
		}},
	"attacks": {Doc: "spoiler attacks in the replication; summary: the mean",
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return float64(o.Attacks), true }},
	"failed_votes": {Doc: "ratification votes that failed on at least one side; summary: the mean",
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return float64(o.FailedRatifications), true }},
	"back_channels": {Doc: "back channels opened; summary: the mean",
		value: func(o *sim.Outcome, _ *Target) (float64, bool) { return float64(o.BackChannels), true }},
	"vote_support": {Doc: "the share of side Side's constituents accepting the deal at the last ratification vote (Outcome.VoteSupport); summary: the mean over the replications that held a vote, 0 if none did", Side: true, Proportion: true, Conditional: true,
		value: func(o *sim.Outcome, t *Target) (float64, bool) {
			if o.SecretVotes+o.PublicVotes == 0 {
				return 0, false
			}
			return o.VoteSupport[t.Side], true
		}},
}

func init() {
	for name, s := range stats {
		s.Name = name
		stats[name] = s
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Statistics returns the statistics a target can name, sorted by name.
func Statistics() []Statistic {
	out := make([]Statistic, 0, len(stats))
	for _, s := range stats {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func statNames() string {
	var names []string
	for _, s := range Statistics() {
		names = append(names, s.Name)
	}
	return fmt.Sprint(names)
}
