package metrics

import (
	"fmt"
	"math"
)

// RecurrentEvents accumulates histories of subjects that may experience an
// event repeatedly (event times in whole rounds) until they leave
// observation: by a terminal event of one of C causes, or by censoring at
// the horizon. For every order k = 1..MaxK it keeps an EventTable of the
// time to the k-th event, with the terminal events before the k-th event
// as competing risks, so that CumulativeIncidence gives the Aalen-Johansen
// cumulative incidence of the k-th event,
//
//	F_k(t) = P(T_k <= t, the k-th event comes before any terminal event)
//
// (Aalen and Johansen 1978; for the time to the k-th recurrent event with
// a terminal event as a competing risk, Cook and Lawless 2007, The
// Statistical Analysis of Recurrent Events, Springer, chapter 6).
//
// In the event table of order k, cause 1 is the k-th event, cause 1+c is
// terminal cause c (c = 1..C) and cause 0 is censoring. A subject with m
// events at times t_1 <= ... <= t_m that leaves observation at round end
// with terminal cause c (0 if censored) contributes, for each k:
//
//	(t_k, 1)    if k <= m                      (the k-th event)
//	(end, 1+c)  if k > m and c > 0             (a competing terminal event)
//	(end, 0)    if k > m and c = 0             (censored at end)
//
// Ties: several events may share a round (t_k = t_{k+1}); an event in the
// same round as the terminal event counts as happening before it, so a
// subject whose second event and terminal event fall in round 7 has its second
// event at 7. Nothing is counted after end.
//
// Memory is MaxK event tables of (horizon+1)·(C+2) integers, independent
// of the number of subjects; Add does not allocate. Merge is exact integer
// addition, so any split of the subjects into shards, merged in any order,
// gives an Equal accumulator and bit-identical estimates.
//
// The zero value is not usable; create one with NewRecurrentEvents. A
// RecurrentEvents is not safe for concurrent use.
type RecurrentEvents struct {
	maxK, causes, horizon int
	tables                []*EventTable // tables[k-1]: time to the k-th event
}

// NewRecurrentEvents returns an empty accumulator for the first maxK
// events, terminal causes 1..causes and rounds 0..horizon. It returns an
// error wrapping ErrDomain, naming the argument and its value, unless
// maxK >= 1, causes >= 1 and 0 <= horizon <= 1<<24.
func NewRecurrentEvents(maxK, causes, horizon int) (*RecurrentEvents, error) {
	switch {
	case maxK < 1 || maxK > 1<<10:
		return nil, fmt.Errorf("metrics: NewRecurrentEvents: maxK = %d, want [1, 1024]: %w", maxK, ErrDomain)
	case causes < 1 || causes > 1<<10:
		return nil, fmt.Errorf("metrics: NewRecurrentEvents: causes = %d, want [1, 1024]: %w", causes, ErrDomain)
	case horizon < 0 || horizon > 1<<24:
		return nil, fmt.Errorf("metrics: NewRecurrentEvents: horizon = %d, want [0, %d]: %w", horizon, 1<<24, ErrDomain)
	}
	r := &RecurrentEvents{maxK: maxK, causes: causes, horizon: horizon, tables: make([]*EventTable, maxK)}
	for k := range r.tables {
		r.tables[k], _ = NewEventTable(causes + 1)
		r.tables[k].Grow(horizon)
	}
	return r, nil
}

// MaxK returns the largest event order K the accumulator tracks.
func (r *RecurrentEvents) MaxK() int { return r.maxK }

// Causes returns the number C of terminal causes.
func (r *RecurrentEvents) Causes() int { return r.causes }

// Horizon returns the last round.
func (r *RecurrentEvents) Horizon() int { return r.horizon }

// N returns the number of subjects added.
func (r *RecurrentEvents) N() int { return r.tables[0].N() }

// checkHistory validates one subject's history for RecurrentEvents and
// MeanCount: event times non-decreasing in [0, end], end in [0, horizon].
func checkHistory(what string, times []int, end, horizon int) error {
	if end < 0 || end > horizon {
		return fmt.Errorf("metrics: %s: end = %d, want [0, %d]: %w", what, end, horizon, ErrDomain)
	}
	prev := 0
	for i, t := range times {
		if t < prev || t > end {
			return fmt.Errorf("metrics: %s: times[%d] = %d, want [%d, end = %d] (non-decreasing, nothing after end): %w", what, i, t, prev, end, ErrDomain)
		}
		prev = t
	}
	return nil
}

// Add records one subject: times are the rounds of its events, in
// non-decreasing order, all in [0, end]; end is the round at which it left
// observation, in [0, Horizon()]; cause is its terminal cause in 1..C, or
// 0 if it was censored at end (still event-free of any terminal cause at
// the horizon). Events beyond MaxK are ignored here (MeanCount counts
// them). Add returns an error wrapping ErrDomain that names the argument
// and its value, and records nothing, if the history is invalid. It does
// not allocate.
func (r *RecurrentEvents) Add(times []int, end, cause int) error {
	if err := checkHistory("RecurrentEvents.Add", times, end, r.horizon); err != nil {
		return err
	}
	if cause < 0 || cause > r.causes {
		return fmt.Errorf("metrics: RecurrentEvents.Add: cause = %d, want [0, %d]: %w", cause, r.causes, ErrDomain)
	}
	for k, et := range r.tables {
		switch {
		case k < len(times):
			_ = et.Add(times[k], 1)
		case cause > 0:
			_ = et.Add(end, 1+cause)
		default:
			_ = et.Add(end, 0)
		}
	}
	return nil
}

// Table returns a copy of the event table of the time to the k-th event
// (cause 1: the k-th event; cause 1+c: terminal cause c first; 0:
// censored). It panics if k is outside 1..MaxK().
func (r *RecurrentEvents) Table(k int) *EventTable {
	r.checkK(k)
	et, _ := NewEventTable(r.causes + 1)
	_ = et.Merge(r.tables[k-1])
	return et
}

func (r *RecurrentEvents) checkK(k int) {
	if k < 1 || k > r.maxK {
		panic(fmt.Sprintf("metrics: event order k = %d outside 1..%d", k, r.maxK))
	}
}

// Merge adds the subjects of o to r. Both must have the same MaxK, causes
// and horizon, otherwise Merge returns an error wrapping ErrMismatch and r
// is unchanged.
func (r *RecurrentEvents) Merge(o *RecurrentEvents) error {
	if r.maxK != o.maxK || r.causes != o.causes || r.horizon != o.horizon {
		return fmt.Errorf("metrics: merge RecurrentEvents (maxK, causes, horizon) = (%d, %d, %d) and (%d, %d, %d): %w",
			r.maxK, r.causes, r.horizon, o.maxK, o.causes, o.horizon, ErrMismatch)
	}
	for k, et := range r.tables {
		_ = et.Merge(o.tables[k])
	}
	return nil
}

// Reset removes every subject, keeping the shape and the storage.
func (r *RecurrentEvents) Reset() {
	for _, et := range r.tables {
		et.Reset()
	}
}

// Equal reports whether r and o have the same shape and hold the same
// counts.
func (r *RecurrentEvents) Equal(o *RecurrentEvents) bool {
	if r.maxK != o.maxK || r.causes != o.causes || r.horizon != o.horizon {
		return false
	}
	for k, et := range r.tables {
		if !et.Equal(o.tables[k]) {
			return false
		}
	}
	return true
}

// KthEvent summarises the time to the k-th event: its Aalen-Johansen
// cumulative incidence with terminal events competing, the median time
// and the probability of the k-th event by the horizon.
type KthEvent struct {
	K int
	// Incidence is the Aalen-Johansen estimate from the table of order K:
	// Incidence.Cause(1) is the cumulative incidence of the K-th event,
	// Incidence.Cause(1+c) that of terminal cause c before the K-th event.
	Incidence *CompetingRisks
	// Median is the first round at which the cumulative incidence of the
	// K-th event reaches 1/2, with the interval read off the pointwise
	// limits (see RecurrentEvents.Kth); NaN where not reached.
	Median TimeQuantile
	// ByHorizon is P(K-th event by the horizon) with its standard error
	// and interval.
	ByHorizon Estimate
	// Complete reports that no subject was censored before the horizon
	// without its K-th event; ByHorizon is then the binomial proportion
	// with a Wilson interval (see RecurrentEvents.Kth).
	Complete bool
	N        int // number of subjects
}

// Estimate is a point estimate with its standard error, confidence
// interval and sample size.
type Estimate struct {
	Value    float64
	SE       float64
	Interval Interval
	N        int
}

// Kth returns the summary of the time to the k-th event at confidence
// level conf, with pointwise intervals of transformation ci (R survival's
// default for cumulative incidence is Log).
//
// The median is the p = 1/2 quantile of the improper distribution of T_k:
// the smallest round t with F_k(t) >= 1/2, located as SurvivalCurve.Quantile
// does (R survival's findq, including the midpoint rule on a flat stretch
// at exactly 1/2) on 1 - F_k; its interval is the set of rounds whose
// pointwise interval for F_k contains 1/2 (Brookmeyer and Crowley 1982):
// the lower limit where the upper pointwise limit first reaches 1/2, the
// upper limit where the lower pointwise limit does. Limits not reached by
// the horizon are NaN.
//
// P(k-th event by the horizon) is F_k at the horizon. With complete
// follow-up (every subject without a k-th event had a terminal event or
// reached the horizon) the Aalen-Johansen estimate reduces to the
// proportion m/n of subjects with at least k events, so Kth reports m/n
// with its binomial SE and the Wilson interval at conf, which, unlike the
// transformed pointwise interval, is defined at 0 and 1. Otherwise it
// reports F_k, its infinitesimal-jackknife SE and the pointwise interval
// at the last event round.
//
// Kth returns an error wrapping ErrNoData if no subject was added and one
// wrapping ErrDomain for a bad conf or ci; it panics if k is outside
// 1..MaxK().
func (r *RecurrentEvents) Kth(k int, conf float64, ci CIType) (KthEvent, error) {
	r.checkK(k)
	et := r.tables[k-1]
	cr, err := CumulativeIncidence(et, conf, ci)
	if err != nil {
		return KthEvent{}, fmt.Errorf("metrics: time to event %d: %w", k, err)
	}
	f := cr.Cause(1)
	out := KthEvent{K: k, Incidence: cr, N: et.N()}
	maxT := et.MaxTime()
	oneMinus := func(v []float64) []float64 {
		s := make([]float64, len(v))
		for i, x := range v {
			s[i] = 1 - x
		}
		return s
	}
	out.Median = TimeQuantile{
		P:     0.5,
		Value: findq(f.T, oneMinus(f.F), 0.5, maxT),
		Interval: Interval{
			Lo:    findq(f.T, oneMinus(f.Hi), 0.5, maxT),
			Hi:    findq(f.T, oneMinus(f.Lo), 0.5, maxT),
			Level: conf,
		},
		N: et.N(),
	}
	early := 0
	for t := 0; t < r.horizon; t++ {
		early += et.Count(t, 0)
	}
	m := 0
	for t := 0; t <= r.horizon; t++ {
		m += et.Count(t, 1)
	}
	n := et.N()
	if early == 0 {
		out.Complete = true
		iv, err := Wilson(m, n, conf)
		if err != nil {
			return KthEvent{}, err
		}
		p := Proportion{K: m, N: n}
		out.ByHorizon = Estimate{Value: p.P(), SE: p.SE(), Interval: iv, N: n}
		return out, nil
	}
	out.ByHorizon = Estimate{Value: 0, SE: 0, Interval: Interval{Lo: math.NaN(), Hi: math.NaN(), Level: conf}, N: n}
	if last := len(f.T) - 1; last >= 0 {
		out.ByHorizon = Estimate{Value: f.F[last], SE: f.SE[last], Interval: Interval{Lo: f.Lo[last], Hi: f.Hi[last], Level: conf}, N: n}
	}
	return out, nil
}

// KthEventBy reports whether a subject with event rounds times (in
// non-decreasing order) had its k-th event by round t, that is
// len(times) >= k and times[k-1] <= t. It is the indicator whose paired
// difference between two arms run on common random numbers estimates the
// difference of the cumulative incidences F_k(t) of the two arms: with
// complete follow-up to round t, F_k(t) is the proportion of subjects
// with KthEventBy true, so feeding the pairs (KthEventBy(timesA, k, t),
// KthEventBy(timesB, k, t)) of every subject to PairedTable.Add and
// calling PairedDifference gives the difference with its paired SE and
// Newcombe interval. It panics if k < 1.
func KthEventBy(times []int, k, t int) bool {
	if k < 1 {
		panic(fmt.Sprintf("metrics: KthEventBy: k = %d, want >= 1", k))
	}
	return len(times) >= k && times[k-1] <= t
}
