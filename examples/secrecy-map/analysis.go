package main

import (
	"fmt"
	"math"

	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// studyMap is the whole study: the grid and the analysis of every cell,
// front_min_trust major (cell i·len(Posturing)+j is Trust[i], Posturing[j]).
type studyMap struct {
	Seed             uint64
	Scenario         string
	Horizon, Reps    int
	Trust, Posturing []float64
	Cells            []*cell
}

// at returns the cell at Trust[i], Posturing[j].
func (m *studyMap) at(i, j int) *cell { return m.Cells[i*len(m.Posturing)+j] }

// outcome indexes the binary outcomes estimated per level.
type outcome int

const (
	bt5   outcome = iota // ratified breakthrough within `early` rounds
	btH                  // ratified breakthrough by the horizon
	imp2                 // second impasse by the horizon
	imp2e                // second impasse within `early` rounds
	nOutcomes
)

// outcomeNames are the CSV names of the outcomes.
var outcomeNames = [nOutcomes]string{
	fmt.Sprintf("breakthrough_within_%d", early), "breakthrough_by_horizon",
	fmt.Sprintf("impasse%d_by_horizon", repeatK), fmt.Sprintf("impasse%d_within_%d", repeatK, early),
}

// indicators returns the outcomes of one replication of one level.
func indicators(o *sim.Outcome, horizon int) [nOutcomes]bool {
	bt := o.Kind == sim.Breakthrough
	it := o.ImpasseTimes()
	return [nOutcomes]bool{
		bt && o.Round <= early, bt,
		metrics.KthEventBy(it, repeatK, horizon), metrics.KthEventBy(it, repeatK, early),
	}
}

// levelEst is one level of one cell: every outcome's share with its Wilson
// interval, and its paired difference against P = 0 (Newcombe interval).
type levelEst struct {
	P      float64
	Est    [nOutcomes]sim.Estimate
	VsZero [nOutcomes]metrics.PairedDiff
	// Plausible is true when the level's five-year share is within zHump
	// paired SE of the best level's (the best level itself included).
	Plausible bool
}

// gain is a paired difference of one level against P = 0 within five
// years.
type gain struct {
	Level float64
	D     metrics.PairedDiff
}

// cell is the analysis of one cell.
type cell struct {
	Trust, Posturing float64
	Seed             uint64 // the cell's master seed (cellSeed)
	Levels           []levelEst

	// Best is the index of the level with the highest five-year share on
	// all replications (the lower level on ties); PlausibleLo and
	// PlausibleHi are the lowest and highest levels within zHump paired SE
	// of it.
	Best                     int
	PlausibleLo, PlausibleHi float64

	// Gain is the five-year gain of the best back-channel level (P > 0)
	// over P = 0, the level chosen on the even-numbered replications and
	// the difference estimated on the odd-numbered ones. Naive is the
	// same on all replications, level and estimate alike (biased upwards:
	// the winner's curse). Fixed is P = 0.5 − P = 0 on all replications.
	Gain, Naive, Fixed gain

	// Hump is true when an interior level beats P = 0 and P = 1 within
	// five years by at least zHump paired SE on all replications
	// (HumpLevel the best such level, NaN if none); HumpHeldOut when the
	// best interior level on the even half does so on the odd half
	// (HumpHeldOutLevel that level).
	Hump, HumpHeldOut           bool
	HumpLevel, HumpHeldOutLevel float64
	// HumpRise and HumpFall are the held-out level's differences against
	// P = 0 and P = 1 on the odd half.
	HumpRise, HumpFall metrics.PairedDiff
}

// tables holds the paired 2 × 2 tables of every level against every other
// level, for every outcome: t[a][b][k] pairs level a (first) with level b.
type tables [][][nOutcomes]metrics.PairedTable

func newTables(n int) tables {
	t := make(tables, n)
	for a := range t {
		t[a] = make([][nOutcomes]metrics.PairedTable, n)
	}
	return t
}

// add adds one replication (the indicators of every level).
func (t tables) add(ind [][nOutcomes]bool) {
	for a := range t {
		for b := range t[a] {
			for k := range nOutcomes {
				t[a][b][k].Add(ind[a][k], ind[b][k])
			}
		}
	}
}

// diff returns the paired difference level a − level b of outcome k.
func (t tables) diff(a, b int, k outcome) (metrics.PairedDiff, error) {
	return metrics.PairedDifference(t[a][b][k], conf)
}

// share returns the proportion of outcome k at level a.
func (t tables) share(a int, k outcome) float64 {
	x := t[a][a][k]
	return float64(x.N11) / float64(x.N())
}

// analyseCell computes a cell's estimates from the kept outcomes of its
// study (arm l is levels[l]).
func analyseCell(trust, post float64, seed uint64, horizon int, outs []sim.RepOutcome) (*cell, error) {
	nl := len(levels)
	all, even, odd := newTables(nl), newTables(nl), newTables(nl)
	ind := make([][nOutcomes]bool, nl)
	for i, ro := range outs {
		if len(ro.Arms) != nl {
			return nil, fmt.Errorf("replication %d has %d arms, want %d", i, len(ro.Arms), nl)
		}
		for l := range ro.Arms {
			ind[l] = indicators(&ro.Arms[l], horizon)
		}
		all.add(ind)
		if i%2 == 0 {
			even.add(ind)
		} else {
			odd.add(ind)
		}
	}
	c := &cell{Trust: trust, Posturing: post, Seed: seed, Levels: make([]levelEst, nl)}
	n := len(outs)
	var err error
	for l := range nl {
		le := &c.Levels[l]
		le.P = levels[l]
		for k := range nOutcomes {
			x := all[l][l][k]
			if le.Est[k], err = sim.NewEstimate(x.N11, n, conf); err != nil {
				return nil, err
			}
			if le.VsZero[k], err = all.diff(l, 0, k); err != nil {
				return nil, err
			}
		}
		if all.share(l, bt5) > all.share(c.Best, bt5) {
			c.Best = l
		}
	}
	c.PlausibleLo, c.PlausibleHi = math.Inf(1), math.Inf(-1)
	for l := range nl {
		d, err := all.diff(c.Best, l, bt5)
		if err != nil {
			return nil, err
		}
		if l == c.Best || !clearlyAbove(d) {
			c.Levels[l].Plausible = true
			c.PlausibleLo, c.PlausibleHi = min(c.PlausibleLo, levels[l]), max(c.PlausibleHi, levels[l])
		}
	}

	// Gains over P = 0: held out, naive and at P = 0.5.
	bestOf := func(t tables, from, to int) int {
		b := from
		for l := from + 1; l < to; l++ {
			if t.share(l, bt5) > t.share(b, bt5) {
				b = l
			}
		}
		return b
	}
	mk := func(t tables, l int) (gain, error) {
		d, err := t.diff(l, 0, bt5)
		return gain{Level: levels[l], D: d}, err
	}
	if c.Gain, err = mk(odd, bestOf(even, 1, nl)); err != nil {
		return nil, err
	}
	if c.Naive, err = mk(all, bestOf(all, 1, nl)); err != nil {
		return nil, err
	}
	if c.Fixed, err = mk(all, indexOf(0.5)); err != nil {
		return nil, err
	}

	// The hump: an interior level beats both ends.
	beats := func(t tables, l int) (rise, fall metrics.PairedDiff, ok bool, err error) {
		if rise, err = t.diff(l, 0, bt5); err != nil {
			return
		}
		if fall, err = t.diff(l, nl-1, bt5); err != nil {
			return
		}
		ok = clearlyAbove(rise) && clearlyAbove(fall)
		return
	}
	c.HumpLevel = math.NaN()
	for l := 1; l < nl-1; l++ {
		_, _, ok, err := beats(all, l)
		if err != nil {
			return nil, err
		}
		if ok && (!c.Hump || all.share(l, bt5) > all.share(indexOf(c.HumpLevel), bt5)) {
			c.Hump, c.HumpLevel = true, levels[l]
		}
	}
	h := bestOf(even, 1, nl-1)
	c.HumpHeldOutLevel = levels[h]
	if c.HumpRise, c.HumpFall, c.HumpHeldOut, err = beats(odd, h); err != nil {
		return nil, err
	}
	return c, nil
}

// indexOf returns the index of reliance level p in levels; it panics if p
// is not a level (a programming error).
func indexOf(p float64) int {
	for i, l := range levels {
		if l == p {
			return i
		}
	}
	panic(fmt.Sprintf("secrecy-map: %g is not a reliance level", p))
}

// clearlyAbove reports whether a paired difference is positive by at least
// zHump paired SE (a difference with SE 0 is clear when positive: every
// discordant pair went the same way).
func clearlyAbove(d metrics.PairedDiff) bool { return d.D > 0 && d.D >= zHump*d.SE }
