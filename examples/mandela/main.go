// Command mandela is a worked example study: the secret talks between the
// imprisoned Nelson Mandela and the apartheid government (1985-1990), while
// public talks with the ANC were blocked by a precondition (renounce
// violence). It compares, on common random numbers, public talks only, a
// back channel first then public talks, and a back channel only, and reads
// the time to first talks and to a breakthrough against the record: contacts
// from late 1985, the secret working group from May 1988, Mandela's release
// in February 1990 (about 21 months later).
//
//	go run ./examples/mandela [--reps 2000] [--seed 1] [--out ./mandela-out] [--workers 0]
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

	"gonum.org/v1/plot"
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

// Record dates in rounds (weeks) after Coetsee's first contact with Mandela
// in late 1985 (README.md; docs/REFERENCES.md, "Case studies").
const (
	roundWorkingGroup = 130 // first formal working-group meeting, May 1988 (~2.5 years)
	roundRelease      = 221 // Mandela released, 11 Feb 1990 (~4.25 years)
	roundsGroupToDeal = 91  // May 1988 to Feb 1990: ~21 months
)

func main() { studykit.Main("mandela", run) }

func run(args []string, stdout io.Writer) error {
	return studykit.Case{Name: "mandela", Scenario: scenarioYAML,
		Study: func(sc *sim.Scenario) *sim.Study {
			return sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}, sim.BackOnly{}})
		},
		Numbers: func(o studykit.Options, study *sim.Study, res *sim.StudyResult) (studykit.CaseNumbers, error) {
			cs, curves, err := caseNumbers(study, res)
			return studykit.CaseNumbers{Numbers: cs, Table: func(w io.Writer) error { return writeCaseTable(w, cs) },
				Figures: []studykit.Figure{{Name: "first-talks", Write: func(dir string) error { return firstTalksFigure(dir, study, curves) }}},
			}, err
		},
	}.Run(args, stdout)
}

// armCase holds the numbers this study reads against the record, per arm.
type armCase struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	// Median round of first talks (Kaplan-Meier; replications that never
	// talk are censored at the horizon): estimate, lower, upper.
	FirstTalks [3]sim.Num `json:"first_talks"`
	// Share of replications that had talked by the round of the working
	// group (May 1988) and by the horizon.
	TalksByWorkingGroup sim.Estimate `json:"talks_by_working_group"`
	TalksEver           sim.Estimate `json:"talks_ever"`
	// Median round of the ratified breakthrough (from the report's
	// cumulative incidence), and the share by the release date.
	Breakthrough        [3]sim.Num   `json:"breakthrough_round"`
	BreakthroughRelease sim.Estimate `json:"breakthrough_by_release"`
	// Median rounds from first talks to the deal among breakthroughs.
	TalksToDeal [3]sim.Num `json:"talks_to_deal"`
	// Quantiles (10%, 50%, 90%) of the rounds from first talks to the
	// ratified deal, among breakthroughs, and their number.
	TalksToDealQ [3]sim.Num `json:"talks_to_deal_q10_q50_q90"`
	Deals        int        `json:"deals"`
	// Mean rounds in a back channel and in public talks.
	RoundsBack  sim.MeanEstimate `json:"rounds_back"`
	RoundsFront sim.MeanEstimate `json:"rounds_front"`
	Leaks       sim.MeanEstimate `json:"leaks"`
}

func caseNumbers(study *sim.Study, res *sim.StudyResult) ([]armCase, []*metrics.SurvivalCurve, error) {
	labels := study.Labels()
	var out []armCase
	var curves []*metrics.SurvivalCurve
	rep, err := sim.NewReport(study, res, 0.95)
	if err != nil {
		return nil, nil, err
	}
	for a := range study.Arms {
		ac := armCase{Label: labels[a], N: len(res.Outcomes)}
		talks, _ := metrics.NewEventTable(1)
		var span []float64
		byGroup, ever, byRelease := 0, 0, 0
		var rb, rf, lk metrics.Moments
		for _, ro := range res.Outcomes {
			o := ro.Arms[a]
			if o.FirstTalks > 0 {
				_ = talks.Add(o.FirstTalks, 1)
				ever++
				if o.FirstTalks <= roundWorkingGroup {
					byGroup++
				}
			} else {
				_ = talks.Add(o.Round, 0)
			}
			if o.Kind == sim.Breakthrough {
				span = append(span, float64(o.Round-o.FirstTalks))
				if o.Round <= roundRelease {
					byRelease++
				}
			}
			_ = rb.Add(float64(o.RoundsBack + o.RoundsParallel))
			_ = rf.Add(float64(o.RoundsFront))
			_ = lk.Add(float64(o.Leaks))
		}
		km, err := metrics.KaplanMeier(talks, 1, 0.95, metrics.LogLog)
		if err != nil {
			return nil, nil, err
		}
		curves = append(curves, km)
		q := km.Median()
		ac.FirstTalks = [3]sim.Num{sim.Num(q.Value), sim.Num(q.Interval.Lo), sim.Num(q.Interval.Hi)}
		ac.TalksByWorkingGroup, ac.TalksEver = studykit.Proportion(byGroup, ac.N), studykit.Proportion(ever, ac.N)
		t := rep.Arms[a].TimeToBreakthrough
		ac.Breakthrough = [3]sim.Num{t.Median, t.CI[0], t.CI[1]}
		ac.BreakthroughRelease = studykit.Proportion(byRelease, ac.N)
		ac.TalksToDeal = studykit.MedianCI(span)
		ac.TalksToDealQ, ac.Deals = spanQuantiles(span), len(span)
		ac.RoundsBack, ac.RoundsFront, ac.Leaks = studykit.Mean(&rb), studykit.Mean(&rf), studykit.Mean(&lk)
		out = append(out, ac)
	}
	return out, curves, nil
}

func writeCaseTable(w io.Writer, cs []armCase) error {
	fmt.Fprintf(w, "\nagainst the record (round 0 = late 1985; working group May 1988 = round %d; release Feb 1990 = round %d; working group to release %d rounds)\n\n",
		roundWorkingGroup, roundRelease, roundsGroupToDeal)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tfirst talks (median round)\ttalks by May 1988\ttalks ever\tbreakthrough (median round)\tbreakthrough by Feb 1990\tfirst talks → deal (rounds)\trounds back / front (mean)\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f / %.0f\t\n", c.Label,
			studykit.FmtTriple(c.FirstTalks, "%.0f"), studykit.FmtEst(c.TalksByWorkingGroup), studykit.FmtEst(c.TalksEver),
			studykit.FmtTriple(c.Breakthrough, "%.0f"), studykit.FmtEst(c.BreakthroughRelease), studykit.FmtTriple(c.TalksToDeal, "%.0f"),
			float64(c.RoundsBack.Mean), float64(c.RoundsFront.Mean))
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

// firstTalksFigure draws the cumulative probability of first talks by
// round (1 − Kaplan-Meier survival) per arm, with the working group and the
// release marked.
func firstTalksFigure(dir string, study *sim.Study, curves []*metrics.SurvivalCurve) error {
	labels := study.Labels()
	p := figures.NewPlot("Round (weeks after late 1985)", "Share of replications with talks")
	p.Title.Text = "Time to first talks: a precondition blocks public talks"
	horizon := float64(study.Arms[0].Scenario.Horizon)
	for i, c := range curves {
		xy := plotter.XYs{{X: 0, Y: 0}}
		last := 0.0
		for j, t := range c.T {
			xy = append(xy, plotter.XY{X: float64(t), Y: last})
			last = 1 - c.S[j]
			xy = append(xy, plotter.XY{X: float64(t), Y: last})
		}
		xy = append(xy, plotter.XY{X: horizon, Y: last})
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: figures.SeriesColor(i), Width: vg.Points(1.4)}
		if i == 2 {
			// Both back-channel policies open talks at the same rounds on
			// common random numbers: dash the second so both show.
			l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(labels[i], l)
	}
	grey := color.Gray{Y: 0x44}
	for _, m := range []struct {
		r    int
		y    float64
		name string
	}{{roundWorkingGroup, 0.6, "working group"}, {roundRelease, 0.45, "release"}} {
		l, err := plotter.NewLine(plotter.XYs{{X: float64(m.r), Y: 0}, {X: float64(m.r), Y: 0.9}})
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: grey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(1.5), vg.Points(1.5)}}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{{X: float64(m.r) + 4, Y: m.y}}, Labels: []string{m.name}})
		if err != nil {
			return err
		}
		for k := range lb.TextStyle {
			lb.TextStyle[k].Color = grey
			lb.TextStyle[k].Font = p.X.Tick.Label.Font // the house tick font
		}
		p.Add(l, lb)
	}
	p.X.Min, p.X.Max = 0, horizon
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 104, Label: "104"}, {Value: 208, Label: "208"}, {Value: 312, Label: "312"}, {Value: 416, Label: "416"}, {Value: 520, Label: "520"}})
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.YOffs = vg.Points(24)
	return figures.Save(p, dir, "first-talks", studyout.Width, studyout.Height)
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
