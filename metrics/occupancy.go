package metrics

import (
	"fmt"
)

// Occupancy counts, for every round t = 0..horizon, the subjects in each
// of S states (numbered 0..S-1), for the state occupancy probabilities
//
//	P_s(t) = P(a subject is in state s at round t),  Σ_s P_s(t) = 1.
//
// Each subject is added as its path of states, round by round, from
// round 0 until it left observation; a path shorter than horizon+1 rounds
// ends in a terminal (absorbing) state, which is carried forward to the
// horizon, so every subject is counted in exactly one state in every
// round and the counts of each round add up to n. With complete follow-up
// the occupancy probability is estimated by the share n_s(t)/n, with
// simultaneous multinomial intervals (see Shares).
//
// Counts are integers: memory is (horizon+1)·S integers whatever the
// number of subjects, Add costs O(horizon) and does not allocate, and
// Merge is exact.
//
// The zero value is not usable; create one with NewOccupancy. An
// Occupancy is not safe for concurrent use.
type Occupancy struct {
	horizon, states int
	n               int64
	counts          []int64 // counts[t*states+s]
}

// NewOccupancy returns an empty accumulator for rounds 0..horizon and
// states 0..states-1. It returns an error wrapping ErrDomain, naming the
// argument and its value, unless 0 <= horizon, 1 <= states <= 1<<10 and
// (horizon+1)·states <= 1<<26.
func NewOccupancy(horizon, states int) (*Occupancy, error) {
	switch {
	case horizon < 0 || horizon > 1<<24:
		return nil, fmt.Errorf("metrics: NewOccupancy: horizon = %d, want [0, %d]: %w", horizon, 1<<24, ErrDomain)
	case states < 1 || states > 1<<10:
		return nil, fmt.Errorf("metrics: NewOccupancy: states = %d, want [1, 1024]: %w", states, ErrDomain)
	case (horizon+1)*states > 1<<26:
		return nil, fmt.Errorf("metrics: NewOccupancy: (horizon+1)·states = %d, want <= %d: %w", (horizon+1)*states, 1<<26, ErrDomain)
	}
	return &Occupancy{horizon: horizon, states: states, counts: make([]int64, (horizon+1)*states)}, nil
}

// Horizon returns the last round.
func (o *Occupancy) Horizon() int { return o.horizon }

// States returns the number of states S.
func (o *Occupancy) States() int { return o.states }

// N returns the number of subjects added.
func (o *Occupancy) N() int { return int(o.n) }

// Count returns the number of subjects in state s at round t. It panics
// if t or s is out of range.
func (o *Occupancy) Count(t, s int) int {
	if t < 0 || t > o.horizon || s < 0 || s >= o.states {
		panic(fmt.Sprintf("metrics: Occupancy.Count(%d, %d) outside 0..%d × 0..%d", t, s, o.horizon, o.states-1))
	}
	return int(o.counts[t*o.states+s])
}

// Add records one subject's path: path[t] is its state at round t, for
// t = 0..len(path)-1, and its last state is carried forward to the
// horizon. Add returns an error wrapping ErrDomain that names the argument
// and its value, and records nothing, unless 1 <= len(path) <=
// Horizon()+1 and every state is in 0..States()-1. It does not allocate.
func (o *Occupancy) Add(path []int) error {
	if len(path) < 1 || len(path) > o.horizon+1 {
		return fmt.Errorf("metrics: Occupancy.Add: len(path) = %d, want [1, %d]: %w", len(path), o.horizon+1, ErrDomain)
	}
	for t, s := range path {
		if s < 0 || s >= o.states {
			return fmt.Errorf("metrics: Occupancy.Add: path[%d] = %d, want [0, %d]: %w", t, s, o.states-1, ErrDomain)
		}
	}
	S := o.states
	for t, s := range path {
		o.counts[t*S+s]++
	}
	last := path[len(path)-1]
	for t := len(path); t <= o.horizon; t++ {
		o.counts[t*S+last]++
	}
	o.n++
	return nil
}

// Merge adds the subjects of o2 to o. Both must have the same horizon and
// number of states, otherwise Merge returns an error wrapping ErrMismatch
// and o is unchanged.
func (o *Occupancy) Merge(o2 *Occupancy) error {
	if o.horizon != o2.horizon || o.states != o2.states {
		return fmt.Errorf("metrics: merge Occupancy (horizon, states) = (%d, %d) and (%d, %d): %w", o.horizon, o.states, o2.horizon, o2.states, ErrMismatch)
	}
	for i, v := range o2.counts {
		o.counts[i] += v
	}
	o.n += o2.n
	return nil
}

// Reset removes every subject, keeping the shape and the storage.
func (o *Occupancy) Reset() {
	clear(o.counts)
	o.n = 0
}

// Equal reports whether o and o2 have the same shape and counts.
func (o *Occupancy) Equal(o2 *Occupancy) bool {
	if o.horizon != o2.horizon || o.states != o2.states || o.n != o2.n {
		return false
	}
	for i, v := range o.counts {
		if o2.counts[i] != v {
			return false
		}
	}
	return true
}

// OccupancyShares is the estimated state occupancy at every round: counts,
// shares and simultaneous intervals, indexed [state][round]. It gives
// XYer views of one state's share across rounds (ShareXY) and of the
// stacked cumulative share of states 0..s (StackXY) for plotting.
type OccupancyShares struct {
	T      []int       // rounds 0..horizon
	Count  [][]int     // Count[s][t]: subjects in state s at round t
	Share  [][]float64 // Share[s][t] = Count[s][t]/N
	Lo, Hi [][]float64 // Goodman simultaneous limits, per round over the S states

	Level float64 // simultaneous confidence level of the S intervals of one round
	N     int     // number of subjects
}

// ShareXY returns the share of state s across rounds as an XYer view.
func (o *OccupancyShares) ShareXY(s int) XYer { return stepXY{o.T, o.Share[s]} }

// StackXY returns Σ_{j<=s} Share[j][t] across rounds (the upper edge of
// state s in a stacked area plot of states 0, 1, ...). It allocates the
// new ordinates.
func (o *OccupancyShares) StackXY(s int) XYer {
	y := make([]float64, len(o.T))
	for j := 0; j <= s; j++ {
		for t, v := range o.Share[j] {
			y[t] += v
		}
	}
	return stepXY{o.T, y}
}

// Shares returns the share of subjects in each state at every round, with
// Goodman's (1965) simultaneous intervals: in each round, the S intervals
// cover all S occupancy probabilities together with probability about
// conf (asymptotically at least conf). With n subjects, n_s in state s and
// A the upper 1-(1-conf)/S quantile of χ²₁ (Bonferroni over the S cells):
//
//	Lo, Hi = (A + 2n_s ∓ sqrt(A·(A + 4n_s(n - n_s)/n))) / (2(n + A))
//
// (Goodman, L. A. 1965, On simultaneous confidence intervals for
// multinomial proportions, Technometrics 7, 247-254). This is the
// Wilson score interval of each share at the Bonferroni-adjusted level
// 1-(1-conf)/S, computed here with Wilson. Sison and Glaz (1995, JASA 90,
// 366-369) give shorter simultaneous intervals when S is large and the
// counts small; with a handful of states and hundreds of subjects
// Goodman's intervals are close to nominal and, unlike Sison-Glaz, need no
// iteration and are defined for every count. The intervals are not
// simultaneous across rounds. With S = 1 every share is 1 and the interval
// is [1, 1].
//
// Shares returns an error wrapping ErrNoData if no subject was added and
// one wrapping ErrDomain for a bad conf.
func (o *Occupancy) Shares(conf float64) (*OccupancyShares, error) {
	if err := checkConf(conf); err != nil {
		return nil, err
	}
	if o.n == 0 {
		return nil, fmt.Errorf("metrics: state occupancy with no subjects: %w", ErrNoData)
	}
	H, S, n := o.horizon+1, o.states, int(o.n)
	adj := 1 - (1-conf)/float64(S)
	r := &OccupancyShares{
		T: make([]int, H), Count: make([][]int, S), Share: make([][]float64, S),
		Lo: make([][]float64, S), Hi: make([][]float64, S), Level: conf, N: n,
	}
	for t := range H {
		r.T[t] = t
	}
	for s := range S {
		r.Count[s] = make([]int, H)
		r.Share[s] = make([]float64, H)
		r.Lo[s] = make([]float64, H)
		r.Hi[s] = make([]float64, H)
		for t := range H {
			k := int(o.counts[t*S+s])
			iv, err := Wilson(k, n, adj)
			if err != nil {
				return nil, err
			}
			r.Count[s][t] = k
			r.Share[s][t] = float64(k) / float64(n)
			r.Lo[s][t], r.Hi[s][t] = iv.Lo, iv.Hi
		}
	}
	return r, nil
}
