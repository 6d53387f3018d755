package metrics

import (
	"encoding/json"
	"fmt"
	"math"
)

// Exact JSON encodings of RecurrentEvents, MeanCount and Occupancy, under
// the conventions of encoding.go: integers only, canonical (trailing empty
// cells dropped), checked on decoding, receiver unchanged on error.

type recurrentEventsJSON struct {
	MaxK    int           `json:"max_k"`
	Causes  int           `json:"causes"`
	Horizon int           `json:"horizon"`
	Tables  []*EventTable `json:"tables"`
}

// MarshalJSON implements json.Marshaler: {"max_k": K, "causes": C,
// "horizon": H, "tables": [...]} with tables[k-1] the EventTable (C+1
// causes, encoded as EventTable) of the time to the k-th event.
func (r RecurrentEvents) MarshalJSON() ([]byte, error) {
	return json.Marshal(recurrentEventsJSON{MaxK: r.maxK, Causes: r.causes, Horizon: r.horizon, Tables: r.tables})
}

// UnmarshalJSON implements json.Unmarshaler. The shape must be valid for
// NewRecurrentEvents, with one table per order, each with causes+1
// causes, times within the horizon and the same number of subjects.
func (r *RecurrentEvents) UnmarshalJSON(b []byte) error {
	var w recurrentEventsJSON
	if err := strictUnmarshal(b, &w); err != nil {
		return fmt.Errorf("metrics: RecurrentEvents: %w", err)
	}
	nr, err := NewRecurrentEvents(w.MaxK, w.Causes, w.Horizon)
	if err != nil {
		return err
	}
	if len(w.Tables) != w.MaxK {
		return fmt.Errorf("metrics: RecurrentEvents: %d tables, max_k = %d: %w", len(w.Tables), w.MaxK, ErrDomain)
	}
	for k, et := range w.Tables {
		switch {
		case et == nil:
			return fmt.Errorf("metrics: RecurrentEvents: table %d is null: %w", k+1, ErrDomain)
		case et.causes != w.Causes+1:
			return fmt.Errorf("metrics: RecurrentEvents: table %d has %d causes, want %d: %w", k+1, et.causes, w.Causes+1, ErrDomain)
		case et.MaxTime() > w.Horizon:
			return fmt.Errorf("metrics: RecurrentEvents: table %d has time %d beyond horizon %d: %w", k+1, et.MaxTime(), w.Horizon, ErrDomain)
		case et.n != w.Tables[0].n:
			return fmt.Errorf("metrics: RecurrentEvents: table %d has n = %d, table 1 has %d: %w", k+1, et.n, w.Tables[0].n, ErrDomain)
		}
		_ = nr.tables[k].Merge(et)
	}
	*r = *nr
	return nil
}

type meanCountJSON struct {
	Horizon int     `json:"horizon"`
	N       int64   `json:"n"`
	Events  []int64 `json:"events"`
	SqIncr  []int64 `json:"sq_increments"`
}

// MarshalJSON implements json.Marshaler: {"horizon": H, "n": n, "events":
// [...], "sq_increments": [...]} with events[t] the number of events at
// round t over all subjects and sq_increments[t] the increment of
// Σ_i N_i(t)² at round t, up to the last round with an event.
func (m MeanCount) MarshalJSON() ([]byte, error) {
	last := len(m.dSum) - 1
	for last >= 0 && m.dSum[last] == 0 && m.dSq[last] == 0 {
		last--
	}
	return json.Marshal(meanCountJSON{Horizon: m.horizon, N: m.n,
		Events: append([]int64{}, m.dSum[:last+1]...), SqIncr: append([]int64{}, m.dSq[:last+1]...)})
}

// UnmarshalJSON implements json.Unmarshaler. The horizon must be valid for
// NewMeanCount; events and sq_increments must have the same length, at
// most horizon+1, and at every round 0 <= events <= sq_increments with
// the same parity (each event adds an odd 2c+1), no events if n = 0, and
// sums below 2⁶³.
func (m *MeanCount) UnmarshalJSON(b []byte) error {
	var w meanCountJSON
	if err := strictUnmarshal(b, &w); err != nil {
		return fmt.Errorf("metrics: MeanCount: %w", err)
	}
	nm, err := NewMeanCount(w.Horizon)
	if err != nil {
		return err
	}
	if w.N < 0 {
		return fmt.Errorf("metrics: MeanCount: n = %d, want >= 0: %w", w.N, ErrDomain)
	}
	if len(w.Events) != len(w.SqIncr) || len(w.Events) > w.Horizon+1 {
		return fmt.Errorf("metrics: MeanCount: %d events and %d sq_increments, want equal lengths <= %d: %w", len(w.Events), len(w.SqIncr), w.Horizon+1, ErrDomain)
	}
	var s, q int64
	for t, e := range w.Events {
		sq := w.SqIncr[t]
		if e < 0 || sq < e || (sq-e)%2 != 0 || (w.N == 0 && e != 0) || s > math.MaxInt64-e || q > math.MaxInt64-sq {
			return fmt.Errorf("metrics: MeanCount: round %d: events = %d, sq_increments = %d inconsistent (n = %d): %w", t, e, sq, w.N, ErrDomain)
		}
		s += e
		q += sq
	}
	copy(nm.dSum, w.Events)
	copy(nm.dSq, w.SqIncr)
	nm.n = w.N
	*m = *nm
	return nil
}

type occupancyJSON struct {
	Horizon int     `json:"horizon"`
	States  int     `json:"states"`
	N       int64   `json:"n"`
	Counts  []int64 `json:"counts"`
}

// MarshalJSON implements json.Marshaler: {"horizon": H, "states": S, "n":
// n, "counts": [...]} with counts[t·S+s] the subjects in state s at round
// t, for every round 0..H (each round's counts add up to n).
func (o Occupancy) MarshalJSON() ([]byte, error) {
	return json.Marshal(occupancyJSON{Horizon: o.horizon, States: o.states, N: o.n, Counts: o.counts})
}

// UnmarshalJSON implements json.Unmarshaler. The shape must be valid for
// NewOccupancy, with (H+1)·S non-negative counts, each round's adding up
// to n.
func (o *Occupancy) UnmarshalJSON(b []byte) error {
	var w occupancyJSON
	if err := strictUnmarshal(b, &w); err != nil {
		return fmt.Errorf("metrics: Occupancy: %w", err)
	}
	no, err := NewOccupancy(w.Horizon, w.States)
	if err != nil {
		return err
	}
	if len(w.Counts) != len(no.counts) {
		return fmt.Errorf("metrics: Occupancy: %d counts, want (horizon+1)·states = %d: %w", len(w.Counts), len(no.counts), ErrDomain)
	}
	for t := 0; t <= w.Horizon; t++ {
		if err := checkCounts(fmt.Sprintf("Occupancy round %d", t), w.Counts[t*w.States:(t+1)*w.States], w.N); err != nil {
			return err
		}
	}
	copy(no.counts, w.Counts)
	no.n = w.N
	*o = *no
	return nil
}
