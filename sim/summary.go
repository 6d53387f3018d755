package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/backchannel-sim/backchannel/metrics"
)

// StudySummary accumulates a study's outcomes per arm. Every accumulator
// is exact (integer counts, exact sums), so shards merge bit-identically.
type StudySummary struct {
	Arms []*ArmSummary
	// Paired[k] compares arm k with arm 0 on the same replications
	// (Paired[0] is empty).
	Paired []PairedCounts
	// PairRounds are the rounds at which PairedCounts.Impasse compares the
	// arms: one, two and five years (52, 104, 260) within the shortest horizon, and that horizon
	// (nil in a sweep's summary).
	PairRounds []int `json:",omitempty"`
}

// PairedCounts are the 2×2 tables of breakthrough and of collapse (by the
// horizon) for an arm against the reference arm 0, and of the k-th impasse
// by each of the summary's PairRounds.
type PairedCounts struct {
	Breakthrough metrics.PairedTable
	Collapse     metrics.PairedTable
	// Impasse[k-1][i] is the table of "k-th impasse by round
	// PairRounds[i]" (metrics.KthEventBy), this arm first (nil in a
	// sweep's summary and for arm 0).
	Impasse [MaxImpasses][]metrics.PairedTable `json:",omitempty"`
}

// ArmSummary accumulates one arm.
type ArmSummary struct {
	Kinds  [3]int64            // replications by Kind
	Events *metrics.EventTable // (round, cause) for survival and competing risks
	// Counts holds, per replication, the number of events of each kind.
	Counts Counts[*metrics.IntHistogram]
	// Values holds outcome values at the end of each replication (Split
	// only for breakthroughs).
	Values Values[*metrics.Moments]
	// Votes on deals from secret and public talks.
	SecretVotes, SecretPasses, PublicVotes, PublicPasses int64
	// Per-round bands among replications still undecided at that round
	// (nil without trajectories).
	Trust, Pressure, Mobilisation *metrics.Bands

	// Repeated impasse over time (docs/MODEL.md §7.18), nil in a sweep's
	// summary. Impasse holds the times to the k-th impasse, k = 1..
	// MaxImpasses, with breakthrough (cause 1) and collapse (cause 2)
	// competing; ImpasseCount and ChannelCount the cumulative numbers of
	// impasses and of back channels opened by each round; States the
	// State of every replication at every round 0..horizon (round 0:
	// before the first round), breakthrough and collapse carried forward.
	Impasse                    *metrics.RecurrentEvents
	ImpasseCount, ChannelCount *metrics.MeanCount
	States                     *metrics.Occupancy
}

// Counts holds one T per event count of an Outcome: an accumulator in
// ArmSummary, an estimate in ArmReport. Fields are in JSON (alphabetical)
// order.
type Counts[T any] struct {
	Attacks             T `json:"attacks"`              // Outcome.Attacks
	BackChannels        T `json:"back_channels"`        // Outcome.BackChannels
	Breakdowns          T `json:"breakdowns"`           // Outcome.Breakdowns
	FailedRatifications T `json:"failed_ratifications"` // Outcome.FailedRatifications
	Gestures            T `json:"gestures"`             // Outcome.Gestures
	Leaks               T `json:"leaks"`                // Outcome.Leaks
}

// Values holds one T per outcome value, each the mean over the two
// parties where an Outcome has one per party: an accumulator in
// ArmSummary, an estimate in ArmReport. Fields are in JSON (alphabetical)
// order.
type Values[T any] struct {
	Approval     T `json:"approval"`     // mean of Outcome.Approval
	Hawkishness  T `json:"hawkishness"`  // mean of Outcome.Hawkishness
	Polarisation T `json:"polarisation"` // mean of Outcome.Polarisation
	Split        T `json:"split"`        // Outcome.Split, breakthroughs only
	Trust        T `json:"trust"`        // mean of Outcome.Trust
}

// All returns pointers to the fields of c, in field order.
func (c *Counts[T]) All() [6]*T {
	return [6]*T{&c.Attacks, &c.BackChannels, &c.Breakdowns, &c.FailedRatifications, &c.Gestures, &c.Leaks}
}

// All returns pointers to the fields of v, in field order.
func (v *Values[T]) All() [5]*T {
	return [5]*T{&v.Approval, &v.Hawkishness, &v.Polarisation, &v.Split, &v.Trust}
}

// countsOf returns the event counts of o.
func countsOf(o *Outcome) Counts[int] {
	return Counts[int]{Attacks: o.Attacks, BackChannels: o.BackChannels, Breakdowns: o.Breakdowns,
		FailedRatifications: o.FailedRatifications, Gestures: o.Gestures, Leaks: o.Leaks}
}

// valuesOf returns the outcome values of o; Split is NaN unless o is a
// breakthrough.
func valuesOf(o *Outcome) Values[float64] {
	v := Values[float64]{
		Approval:     (o.Approval[0] + o.Approval[1]) / 2,
		Hawkishness:  (o.Hawkishness[0] + o.Hawkishness[1]) / 2,
		Polarisation: (o.Polarisation[0] + o.Polarisation[1]) / 2,
		Split:        math.NaN(),
		Trust:        (o.Trust[0] + o.Trust[1]) / 2,
	}
	if o.Kind == Breakthrough {
		v.Split = o.Split
	}
	return v
}

// checkOutcome returns an error naming the first value of o, or of its
// trajectory, that StudySummary.Add cannot accept: a negative count, a
// non-finite value, a time outside [0, horizon] or a trajectory value
// outside [0, 1]. The study's replicator fails such a replication (it is
// then reported in mc.RunResult.Failures) instead of letting the value
// vanish from the summary.
func checkOutcome(o *Outcome, traj []trajPoint, horizon int) error {
	if t, _ := o.Time(); t < 0 || t > horizon {
		return fmt.Errorf("outcome time %d outside [0, %d]", t, horizon)
	}
	c := countsOf(o)
	for i, p := range c.All() {
		if *p < 0 {
			return fmt.Errorf("count %s = %d, want ≥ 0", countNames[i], *p)
		}
	}
	v := valuesOf(o)
	for i, p := range v.All() {
		if p == &v.Split && o.Kind != Breakthrough {
			continue
		}
		if math.IsNaN(*p) || math.IsInf(*p, 0) {
			return fmt.Errorf("value %s = %v, want a finite number", valueNames[i], *p)
		}
	}
	for r, tp := range traj {
		for _, x := range [...]struct {
			name string
			v    float64
		}{{"trust", tp.trust}, {"mobilisation", tp.mobilisation}} {
			if !(x.v >= 0 && x.v <= 1) {
				return fmt.Errorf("round %d: %s = %v, want in [0, 1]", r+1, x.name, x.v)
			}
		}
		if math.IsNaN(tp.pressure) {
			return fmt.Errorf("round %d: pressure = NaN", r+1)
		}
	}
	return nil
}

// Names of the fields of Counts and Values in errors, in field order.
var (
	countNames = [6]string{"attacks", "back_channels", "breakdowns", "failed_ratifications", "gestures", "leaks"}
	valueNames = [5]string{"approval", "hawkishness", "polarisation", "split", "trust"}
)

// NewStudySummary returns an empty summary for s.
func (s *Study) NewStudySummary() *StudySummary { return s.newSummary(true) }

// newSummary returns an empty summary for s, with the repeated-impasse
// accumulators if impasse is set. A sweep's summary has none: its design
// points may change the horizon, which they are sized for.
func (s *Study) newSummary(impasse bool) *StudySummary {
	ss := &StudySummary{Paired: make([]PairedCounts, len(s.Arms))}
	if impasse {
		h := s.Arms[0].Scenario.Horizon
		for _, a := range s.Arms {
			h = min(h, a.Scenario.Horizon)
		}
		ss.PairRounds = milestones(h)
	}
	for i, a := range s.Arms {
		et, err := metrics.NewEventTable(2)
		if err != nil {
			panic(err) // 2 causes is always valid
		}
		et.Grow(a.Scenario.Horizon)
		as := &ArmSummary{Events: et}
		for _, p := range as.Counts.All() {
			*p = &metrics.IntHistogram{}
		}
		for _, p := range as.Values.All() {
			*p = &metrics.Moments{}
		}
		if s.Trajectories {
			mk := func() *metrics.Bands {
				b, err := metrics.NewBands(a.Scenario.Horizon, 0, 1, TrajectoryBins)
				if err != nil {
					panic(err)
				}
				return b
			}
			as.Trust, as.Pressure, as.Mobilisation = mk(), mk(), mk()
		}
		if impasse {
			h := a.Scenario.Horizon
			var errs [5]error
			as.Impasse, errs[0] = metrics.NewRecurrentEvents(MaxImpasses, 2, h)
			as.ImpasseCount, errs[1] = metrics.NewMeanCount(h)
			as.ChannelCount, errs[2] = metrics.NewMeanCount(h)
			as.States, errs[3] = metrics.NewOccupancy(h, NumStates)
			if err := errors.Join(errs[:]...); err != nil {
				panic("sim: " + err.Error()) // a valid scenario's horizon fits every accumulator
			}
			if i > 0 {
				for k := range ss.Paired[i].Impasse {
					ss.Paired[i].Impasse[k] = make([]metrics.PairedTable, len(ss.PairRounds))
				}
			}
		}
		ss.Arms = append(ss.Arms, as)
	}
	return ss
}

// must panics with err, which an accumulator returned for a value the
// study's replicator should have refused (see checkOutcome).
func must(err error) {
	if err != nil {
		panic("sim: StudySummary.Add: " + err.Error())
	}
}

// Add implements mc.Summary. The study's replicator fails a replication
// whose outcome an accumulator would refuse (a negative count, a
// non-finite value, a trajectory value outside [0, 1]), so such values
// are reported in mc.RunResult.Failures instead of vanishing; Add panics if
// given one directly.
func (ss *StudySummary) Add(rep uint64, r RepOutcome) {
	for a, o := range r.Arms {
		as := ss.Arms[a]
		as.Kinds[o.Kind]++
		t, c := o.Time()
		must(as.Events.Add(t, int(c)))
		counts := countsOf(&o)
		hs := as.Counts.All()
		for i, n := range counts.All() {
			must((*hs[i]).Add(*n))
		}
		vals := valuesOf(&o)
		ms := as.Values.All()
		for i, v := range vals.All() {
			if v == &vals.Split && o.Kind != Breakthrough {
				continue
			}
			must((*ms[i]).Add(*v))
		}
		as.SecretVotes += int64(o.SecretVotes)
		as.SecretPasses += int64(o.SecretPasses)
		as.PublicVotes += int64(o.PublicVotes)
		as.PublicPasses += int64(o.PublicPasses)
		if as.Trust != nil && r.traj != nil {
			for i, p := range r.traj[a] {
				must(as.Trust.Add(i+1, p.trust))
				must(as.Pressure.Add(i+1, min(max(p.pressure, 0), 1)))
				must(as.Mobilisation.Add(i+1, p.mobilisation))
			}
		}
		if as.Impasse != nil && r.track != nil {
			k := r.track[a]
			must(as.Impasse.Add(k.impasses, o.Round, int(o.Kind)))
			must(as.ImpasseCount.Add(k.impasses, o.Round))
			must(as.ChannelCount.Add(k.opened, o.Round))
			must(as.States.Add(k.states))
		}
		if a > 0 {
			o0 := &r.Arms[0]
			ss.Paired[a].Breakthrough.Add(o.Kind == Breakthrough, o0.Kind == Breakthrough)
			ss.Paired[a].Collapse.Add(o.Kind == Collapse, o0.Kind == Collapse)
			if ss.Paired[a].Impasse[0] != nil && r.track != nil {
				ta, t0 := r.track[a].impasses, r.track[0].impasses
				for k := range MaxImpasses {
					for i, t := range ss.PairRounds {
						ss.Paired[a].Impasse[k][i].Add(metrics.KthEventBy(ta, k+1, t), metrics.KthEventBy(t0, k+1, t))
					}
				}
			}
		}
	}
}

// Merge implements mc.Summary; it is exact.
func (ss *StudySummary) Merge(o *StudySummary) error {
	if len(o.Arms) != len(ss.Arms) {
		return fmt.Errorf("sim: merge summaries of %d and %d arms", len(ss.Arms), len(o.Arms))
	}
	for a, x := range ss.Arms {
		y := o.Arms[a]
		for k := range x.Kinds {
			x.Kinds[k] += y.Kinds[k]
		}
		if err := x.Events.Merge(y.Events); err != nil {
			return err
		}
		yc, yv := y.Counts.All(), y.Values.All()
		for i, h := range x.Counts.All() {
			(*h).Merge(*yc[i])
		}
		for i, m := range x.Values.All() {
			(*m).Merge(*yv[i])
		}
		x.SecretVotes += y.SecretVotes
		x.SecretPasses += y.SecretPasses
		x.PublicVotes += y.PublicVotes
		x.PublicPasses += y.PublicPasses
		if (x.Trust == nil) != (y.Trust == nil) {
			return errors.New("sim: merge summaries with and without trajectories")
		}
		if x.Trust != nil {
			for _, p := range [][2]*metrics.Bands{{x.Trust, y.Trust}, {x.Pressure, y.Pressure}, {x.Mobilisation, y.Mobilisation}} {
				if err := p[0].Merge(p[1]); err != nil {
					return err
				}
			}
		}
		if err := mergeImpasse(x, y); err != nil {
			return err
		}
		ss.Paired[a].Breakthrough.Merge(o.Paired[a].Breakthrough)
		ss.Paired[a].Collapse.Merge(o.Paired[a].Collapse)
		for k, ts := range ss.Paired[a].Impasse {
			if len(ts) != len(o.Paired[a].Impasse[k]) {
				return errors.New("sim: merge summaries with different paired impasse rounds")
			}
			for i := range ts {
				ts[i].Merge(o.Paired[a].Impasse[k][i])
			}
		}
	}
	return nil
}

// mergeImpasse merges the repeated-impasse accumulators of y into x.
func mergeImpasse(x, y *ArmSummary) error {
	if (x.Impasse == nil) != (y.Impasse == nil) {
		return errors.New("sim: merge summaries with and without repeated impasse")
	}
	if x.Impasse == nil {
		return nil
	}
	if err := x.Impasse.Merge(y.Impasse); err != nil {
		return err
	}
	if err := x.ImpasseCount.Merge(y.ImpasseCount); err != nil {
		return err
	}
	if err := x.ChannelCount.Merge(y.ChannelCount); err != nil {
		return err
	}
	return x.States.Merge(y.States)
}

// Reset implements mc.Summary.
func (ss *StudySummary) Reset() {
	for a, x := range ss.Arms {
		x.Kinds = [3]int64{}
		x.Events.Reset()
		for _, h := range x.Counts.All() {
			(*h).Reset()
		}
		for _, m := range x.Values.All() {
			(*m).Reset()
		}
		x.SecretVotes, x.SecretPasses, x.PublicVotes, x.PublicPasses = 0, 0, 0, 0
		if x.Trust != nil {
			x.Trust.Reset()
			x.Pressure.Reset()
			x.Mobilisation.Reset()
		}
		if x.Impasse != nil {
			x.Impasse.Reset()
			x.ImpasseCount.Reset()
			x.ChannelCount.Reset()
			x.States.Reset()
		}
		p := &ss.Paired[a]
		p.Breakthrough, p.Collapse = metrics.PairedTable{}, metrics.PairedTable{}
		for _, ts := range p.Impasse {
			clear(ts)
		}
	}
}

// Equal reports whether two summaries hold the same information, by
// comparing their exact encodings (every accumulator of package metrics
// encodes canonically, so equal information gives equal bytes whatever
// the order of additions and merges, and different information different
// bytes).
func (ss *StudySummary) Equal(o *StudySummary) bool {
	a, err := json.Marshal(ss)
	if err != nil {
		return false
	}
	b, err := json.Marshal(o)
	return err == nil && bytes.Equal(a, b)
}
