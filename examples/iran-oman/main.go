// Command iran-oman is a worked example study: the US-Iran nuclear talks
// through Oman (2009-2015). It compares, on common random numbers, the
// case's path (a mediated back channel first, then public talks) with
// public talks only and with the same back-then-front path without the
// mediator, and reads the model's time to a ratified breakthrough against
// the record: channel opened May 2009, direct talks 2012, interim deal
// (JPOA) 24 Nov 2013, final deal (JCPOA) July 2015.
//
//	go run ./examples/iran-oman [--reps 2000] [--seed 1] [--out ./iran-oman-out] [--workers 0]
//
// See README.md in this directory for the scenario, results and caveats.
package main

import (
	_ "embed"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

// Record dates in rounds (weeks) after May 2009, the first Ismaily-Ross
// meeting (README.md; docs/REFERENCES.md, "Case studies").
const (
	weeksPerYear = 52.18
	roundTalks   = 162 // first direct US-Iran talks in Muscat, mid-2012 (~3.1 years)
	roundJPOA    = 238 // interim deal, 24 Nov 2013 (~4.55 years)
	roundJCPOA   = 320 // final deal, 14 July 2015 (~6.13 years)
)

func main() { studykit.Main("iran-oman", run) }

func run(args []string, stdout io.Writer) error {
	return studykit.Case{Name: "iran-oman", Scenario: scenarioYAML,
		Study: func(sc *sim.Scenario) *sim.Study {
			noMed := sc.Clone()
			noMed.Name = sc.Name + "-no-mediator"
			noMed.Mediator.Enabled = false
			btf := sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}
			return &sim.Study{Trajectories: true, Arms: []sim.Arm{
				{Label: "back-then-front, Oman", Scenario: sc, Policy: btf},
				{Label: "front-only, Oman", Scenario: sc, Policy: sim.FrontOnly{}},
				{Label: "back-then-front, no mediator", Scenario: noMed, Policy: btf},
			}}
		},
		Numbers: func(o studykit.Options, study *sim.Study, res *sim.StudyResult) (studykit.CaseNumbers, error) {
			cs, err := caseNumbers(study, res)
			return studykit.CaseNumbers{Numbers: cs, Table: func(w io.Writer) error { return writeCaseTable(w, cs) },
				Figures: []studykit.Figure{{Name: "incidence-record", Write: func(dir string) error { return recordFigure(dir, study, res) }}},
			}, err
		},
	}.Run(args, stdout)
}

// armCase holds the numbers this study reads against the record, per arm.
type armCase struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	// Cumulative incidence of ratified breakthrough by the rounds of the
	// JPOA and the JCPOA (Aalen-Johansen, collapse competing).
	ByJPOA  sim.IncidencePoint `json:"by_jpoa"`
	ByJCPOA sim.IncidencePoint `json:"by_jcpoa"`
	// Median time to breakthrough in years (from the cumulative incidence).
	MedianYears [3]sim.Num `json:"median_years"` // estimate, lower, upper
	// Median time to first talks (Kaplan-Meier; replications without talks
	// censored at their end), in rounds.
	FirstTalks [3]sim.Num `json:"first_talks"` // estimate, lower, upper
	// Median rounds from first talks to the ratified deal, among
	// breakthroughs (estimate, lower, upper; order-statistic interval).
	TalksToDeal [3]sim.Num `json:"talks_to_deal"`
	// Quantiles (10%, 50%, 90%) of the rounds from first talks to the
	// ratified deal, among breakthroughs, and their number.
	TalksToDealQ [3]sim.Num `json:"talks_to_deal_q10_q50_q90"`
	Deals        int        `json:"deals"`
	// Means over replications.
	Gestures     sim.MeanEstimate `json:"gestures"`
	Leaks        sim.MeanEstimate `json:"leaks"`
	RoundsBack   sim.MeanEstimate `json:"rounds_back"`
	RoundsFront  sim.MeanEstimate `json:"rounds_front"`
	SecretDeals  sim.Estimate     `json:"secret_deals"` // breakthroughs made in a secret channel
	Breakthrough sim.Estimate     `json:"breakthrough"`
}

func caseNumbers(study *sim.Study, res *sim.StudyResult) ([]armCase, error) {
	labels := study.Labels()
	var out []armCase
	for a, as := range res.Summary.Arms {
		cr, err := metrics.CumulativeIncidence(as.Events, 0.95, metrics.Log)
		if err != nil {
			return nil, err
		}
		bt := cr.Cause(int(sim.Breakthrough))
		ac := armCase{Label: labels[a], N: as.Events.N()}
		ac.ByJPOA, ac.ByJCPOA = incidenceAt(bt, roundJPOA), incidenceAt(bt, roundJCPOA)
		med := firstCross(bt.T, bt.F, 0.5)
		ac.MedianYears = [3]sim.Num{years(med), years(firstCross(bt.T, bt.Hi, 0.5)), years(firstCross(bt.T, bt.Lo, 0.5))}

		talks, _ := metrics.NewEventTable(1)
		var gest, leaks, rb, rf metrics.Moments
		secret, breaks := 0, 0
		var span []float64
		for _, ro := range res.Outcomes {
			o := ro.Arms[a]
			if o.FirstTalks > 0 {
				_ = talks.Add(o.FirstTalks, 1)
			} else {
				_ = talks.Add(o.Round, 0)
			}
			_ = gest.Add(float64(o.Gestures))
			_ = leaks.Add(float64(o.Leaks))
			_ = rb.Add(float64(o.RoundsBack + o.RoundsParallel))
			_ = rf.Add(float64(o.RoundsFront))
			if o.Kind == sim.Breakthrough {
				breaks++
				span = append(span, float64(o.Round-o.FirstTalks))
				if o.DealChannel == sim.Back || o.DealChannel == sim.Parallel {
					secret++
				}
			}
		}
		km, err := metrics.KaplanMeier(talks, 1, 0.95, metrics.LogLog)
		if err != nil {
			return nil, err
		}
		q := km.Median()
		ac.FirstTalks = [3]sim.Num{sim.Num(q.Value), sim.Num(q.Interval.Lo), sim.Num(q.Interval.Hi)}
		ac.TalksToDeal = studykit.MedianCI(span)
		ac.TalksToDealQ, ac.Deals = spanQuantiles(span), len(span)
		ac.Gestures, ac.Leaks = studykit.Mean(&gest), studykit.Mean(&leaks)
		ac.RoundsBack, ac.RoundsFront = studykit.Mean(&rb), studykit.Mean(&rf)
		ac.SecretDeals = studykit.Proportion(secret, breaks)
		ac.Breakthrough = studykit.Proportion(breaks, len(res.Outcomes))
		out = append(out, ac)
	}
	return out, nil
}

func writeCaseTable(w io.Writer, cs []armCase) error {
	fmt.Fprintf(w, "\nagainst the record (round 0 = May 2009; direct talks 2012 = round ~%d; JPOA Nov 2013 = round %d, %.2f y; JCPOA Jul 2015 = round %d, %.2f y)\n\n",
		roundTalks, roundJPOA, roundJPOA/weeksPerYear, roundJCPOA, roundJCPOA/weeksPerYear)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tmedian breakthrough (years)\tP(deal by JPOA)\tP(deal by JCPOA)\tmedian first talks (rounds)\tfirst talks to deal (rounds)\tdeals made in secret\tgestures (mean)\tleaks (mean)\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.2f\t\n", c.Label,
			studykit.FmtTriple(c.MedianYears, "%.2f"), fmtPoint(c.ByJPOA), fmtPoint(c.ByJCPOA),
			studykit.FmtTriple(c.FirstTalks, "%.0f"), studykit.FmtTriple(c.TalksToDeal, "%.0f"),
			studykit.FmtEst(c.SecretDeals), float64(c.Gestures.Mean), float64(c.Leaks.Mean))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	labels, qs, ns := make([]string, len(cs)), make([][3]sim.Num, len(cs)), make([]int, len(cs))
	for i, c := range cs {
		labels[i], qs[i], ns[i] = c.Label, c.TalksToDealQ, c.Deals
	}
	writeSpans(w, labels, qs, ns)
	fmt.Fprintf(w, "(%d replications per arm; 95%% intervals)\n", cs[0].N)
	return nil
}

// recordFigure draws the cumulative incidence of breakthrough and collapse
// per arm with the JPOA and JCPOA marked.
func recordFigure(dir string, study *sim.Study, res *sim.StudyResult) error {
	labels := study.Labels()
	var series []figures.IncidenceSeries
	for a, as := range res.Summary.Arms {
		cr, err := metrics.CumulativeIncidence(as.Events, 0.95, metrics.Log)
		if err != nil {
			return err
		}
		s, err := studyout.Incidence(labels[a], cr, study.Arms[a].Scenario.Horizon)
		if err != nil {
			return err
		}
		series = append(series, s)
	}
	p, err := figures.CumulativeIncidence(series)
	if err != nil {
		return err
	}
	p.Title.Text = "US-Iran via Oman: model vs record (JPOA, JCPOA)"
	grey := color.Gray{Y: 0x44}
	for _, m := range []struct {
		r    int
		name string
	}{{roundJPOA, "JPOA"}, {roundJCPOA, "JCPOA"}} {
		l, err := plotter.NewLine(plotter.XYs{{X: float64(m.r), Y: 0}, {X: float64(m.r), Y: 0.93}})
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: grey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(1.5), vg.Points(1.5)}}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{{X: float64(m.r) - 12, Y: 0.95}}, Labels: []string{m.name}})
		if err != nil {
			return err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Color = grey
		}
		p.Add(l, lb)
	}
	return figures.Save(p, dir, "incidence-record", studyout.Width, studyout.Height)
}

// incidenceAt reads the curve at round r. Before the first event the
// estimate is 0 and its upper limit the Wilson limit for 0 of N (as in
// sim.Report).
func incidenceAt(c *metrics.IncidenceCurve, r int) sim.IncidencePoint {
	p := sim.IncidencePoint{Round: r, CI: [2]sim.Num{0, sim.Num(math.NaN())}}
	if iv, err := metrics.Wilson(0, c.N, c.Level); err == nil {
		p.CI[1] = sim.Num(iv.Hi)
	}
	for i, t := range c.T {
		if t > r {
			break
		}
		if c.F[i] > 0 {
			p.P, p.CI = sim.Num(c.F[i]), [2]sim.Num{sim.Num(c.Lo[i]), sim.Num(c.Hi[i])}
		}
	}
	return p
}

func firstCross(t []int, v []float64, level float64) float64 {
	for i, x := range v {
		if x >= level {
			return float64(t[i])
		}
	}
	return math.NaN()
}

func years(r float64) sim.Num { return sim.Num(r / weeksPerYear) }

func fmtPoint(p sim.IncidencePoint) string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(p.P), float64(p.CI[0]), float64(p.CI[1]))
}

// spanQuantiles returns the 10%, 50% and 90% quantiles (v[⌊p·n⌋] of the
// sorted values) of the rounds from first talks to the ratified deal, or
// NaN without breakthroughs.
func spanQuantiles(v []float64) [3]sim.Num {
	if len(v) == 0 {
		return [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	q := func(p float64) sim.Num { return sim.Num(v[min(len(v)-1, int(p*float64(len(v))))]) }
	return [3]sim.Num{q(0.1), q(0.5), q(0.9)}
}

// writeSpans prints the quantiles of the rounds from first talks to the
// ratified deal per arm (breakthroughs only).
func writeSpans(w io.Writer, labels []string, q [][3]sim.Num, n []int) {
	fmt.Fprintln(w, "\nfirst talks → ratified deal, breakthroughs only (rounds, 10% / 50% / 90% quantiles)")
	for i, l := range labels {
		if math.IsNaN(float64(q[i][1])) {
			fmt.Fprintf(w, "  %s: – (n=0)\n", l)
			continue
		}
		fmt.Fprintf(w, "  %s: %.0f / %.0f / %.0f (n=%d)\n", l, float64(q[i][0]), float64(q[i][1]), float64(q[i][2]), n[i])
	}
}
