package metrics

import (
	"fmt"
	"math"
)

// EventTable accumulates discrete-time event data: for every integer time
// t >= 0, the number of observations that ended at t with an event of each
// cause 1..C and the number censored at t (cause 0). An observation that
// ends at t is at risk at every time s <= t.
//
// Storage is a slice indexed by time, so memory grows with the largest time
// added, O((maxTime+1)·(C+1)) integers, and never with the number of
// observations. Counts are integers, so Merge is exact: any split of the
// observations into tables, merged in any order, yields a table equal to
// the one built from all observations, and estimates computed from it are
// bit-identical.
//
// The zero value is not usable; create tables with NewEventTable.
// An EventTable is not safe for concurrent use; give each goroutine its own
// table and Merge them.
type EventTable struct {
	causes int
	// counts[t*(causes+1)+c] is the number of observations ending at time t
	// with cause c (c = 0 is censoring).
	counts []int64
	n      int64
}

// NewEventTable returns an empty table for events of causes 1..causes.
// It returns an error wrapping ErrDomain if causes < 1.
func NewEventTable(causes int) (*EventTable, error) {
	if causes < 1 {
		return nil, fmt.Errorf("metrics: event table needs at least one cause, got %d: %w", causes, ErrDomain)
	}
	return &EventTable{causes: causes}, nil
}

// Causes returns the number C of event causes the table accepts.
func (e *EventTable) Causes() int { return e.causes }

// N returns the number of observations added (events and censored).
func (e *EventTable) N() int { return int(e.n) }

// MaxTime returns the largest time with at least one observation, or -1 if
// the table is empty.
func (e *EventTable) MaxTime() int {
	w := e.causes + 1
	for t := len(e.counts)/w - 1; t >= 0; t-- {
		for c := 0; c < w; c++ {
			if e.counts[t*w+c] != 0 {
				return t
			}
		}
	}
	return -1
}

// Count returns the number of observations ending at time t with cause c
// (c = 0 for censored). It returns 0 for times beyond the table and panics
// if c is outside 0..Causes().
func (e *EventTable) Count(t, c int) int {
	if c < 0 || c > e.causes {
		panic(fmt.Sprintf("metrics: cause %d outside 0..%d", c, e.causes))
	}
	w := e.causes + 1
	if t < 0 || t*w+c >= len(e.counts) {
		return 0
	}
	return int(e.counts[t*w+c])
}

// Grow makes room for times up to maxTime, so that later calls to Add with
// t <= maxTime do not allocate.
func (e *EventTable) Grow(maxTime int) {
	need := (maxTime + 1) * (e.causes + 1)
	if need > len(e.counts) {
		e.counts = append(e.counts, make([]int64, need-len(e.counts))...)
	}
}

// Add records one observation ending at time t with the given cause:
// cause 0 means censored at t (still at risk at t), 1..Causes() an event of
// that cause at t. It returns an error wrapping ErrDomain if t < 0 or the
// cause is out of range; the table is then unchanged. Add allocates only
// when t exceeds the largest time seen so far (see Grow).
func (e *EventTable) Add(t, cause int) error {
	return e.AddN(t, cause, 1)
}

// AddN records count identical observations; see Add. A negative count is
// an error.
func (e *EventTable) AddN(t, cause, count int) error {
	if t < 0 {
		return fmt.Errorf("metrics: event time %d is negative: %w", t, ErrDomain)
	}
	if cause < 0 || cause > e.causes {
		return fmt.Errorf("metrics: cause %d outside 0..%d: %w", cause, e.causes, ErrDomain)
	}
	if count < 0 {
		return fmt.Errorf("metrics: negative count %d: %w", count, ErrDomain)
	}
	e.Grow(t)
	e.counts[t*(e.causes+1)+cause] += int64(count)
	e.n += int64(count)
	return nil
}

// AddFloat is Add for a time held in a float64. It returns an error
// wrapping ErrDomain if t is NaN, infinite, negative or not an integer.
func (e *EventTable) AddFloat(t float64, cause int) error {
	if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 || t != math.Trunc(t) || t > math.MaxInt32 {
		return fmt.Errorf("metrics: event time %v is not a non-negative integer: %w", t, ErrDomain)
	}
	return e.Add(int(t), cause)
}

// Merge adds the counts of o into e. Both tables must have the same number
// of causes, otherwise Merge returns an error wrapping ErrMismatch and e is
// unchanged. Merge is exact integer addition, hence associative and
// commutative.
func (e *EventTable) Merge(o *EventTable) error {
	if o.causes != e.causes {
		return fmt.Errorf("metrics: merge event tables with %d and %d causes: %w", e.causes, o.causes, ErrMismatch)
	}
	if len(o.counts) > len(e.counts) {
		e.counts = append(e.counts, make([]int64, len(o.counts)-len(e.counts))...)
	}
	for i, v := range o.counts {
		e.counts[i] += v
	}
	e.n += o.n
	return nil
}

// Reset empties the table, keeping its storage.
func (e *EventTable) Reset() {
	clear(e.counts)
	e.n = 0
}

// Equal reports whether e and o hold the same counts for every time and
// cause (trailing empty times are ignored).
func (e *EventTable) Equal(o *EventTable) bool {
	if e.causes != o.causes || e.n != o.n {
		return false
	}
	a, b := e.counts, o.counts
	if len(a) < len(b) {
		a, b = b, a
	}
	for i := range a {
		var v int64
		if i < len(b) {
			v = b[i]
		}
		if a[i] != v {
			return false
		}
	}
	return true
}

// riskTable is the per-time view used by the estimators: for each time t
// with at least one event, the number at risk, the events of each cause and
// the total events.
type riskRow struct {
	t      int
	atRisk int64
	events []int64 // index 0 unused; events[c] for cause c
	total  int64
}

// rows returns the event-time rows of e in increasing time, and the
// largest observed time.
func (e *EventTable) rows() ([]riskRow, int) {
	w := e.causes + 1
	maxT := e.MaxTime()
	atRisk := e.n
	var out []riskRow
	for t := 0; t <= maxT; t++ {
		row := e.counts[t*w : (t+1)*w]
		var tot, all int64
		for c := 1; c < w; c++ {
			tot += row[c]
		}
		all = tot + row[0]
		if tot > 0 {
			ev := make([]int64, w)
			copy(ev, row)
			ev[0] = 0
			out = append(out, riskRow{t: t, atRisk: atRisk, events: ev, total: tot})
		}
		atRisk -= all
	}
	return out, maxT
}
