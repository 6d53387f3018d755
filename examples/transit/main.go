// Command transit is a worked example study: the 2005-2006 New York City
// transit contract, a mediated closed-door deal whose ratification failed by
// 7 votes of 22,461 and passed about three months later. It compares, on
// common random numbers, a closed-door table beside acknowledged talks (the
// case), public talks only and a secret table only over a one-year horizon,
// and reads the failed-ratification rate, the union's support at each vote
// and the share of deals that pass only at a second vote against the record.
//
//	go run ./examples/transit [--reps 2000] [--seed 1] [--out ./transit-out] [--workers 0]
//
// See README.md in this directory for the scenario, results and caveats.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

// The record (README.md; docs/REFERENCES.md, "Case studies").
const (
	recordYes, recordNo = 11227, 11234 // 20 Jan 2006 union vote
	recordGapRounds     = 13           // failed vote to approval: about three months
)

// union is the index of the party whose members vote in the record.
const union = 1

func main() { studykit.Main("transit", run) }

func run(args []string, stdout io.Writer) error {
	return studykit.Case{Name: "transit", Scenario: scenarioYAML,
		Study: func(sc *sim.Scenario) *sim.Study {
			// A sensitivity arm, not a calibration: a narrower bounded
			// confidence (ε = 0.1 against the default 0.15) keeps the
			// membership more divided. On model 1.0.0 it turned near-unanimous
			// votes into split ones; on model 2.0.0, whose voters each have a
			// taste shock, votes are split in both arms and the arm changes
			// neither the votes nor the outcomes (README).
			divided := sc.Clone()
			divided.Name = sc.Name + "-divided"
			divided.Parties[union].Constituents.Epsilon = 0.1
			return &sim.Study{Trajectories: true, Arms: []sim.Arm{
				{Label: "parallel", Scenario: sc, Policy: sim.ParallelChannels{}},
				{Label: "parallel, divided members", Scenario: divided, Policy: sim.ParallelChannels{}},
				{Label: "front-only", Scenario: sc, Policy: sim.FrontOnly{}},
				{Label: "back-only", Scenario: sc, Policy: sim.BackOnly{}},
			}}
		},
		Numbers: func(o studykit.Options, study *sim.Study, res *sim.StudyResult) (studykit.CaseNumbers, error) {
			// Second pass: the same replications of each arm, one at a time
			// with an observer, to record every vote (common random numbers
			// make them identical to the study's; an observer never changes
			// a run).
			var votes [][]voteRecord
			for _, arm := range study.Arms {
				v, err := recordVotes(arm, mc.RunConfig{Seed: o.Seed, Replications: o.Reps, Workers: o.Workers})
				if err != nil {
					return studykit.CaseNumbers{}, err
				}
				votes = append(votes, v)
			}
			cs := caseNumbers(study, res, votes)
			return studykit.CaseNumbers{Numbers: cs, Table: func(w io.Writer) error { return writeCaseTable(w, cs) },
				Figures: []studykit.Figure{{Name: "union-support", Write: func(dir string) error {
					return supportFigure(dir, votes[0], votes[1], study.Labels()[0], study.Labels()[1])
				}}},
			}, nil
		},
	}.Run(args, stdout)
}

// voteRecord is one ratification vote as the library reports it to an
// observer (sim.Snapshot.Vote).
type voteRecord struct {
	Rep   uint64 `json:"rep"`
	Round int    `json:"round"`
	sim.Vote
}

// voter runs replications of one arm and records their votes.
type voter struct{ rep *sim.Replication }

// Replicate implements mc.Replicator.
func (v *voter) Replicate(i uint64, rng *rand.Rand) ([]voteRecord, error) {
	var out []voteRecord
	v.rep.Run(rng, sim.ObserverFunc(func(s *sim.Snapshot) {
		if s.Vote.Held {
			out = append(out, voteRecord{Rep: i, Round: s.Round, Vote: s.Vote})
		}
	}))
	return out, nil
}

// critical is the mood shock the vote needed to pass: both sides accept
// iff Mood ≥ max(Critical).
func (v *voteRecord) critical() float64 { return max(v.Critical[0], v.Critical[1]) }

// votes is a mc.Summary that keeps every vote in replication order.
type votes struct{ v []voteRecord }

func (s *votes) Add(_ uint64, o []voteRecord) { s.v = append(s.v, o...) }
func (s *votes) Merge(o *votes) error         { s.v = append(s.v, o.v...); return nil }
func (s *votes) Reset()                       { s.v = s.v[:0] }

func recordVotes(arm sim.Arm, cfg mc.RunConfig) ([]voteRecord, error) {
	res, err := mc.Run(context.Background(), cfg,
		func() (mc.Replicator[[]voteRecord], error) {
			r, err := sim.NewReplication(arm.Scenario, arm.Policy)
			return &voter{rep: r}, err
		},
		func() *votes { return &votes{} })
	if err != nil {
		return nil, err
	}
	return res.Summary.v, nil
}

// armCase holds the numbers this study reads against the record, per arm.
type armCase struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	// Votes held, and the share that failed (on at least one side).
	Votes        int          `json:"votes"`
	FailedVotes  sim.Estimate `json:"failed_votes"`
	UnionFailed  sim.Estimate `json:"union_failed"` // failed votes the union rejected
	SecondVote   sim.Estimate `json:"second_vote"`  // breakthroughs that passed only after a failed vote
	AnyFailed    sim.Estimate `json:"any_failed"`   // replications with at least one failed vote
	Breakthrough sim.Estimate `json:"breakthrough"`
	// Union support at the vote (mood included, as counted): quantiles
	// over votes (10%, 50%, 90%), the share of votes within 1 and 5 points
	// of the threshold, and the share of split votes (support between 5%
	// and 95%: neither a consensus for nor against).
	UnionSupport [3]sim.Num   `json:"union_support_q10_q50_q90"`
	Within1pt    sim.Estimate `json:"within_1pt"`
	Within5pt    sim.Estimate `json:"within_5pt"`
	SplitVotes   sim.Estimate `json:"split_votes"`
	// Share of votes decided by the day-of-vote shock: the critical mood
	// (sim.Vote.Critical, the larger of the two sides') lies within one
	// standard deviation of zero, so the pass probability given the state
	// was between 16% and 84%.
	CloseCall sim.Estimate `json:"close_call"`
	// Polarisation of the union's membership (SD of opinions) at the end
	// of each replication: quantiles (10%, 50%, 90%).
	UnionPolarisation [3]sim.Num `json:"union_polarisation_q10_q50_q90"`
	// Rounds from a failed vote to the next vote, median over such pairs.
	GapToNextVote [3]sim.Num `json:"gap_to_next_vote"`
	// Votes whose fields disagree with each other (Passed against
	// Mood ≥ max Critical, or against Support ≥ threshold on both
	// sides): 0 unless the library is inconsistent.
	Inconsistent int `json:"inconsistent"`
	// Quantiles (10%, 50%, 90%) of the rounds from first talks to the
	// ratified deal, among breakthroughs.
	TalksToDeal [3]sim.Num `json:"talks_to_deal_q10_q50_q90"`
}

// consistent reports whether a vote's fields agree with each other as
// sim.Vote documents them.
func (v *voteRecord) consistent(thr [2]float64) bool {
	bySupport := v.Support[0] >= thr[0] && v.Support[1] >= thr[1]
	return v.Passed == (v.Mood >= v.critical()) && v.Passed == bySupport
}

func caseNumbers(study *sim.Study, res *sim.StudyResult, votes [][]voteRecord) []armCase {
	labels := study.Labels()
	var out []armCase
	for a := range study.Arms {
		sc := study.Arms[a].Scenario
		ac := armCase{Label: labels[a], N: len(res.Outcomes)}
		anyFail, second, breaks := 0, 0, 0
		var pol, span []float64
		for _, ro := range res.Outcomes {
			o := ro.Arms[a]
			pol = append(pol, o.Polarisation[union])
			if o.FailedRatifications > 0 {
				anyFail++
			}
			if o.Kind == sim.Breakthrough {
				breaks++
				span = append(span, float64(o.Round-o.FirstTalks))
				if o.FailedRatifications > 0 {
					second++
				}
			}
		}
		ac.AnyFailed, ac.Breakthrough, ac.SecondVote = studykit.Proportion(anyFail, ac.N), studykit.Proportion(breaks, ac.N), studykit.Proportion(second, breaks)
		ac.UnionPolarisation = quantiles(pol)
		ac.TalksToDeal = quantiles(span)
		vs := votes[a]
		ac.Votes = len(vs)
		failed, unionNo, w1, w5, split, close := 0, 0, 0, 0, 0, 0
		var sup, gaps []float64
		noise := sc.Ratification.VoteNoise
		thrs := [2]float64{sc.Parties[0].RatifyThreshold, sc.Parties[1].RatifyThreshold}
		thr := thrs[union]
		for k, v := range vs {
			if !v.consistent(thrs) {
				ac.Inconsistent++
			}
			u := v.Support[union]
			if !v.Passed {
				failed++
				if u < thr {
					unionNo++
				}
				if k+1 < len(vs) && vs[k+1].Rep == v.Rep {
					gaps = append(gaps, float64(vs[k+1].Round-v.Round))
				}
			}
			sup = append(sup, u)
			if math.Abs(u-thr) <= 0.01 {
				w1++
			}
			if math.Abs(u-thr) <= 0.05 {
				w5++
			}
			if u > 0.05 && u < 0.95 {
				split++
			}
			if math.Abs(v.critical()) <= noise {
				close++
			}
		}
		ac.FailedVotes = studykit.Proportion(failed, len(vs))
		ac.UnionFailed = studykit.Proportion(unionNo, failed)
		ac.Within1pt, ac.Within5pt = studykit.Proportion(w1, len(vs)), studykit.Proportion(w5, len(vs))
		ac.SplitVotes = studykit.Proportion(split, len(vs))
		ac.CloseCall = studykit.Proportion(close, len(vs))
		ac.UnionSupport = quantiles(sup)
		ac.GapToNextVote = studykit.MedianCI(gaps)
		out = append(out, ac)
	}
	return out
}

func quantiles(v []float64) [3]sim.Num {
	if len(v) == 0 {
		return [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	q := func(p float64) sim.Num { return sim.Num(v[min(len(v)-1, int(p*float64(len(v))))]) }
	return [3]sim.Num{q(0.1), q(0.5), q(0.9)}
}

func fmtQuantiles(q [3]sim.Num) string {
	if math.IsNaN(float64(q[1])) {
		return "–"
	}
	return fmt.Sprintf("%.3f / %.3f / %.3f", float64(q[0]), float64(q[1]), float64(q[2]))
}

// fmtRounds formats quantiles of rounds as "p10 / p50 / p90", or "–".
func fmtRounds(q [3]sim.Num) string {
	if math.IsNaN(float64(q[1])) {
		return "–"
	}
	return fmt.Sprintf("%.0f / %.0f / %.0f", float64(q[0]), float64(q[1]), float64(q[2]))
}

func writeCaseTable(w io.Writer, cs []armCase) error {
	rec := float64(recordYes) / float64(recordYes+recordNo)
	fmt.Fprintf(w, "\nagainst the record (union vote 20 Jan 2006: %d yes, %d no = %.2f%% yes, a margin of %.2f points; approved ~%d weeks later)\n\n",
		recordYes, recordNo, 100*rec, 100*(rec-0.5), recordGapRounds)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tvotes\tfailed votes\tunion rejected (of failed)\treplications with a failed vote\tdeals passed only at a later vote\tweeks failed → next vote\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", c.Label, c.Votes,
			studykit.FmtEst(c.FailedVotes), studykit.FmtEst(c.UnionFailed), studykit.FmtEst(c.AnyFailed), studykit.FmtEst(c.SecondVote), studykit.FmtTriple(c.GapToNextVote, "%.0f"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tunion support at the vote (10/50/90%)\tsplit votes (5-95%)\tunion within 1 pt\twithin 5 pts\tdecided by the shock (±1 sd)\tunion polarisation at the end (10/50/90%)\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Label,
			fmtQuantiles(c.UnionSupport), studykit.FmtEst(c.SplitVotes), studykit.FmtEst(c.Within1pt), studykit.FmtEst(c.Within5pt), studykit.FmtEst(c.CloseCall), fmtQuantiles(c.UnionPolarisation))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nfirst talks → ratified deal, breakthroughs only (rounds, 10% / 50% / 90% quantiles)")
	for _, c := range cs {
		fmt.Fprintf(w, "  %s: %s (n=%d)\n", c.Label, fmtRounds(c.TalksToDeal), c.Breakthrough.Count)
	}
	fmt.Fprintf(w, "(%d replications per arm; 95%% intervals; votes from sim.Snapshot.Vote; votes whose fields disagree:", cs[0].N)
	for _, c := range cs {
		fmt.Fprintf(w, " %d", c.Inconsistent)
	}
	fmt.Fprintln(w, ")")
	return nil
}

// supportFigure draws, for two arms, the distribution of the union's
// support at the vote (mood included) over all votes (share of votes per
// bin of two points, as step lines), with the record marked.
func supportFigure(dir string, a, b []voteRecord, la, lb string) error {
	p := figures.NewPlot("Union members accepting the deal at the vote", "Share of votes")
	p.Title.Text = "Union support at ratification votes"
	const bins = 50
	ymax := 0.0
	for i, vs := range [][]voteRecord{a, b} {
		if len(vs) == 0 {
			continue
		}
		c := make([]float64, bins)
		for _, v := range vs {
			c[max(0, min(bins-1, int(v.Support[union]*bins)))]++
		}
		var xy plotter.XYs
		for k := range bins {
			y := c[k] / float64(len(vs))
			xy = append(xy, plotter.XY{X: float64(k) / bins, Y: y}, plotter.XY{X: float64(k+1) / bins, Y: y})
			ymax = max(ymax, y)
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: figures.SeriesColor(i), Width: vg.Points(1.4)}
		if i == 1 {
			l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
		}
		p.Add(l)
		p.Legend.Add([]string{la, lb}[i], l)
	}
	grey := color.Gray{Y: 0x44}
	rec := float64(recordYes) / float64(recordYes+recordNo)
	l, err := plotter.NewLine(plotter.XYs{{X: rec, Y: 0}, {X: rec, Y: ymax * 1.05}})
	if err != nil {
		return err
	}
	l.LineStyle = draw.LineStyle{Color: grey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(1.5), vg.Points(1.5)}}
	p.Add(l)
	p.Legend.Add("record, 20 Jan 2006 (49.98% yes)", l)
	p.X.Min, p.X.Max, p.Y.Min = 0, 1, 0
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(60)
	return figures.Save(p, dir, "union-support", studyout.Width, studyout.Height)
}
