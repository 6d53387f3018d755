package main

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// The study summary counts back channels per replication but not what each
// one achieved. To see the returns of the k-th back channel as they emerge
// (model 2.0.0 imposes no curve on them), the study replays some levels with an observer that follows the
// channels round by round, through the library's generic runner (mc.Run
// with our own Replicator and Summary). Replication i is seeded exactly as in
// the study (sim.Replication.Run from the same generator), so the traced
// replications are the study's own; the trace checks that their outcomes
// agree.

// maxTraceK is the largest channel index traced; later channels are not.
const maxTraceK = 12

// countingPolicy is sim.Reliance that also records the index of the
// current back channel: the policy sees View.BackChannels whenever it is
// asked (at every opening, after every exposure and every round of talks),
// and it knows when its own choice opens a new back channel. It draws
// exactly what Reliance draws, so replications are unchanged (the trace
// checks this against the study's outcomes).
type countingPolicy struct {
	sim.Reliance
	k *int
}

// Choose implements sim.Policy.
func (p countingPolicy) Choose(v *sim.View) sim.Channel {
	c := p.Reliance.Choose(v)
	k := v.BackChannels
	if v.Channel == sim.Closed && (c == sim.Back || c == sim.Parallel) {
		k++ // an opening or an exposure: Back always opens a fresh back channel
	}
	*p.k = k
	return c
}

// chanObserver follows the back channels of one replication: after each
// round it reads the current back channel's index from the policy and
// attributes the round, and any tentative deal struck in it (the start of a
// ratification period), to that channel.
type chanObserver struct {
	k         *int // set by the countingPolicy
	prev      sim.Snapshot
	dealInK   [maxTraceK + 1]bool
	secretIn  [maxTraceK + 1]bool // the deal was struck while channel k was still secret
	roundsInK [maxTraceK + 1]int
}

func (c *chanObserver) reset() {
	k := c.k
	*c = chanObserver{k: k}
	*k = 0
}

func secretCh(ch sim.Channel) bool { return ch == sim.Back || ch == sim.Parallel }

// Observe implements sim.Observer.
func (c *chanObserver) Observe(s *sim.Snapshot) {
	defer func() { c.prev = *s }()
	k := *c.k
	if k < 1 || k > maxTraceK {
		return
	}
	if secretCh(s.Channel) && !s.Ratifying {
		c.roundsInK[k]++
	}
	if s.Ratifying && !c.prev.Ratifying && secretCh(s.Channel) {
		c.dealInK[k] = true
		c.secretIn[k] = !c.prev.Exposed
	}
}

// chanTrace is what one traced replication contributes.
type chanTrace struct {
	out      sim.Outcome
	opened   int // back channels detected
	dealInK  [maxTraceK + 1]bool
	secretIn [maxTraceK + 1]bool
	rounds   [maxTraceK + 1]int
}

// traceRep is one worker's replicator.
type traceRep struct {
	rep *sim.Replication
	obs chanObserver
}

func (t *traceRep) Replicate(_ uint64, rng *rand.Rand) (chanTrace, error) {
	t.obs.reset()
	o := t.rep.Run(rng, &t.obs)
	return chanTrace{out: o, opened: *t.obs.k, dealInK: t.obs.dealInK, secretIn: t.obs.secretIn, rounds: t.obs.roundsInK}, nil
}

// traceSummary accumulates, per channel index k, the channels opened, those
// that produced a tentative deal (and of those, deals struck while the
// channel was still secret), and the rounds of talks spent in them.
type traceSummary struct {
	Opened, Deals, SecretDeals, Rounds [maxTraceK + 1]int64
	Reps, Mismatch                     int64
}

func (s *traceSummary) Add(_ uint64, t chanTrace) {
	s.Reps++
	if t.opened != t.out.BackChannels {
		s.Mismatch++
	}
	for k := 1; k <= min(t.opened, maxTraceK); k++ {
		s.Opened[k]++
	}
	for k := 1; k <= maxTraceK; k++ {
		s.Rounds[k] += int64(t.rounds[k])
		if t.dealInK[k] {
			s.Deals[k]++
			if t.secretIn[k] {
				s.SecretDeals[k]++
			}
		}
	}
}

func (s *traceSummary) Merge(o *traceSummary) error {
	for k := range s.Opened {
		s.Opened[k] += o.Opened[k]
		s.Deals[k] += o.Deals[k]
		s.SecretDeals[k] += o.SecretDeals[k]
		s.Rounds[k] += o.Rounds[k]
	}
	s.Reps += o.Reps
	s.Mismatch += o.Mismatch
	return nil
}

func (s *traceSummary) Reset() { *s = traceSummary{} }

// channelReturn is the return of the k-th back channel at one level.
type channelReturn struct {
	P          float64
	K          int
	Opened     int64
	Deals      int64 // channels k that produced a tentative deal
	Share      sim.Estimate
	PerYear    float64 // tentative deals per 52 rounds of talks in channel k
	MeanRounds float64 // mean rounds of talks in channel k, per channel opened
}

// traceChannels replays reps replications of the study's level P with the
// channel observer and returns the per-channel returns and the share of
// replications whose detected channel count differs from the outcome's.
// want, if not nil, holds the study's outcomes at this level by
// replication; a traced replication that ends differently is an error.
func traceChannels(ctx context.Context, sc *sim.Scenario, p float64, seed uint64, reps, workers int, want func(i int) sim.Outcome) ([]channelReturn, float64, error) {
	res, err := mc.Run(ctx, mc.RunConfig{Seed: seed, Replications: reps, Workers: workers, KeepOutcomes: want != nil},
		func() (mc.Replicator[chanTrace], error) {
			k := new(int)
			r, err := sim.NewReplication(sc, countingPolicy{Reliance: sim.Reliance{P: p}, k: k})
			if err != nil {
				return nil, err
			}
			return &traceRep{rep: r, obs: chanObserver{k: k}}, nil
		}, func() *traceSummary { return &traceSummary{} })
	if err != nil {
		return nil, 0, err
	}
	for i, t := range res.Outcomes {
		if w := want(i); w.Kind != t.out.Kind || w.Round != t.out.Round || w.BackChannels != t.out.BackChannels {
			return nil, 0, fmt.Errorf("channel trace at P=%g: replication %d ended %v at %d, the study's %v at %d", p, i, t.out.Kind, t.out.Round, w.Kind, w.Round)
		}
	}
	s := res.Summary
	var out []channelReturn
	for k := 1; k <= maxTraceK && s.Opened[k] > 0; k++ {
		c := channelReturn{P: p, K: k, Opened: s.Opened[k], Deals: s.Deals[k]}
		c.Share = estimate(int(c.Deals), int(c.Opened))
		c.MeanRounds = float64(s.Rounds[k]) / float64(s.Opened[k])
		if s.Rounds[k] > 0 {
			c.PerYear = 52 * float64(s.Deals[k]) / float64(s.Rounds[k])
		}
		out = append(out, c)
	}
	if s.Reps == 0 {
		return nil, 0, fmt.Errorf("channel trace at P=%g: no replications", p)
	}
	return out, float64(s.Mismatch) / float64(s.Reps), nil
}
