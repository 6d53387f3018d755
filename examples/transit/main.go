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
	"encoding/json"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

// The record (research/literature.md §10).
const (
	recordYes, recordNo = 11227, 11234 // 20 Jan 2006 union vote
	recordGapRounds     = 13           // failed vote to approval: about three months
)

// union is the index of the party whose members vote in the record.
const union = 1

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "transit:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("transit", flag.ContinueOnError)
	fs.SetOutput(stdout)
	reps := fs.Int("reps", 2000, "replications per arm")
	seed := fs.Uint64("seed", 1, "master seed")
	out := fs.String("out", "./transit-out", "output directory")
	workers := fs.Int("workers", 0, "worker goroutines (0: all processors)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		return err
	}
	// A sensitivity arm, not a calibration: with the default bounded
	// confidence (ε = 0.3) a constituency reaches consensus within weeks,
	// so a vote is all or nothing. A divided membership (ε = 0.1: several
	// opinion clusters persist) shows what a split electorate changes.
	divided := sc.Clone()
	divided.Name = sc.Name + "-divided"
	divided.Parties[union].Constituents.Epsilon = 0.1
	study := &sim.Study{Trajectories: true, Arms: []sim.Arm{
		{Label: "parallel", Scenario: sc, Policy: sim.ParallelChannels{}},
		{Label: "parallel, divided members", Scenario: divided, Policy: sim.ParallelChannels{}},
		{Label: "front-only", Scenario: sc, Policy: sim.FrontOnly{}},
		{Label: "back-only", Scenario: sc, Policy: sim.BackOnly{}},
	}}
	cfg := sim.RunConfig{Seed: *seed, Replications: *reps, Workers: *workers, KeepOutcomes: true}
	res, err := sim.RunStudy(context.Background(), study, cfg)
	if err != nil {
		return err
	}
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		return err
	}
	if err := studyout.WriteTable(stdout, rep); err != nil {
		return err
	}
	// Second pass: the same replications of each arm, one at a time with an
	// observer, to record every vote (common random numbers make them
	// identical to the study's; an observer never changes a run).
	var votes [][]voteRecord
	for _, arm := range study.Arms {
		v, err := recordVotes(arm, sim.RunConfig{Seed: *seed, Replications: *reps, Workers: *workers})
		if err != nil {
			return err
		}
		votes = append(votes, v)
	}
	cs := caseNumbers(study, res, votes)
	if err := writeCaseTable(stdout, cs); err != nil {
		return err
	}
	if err := studyout.WriteFile(filepath.Join(*out, "summary.json"), func(w io.Writer) error { return studyout.WriteJSON(w, rep) }); err != nil {
		return err
	}
	if err := studyout.WriteFile(filepath.Join(*out, "case.json"), func(w io.Writer) error { return writeJSON(w, cs) }); err != nil {
		return err
	}
	names, err := studyout.StudyFigures(*out, study, res)
	if err != nil {
		return err
	}
	if err := supportFigure(*out, votes[0], votes[1], study.Labels()[0], study.Labels()[1]); err != nil {
		return err
	}
	names = append(names, "union-support")
	fmt.Fprintf(stdout, "\nwrote %s: summary.json, case.json, figures %v (png, svg, pdf)\n", *out, names)
	return nil
}

// voteRecord is one ratification vote as an observer can reconstruct it.
type voteRecord struct {
	Rep    uint64 `json:"rep"`
	Round  int    `json:"round"`
	Secret bool   `json:"secret"` // the deal was sprung from a secret table
	Passed bool   `json:"passed"`
	// Support is each side's share of constituents who accept the deal at
	// their acceptance bar *before* the day-of-vote mood shock, and
	// Critical the mood shock (in share units; the shock is normal with
	// standard deviation ratification.vote_noise) each side needs to reach
	// its threshold: the vote passes iff the shock is at least
	// max(Critical).
	Support  [2]float64 `json:"support"`
	Critical [2]float64 `json:"critical"`
}

// tap wraps the default Deffuant dynamics and keeps the opinion slice it
// is stepped with, so that the observer can read the constituents'
// opinions. It draws exactly what the default draws: watching changes
// nothing.
type tap struct {
	agents.Deffuant
	x []float64
}

func (t *tap) Step(x []float64, rng *rand.Rand) {
	t.x = x
	t.Deffuant.Step(x, rng)
}

// voter runs replications of one arm and records their votes.
type voter struct {
	sc   *sim.Scenario
	rep  *sim.Replication
	taps [2]*tap
}

func newVoter(arm sim.Arm) (*voter, error) {
	r, err := sim.NewReplication(arm.Scenario, arm.Policy)
	if err != nil {
		return nil, err
	}
	v := &voter{sc: arm.Scenario, rep: r}
	r.SetHooks(sim.Hooks{Opinion: func(party int, p *agents.ConstituencyParams) agents.OpinionDynamics {
		v.taps[party] = &tap{Deffuant: agents.Deffuant{Epsilon: p.Epsilon, Mu: p.Mu, Rate: p.Rate}}
		return v.taps[party]
	}})
	return v, nil
}

// Replicate implements sim.Replicator.
func (v *voter) Replicate(i uint64, rng *rand.Rand) ([]voteRecord, error) {
	var out []voteRecord
	var snap sim.Snapshot
	obs := sim.ObserverFunc(func(s *sim.Snapshot) { snap = *s })
	v.rep.Reset(rng)
	prev := v.rep.Outcome()
	for done := false; !done; {
		done = v.rep.Step(obs)
		o := v.rep.Outcome()
		nVotes := o.SecretVotes + o.PublicVotes
		if nVotes > prev.SecretVotes+prev.PublicVotes {
			out = append(out, v.reconstruct(i, &snap, o.SecretVotes > prev.SecretVotes, o.FailedRatifications == prev.FailedRatifications))
		}
		prev = o
	}
	return out, nil
}

// reconstruct computes each side's support at the vote from the state the
// vote saw (sim/replication.go, vote): constituent j of side i accepts iff
// x_j ≤ s_i + mood + ψ·p_i + w·(app_i − ½) − χ·secret·(1 − p_i).
func (v *voter) reconstruct(i uint64, s *sim.Snapshot, secret, passed bool) voteRecord {
	rp := &v.sc.Ratification
	s0, s1 := s.Stated[0], s.Stated[1]
	shareA := s0 + (1-s0-s1)/2
	r := voteRecord{Rep: i, Round: s.Round, Secret: secret, Passed: passed}
	for side := range 2 {
		share := shareA
		if side == 1 {
			share = 1 - shareA
		}
		bar := share + rp.PrepBonus*s.Preparedness[side] + rp.ApprovalWeight*(s.Approval[side]-0.5)
		if secret {
			bar -= rp.SurprisePenalty * (1 - s.Preparedness[side])
		}
		x := slices.Clone(v.taps[side].x)
		slices.Sort(x)
		n := len(x)
		k, _ := slices.BinarySearch(x, math.Nextafter(bar, math.Inf(1)))
		r.Support[side] = float64(k) / float64(n)
		// The smallest bar shift that makes ⌈θ·n⌉ constituents accept.
		need := int(math.Ceil(v.sc.Parties[side].RatifyThreshold * float64(n)))
		if need < 1 {
			r.Critical[side] = math.Inf(-1)
		} else {
			r.Critical[side] = x[need-1] - bar
		}
	}
	return r
}

// votes is a sim.Summary that keeps every vote in replication order.
type votes struct{ v []voteRecord }

func (s *votes) Add(_ uint64, o []voteRecord) { s.v = append(s.v, o...) }
func (s *votes) Merge(o *votes) error         { s.v = append(s.v, o.v...); return nil }
func (s *votes) Reset()                       { s.v = s.v[:0] }

func recordVotes(arm sim.Arm, cfg sim.RunConfig) ([]voteRecord, error) {
	res, err := sim.Run(context.Background(), cfg,
		func() (sim.Replicator[[]voteRecord], error) { return newVoter(arm) },
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
	UnionFailed  sim.Estimate `json:"union_failed"` // failed votes in which the union side was short (before the shock)
	SecondVote   sim.Estimate `json:"second_vote"`  // breakthroughs that passed only after a failed vote
	AnyFailed    sim.Estimate `json:"any_failed"`   // replications with at least one failed vote
	Breakthrough sim.Estimate `json:"breakthrough"`
	// Union support before the day-of-vote shock: quantiles over votes
	// (10%, 50%, 90%), and the share of votes within 1 and 5 points of the
	// threshold.
	UnionSupport [3]sim.Num   `json:"union_support_q10_q50_q90"`
	Within1pt    sim.Estimate `json:"within_1pt"`
	Within5pt    sim.Estimate `json:"within_5pt"`
	// Share of votes decided by the day-of-vote shock: the critical shock
	// lies within one standard deviation of zero, so the pass probability
	// given the state was between 16% and 84%.
	CloseCall sim.Estimate `json:"close_call"`
	// Rounds from a failed vote to the next vote, median over such pairs.
	GapToNextVote [3]sim.Num `json:"gap_to_next_vote"`
	// Consistency of the reconstruction: votes whose outcome contradicts
	// the reconstructed critical shock by more than 4 standard deviations
	// of the vote noise (should be 0).
	Contradictions int `json:"contradictions"`
}

func caseNumbers(study *sim.Study, res *sim.StudyResult, votes [][]voteRecord) []armCase {
	labels := study.Labels()
	var out []armCase
	for a := range study.Arms {
		ac := armCase{Label: labels[a], N: len(res.Outcomes)}
		anyFail, second, breaks := 0, 0, 0
		for _, ro := range res.Outcomes {
			o := ro.Arms[a]
			if o.FailedRatifications > 0 {
				anyFail++
			}
			if o.Kind == sim.Breakthrough {
				breaks++
				if o.FailedRatifications > 0 {
					second++
				}
			}
		}
		ac.AnyFailed, ac.Breakthrough, ac.SecondVote = proportion(anyFail, ac.N), proportion(breaks, ac.N), proportion(second, breaks)
		vs := votes[a]
		ac.Votes = len(vs)
		failed, unionShort, w1, w5, close := 0, 0, 0, 0, 0
		var sup, gaps []float64
		noise := study.Arms[a].Scenario.Ratification.VoteNoise
		thr := study.Arms[a].Scenario.Parties[union].RatifyThreshold
		for k, v := range vs {
			if !v.Passed {
				failed++
				if v.Support[union] < thr {
					unionShort++
				}
				if k+1 < len(vs) && vs[k+1].Rep == v.Rep {
					gaps = append(gaps, float64(vs[k+1].Round-v.Round))
				}
			}
			u := v.Support[union]
			sup = append(sup, u)
			if math.Abs(u-thr) <= 0.01 {
				w1++
			}
			if math.Abs(u-thr) <= 0.05 {
				w5++
			}
			crit := math.Max(v.Critical[0], v.Critical[1])
			if math.Abs(crit) <= noise {
				close++
			}
			if (v.Passed && crit > 4*noise) || (!v.Passed && crit < -4*noise) {
				ac.Contradictions++
			}
		}
		ac.FailedVotes = proportion(failed, len(vs))
		ac.UnionFailed = proportion(unionShort, failed)
		ac.Within1pt, ac.Within5pt = proportion(w1, len(vs)), proportion(w5, len(vs))
		ac.CloseCall = proportion(close, len(vs))
		ac.UnionSupport = quantiles(sup)
		ac.GapToNextVote = medianCI(gaps)
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

func writeCaseTable(w io.Writer, cs []armCase) error {
	rec := float64(recordYes) / float64(recordYes+recordNo)
	fmt.Fprintf(w, "\nagainst the record (union vote 20 Jan 2006: %d yes, %d no = %.2f%% yes, a margin of %.2f points; approved ~%d weeks later)\n\n",
		recordYes, recordNo, 100*rec, 100*(rec-0.5), recordGapRounds)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tvotes\tfailed votes\treplications with a failed vote\tdeals passed only at a later vote\tunion support before the shock (10/50/90%)\tunion within 1 pt\twithin 5 pts\tdecided by the shock (±1 sd)\tweeks failed → next vote\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Label, c.Votes,
			fmtEst(c.FailedVotes), fmtEst(c.AnyFailed), fmtEst(c.SecondVote),
			fmtQuantiles(c.UnionSupport), fmtEst(c.Within1pt), fmtEst(c.Within5pt), fmtEst(c.CloseCall), fmtTriple(c.GapToNextVote, "%.0f"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "(%d replications per arm; 95%% intervals; support reconstructed by an observer, contradictions:", cs[0].N)
	for _, c := range cs {
		fmt.Fprintf(w, " %d", c.Contradictions)
	}
	fmt.Fprintln(w, ")")
	return nil
}

// supportFigure draws, for two arms, the distribution of the union's
// support before the day-of-vote shock over all votes (share of votes per
// bin of two points, as step lines), with the record marked.
func supportFigure(dir string, a, b []voteRecord, la, lb string) error {
	p := newPlot("Union members accepting the deal, before the day-of-vote shock", "Share of votes")
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

// newPlot returns a plot with the house typeface (Liberation Sans, as in
// package figures) and a light grey grid.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p.Title.TextStyle.Font = font.From(sans, 11)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, 10)
		ax.Tick.Label.Font = font.From(sans, 9)
	}
	p.Legend.TextStyle.Font = font.From(sans, 9)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{Y: 0xDD}, color.Gray{Y: 0xDD}
	p.Add(g)
	return p
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func mean(m *metrics.Moments) sim.MeanEstimate {
	e := sim.MeanEstimate{Mean: sim.Num(m.Mean()), SE: sim.Num(m.SE()), N: m.N(), CI: [2]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN())}}
	if iv, err := m.Interval(0.95); err == nil {
		e.CI = [2]sim.Num{sim.Num(iv.Lo), sim.Num(iv.Hi)}
	}
	return e
}

func proportion(k, n int) sim.Estimate {
	e := sim.Estimate{Count: k, N: n, P: sim.Num(math.NaN()), CI: [2]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN())}}
	if n > 0 {
		e.P = sim.Num(float64(k) / float64(n))
		if iv, err := metrics.Wilson(k, n, 0.95); err == nil {
			e.CI = [2]sim.Num{sim.Num(iv.Lo), sim.Num(iv.Hi)}
		}
	}
	return e
}

// medianCI returns the sample median of v and a distribution-free 95%
// interval from the order statistics at ranks n/2 ∓ 1.96·√n/2 (NaN for an
// empty sample).
func medianCI(v []float64) [3]sim.Num {
	n := len(v)
	if n == 0 {
		return [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	h := 1.96 * math.Sqrt(float64(n)) / 2
	lo := max(0, int(math.Floor(float64(n)/2-h)))
	hi := min(n-1, int(math.Ceil(float64(n)/2+h)))
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return [3]sim.Num{sim.Num(med), sim.Num(v[lo]), sim.Num(v[hi])}
}

func fmtTriple(v [3]sim.Num, format string) string {
	f := func(x sim.Num) string {
		if math.IsNaN(float64(x)) {
			return "–"
		}
		return fmt.Sprintf(format, float64(x))
	}
	return fmt.Sprintf("%s [%s, %s]", f(v[0]), f(v[1]), f(v[2]))
}

func fmtEst(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f] (n=%d)", float64(e.P), float64(e.CI[0]), float64(e.CI[1]), e.N)
}
