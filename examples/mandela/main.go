// Command mandela is a worked example study: the secret talks between the
// imprisoned Nelson Mandela and the apartheid government (1985-1990), while
// public talks with the ANC were blocked by a precondition (renounce
// violence). It compares, on common random numbers, public talks only, a
// back channel first then public talks, and a back channel only, and reads
// the time to first talks and to a breakthrough against the record: contacts
// from late 1985, the secret working group from May 1988, Mandela's release
// in February 1990 (about 21 months later). A second part runs the case's
// policy (back channel, then public talks) on variants of the scenario in
// which one side, or neither side, holds a ratification vote on a deal: in
// the record no constituency voted on the secret talks.
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
	"path/filepath"
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
	roundReferendum   = 330 // white referendum endorsing negotiations, 17 Mar 1992 (~6.35 years)
)

// The study's arms. Part 1 is the scenario as published under three
// policies; part 2 runs the case's policy (back-then-front) on variants in
// which a side's constituents do not vote on a deal (its ratify_threshold
// set to 0, so its ballot always passes: support is never below 0).
const (
	armFront         = iota // front-only, published scenario (the reference arm)
	armBackThenFront        // back-then-front, published scenario (the case)
	armBackOnly             // back-only, published scenario
	armANCNoVote            // back-then-front, the ANC side does not vote
	armNoVote               // back-then-front, neither side votes
	armGovNoVote            // back-then-front, the government side does not vote (diagnostic)
	partOneArms      = armBackOnly + 1
	governmentIdx    = 0 // parties[0] in scenario.yaml
	ancIdx           = 1 // parties[1]
)

// noVote returns a copy of sc in which the sides marked true do not vote:
// their ratify_threshold is 0. The copy is named sc.Name plus suffix.
func noVote(sc *sim.Scenario, suffix string, government, anc bool) *sim.Scenario {
	v := sc.Clone()
	v.Name = sc.Name + "-" + suffix
	if government {
		v.Parties[governmentIdx].RatifyThreshold = 0
	}
	if anc {
		v.Parties[ancIdx].RatifyThreshold = 0
	}
	return v
}

// newStudy returns the study's arms on the parsed scenario sc, in the order
// of the arm constants.
func newStudy(sc *sim.Scenario) *sim.Study {
	btf := sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}
	return &sim.Study{Trajectories: true, Arms: []sim.Arm{
		{Label: "front-only", Scenario: sc, Policy: sim.FrontOnly{}},
		{Label: "back-then-front", Scenario: sc, Policy: btf},
		{Label: "back-only", Scenario: sc, Policy: sim.BackOnly{}},
		{Label: "ANC no vote", Scenario: noVote(sc, "anc-no-vote", false, true), Policy: btf},
		{Label: "no votes", Scenario: noVote(sc, "no-votes", true, true), Policy: btf},
		{Label: "government no vote", Scenario: noVote(sc, "government-no-vote", true, false), Policy: btf},
	}}
}

func main() { studykit.Main("mandela", run) }

func run(args []string, stdout io.Writer) error {
	return studykit.Case{Name: "mandela", Scenario: scenarioYAML,
		Study: newStudy,
		Numbers: func(o studykit.Options, study *sim.Study, res *sim.StudyResult) (studykit.CaseNumbers, error) {
			cs, curves, err := caseNumbers(study, res)
			return studykit.CaseNumbers{Numbers: cs, Table: func(w io.Writer) error { return writeCaseTable(w, cs) },
				Figures: []studykit.Figure{
					{Name: "first-talks", Write: func(dir string) error { return firstTalksFigure(dir, study, curves[:partOneArms]) }},
					{Name: "votes", Write: func(dir string) error { return votesFigure(dir, study, res) }},
					{Name: "readme-150dpi", Write: func(dir string) error { return readmeCopies(dir, study, res) }},
				},
			}, err
		},
	}.Run(args, stdout)
}

// armCase holds the numbers this study reads against the record, per arm.
type armCase struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	// Ratification thresholds of the government and the ANC side in this
	// arm's scenario (0: that side does not vote).
	Thresholds [2]float64 `json:"ratify_thresholds"`
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
	// Share with a breakthrough by the white referendum of March 1992, by
	// the horizon, and with a collapse.
	BreakthroughReferendum sim.Estimate `json:"breakthrough_by_referendum"`
	BreakthroughEver       sim.Estimate `json:"breakthrough"`
	Collapse               sim.Estimate `json:"collapse"`
	// Share of votes on deals sprung from a back channel that passed.
	SecretPass sim.Estimate `json:"secret_pass"`
	// Mean back channels opened per replication.
	BackChannels sim.MeanEstimate `json:"back_channels"`
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
	// VsCase compares a part-2 arm with back-then-front on the published
	// scenario, replication by replication (nil for part 1).
	VsCase *vsCase `json:"vs_case,omitempty"`
}

// vsCase holds paired differences (this arm minus back-then-front on the
// published scenario, common random numbers) with Newcombe intervals.
type vsCase struct {
	BreakthroughRelease pairedDiff `json:"breakthrough_by_release"`
	Breakthrough        pairedDiff `json:"breakthrough"`
	Collapse            pairedDiff `json:"collapse"`
}

// pairedDiff is a difference of two shares on the same replications.
type pairedDiff struct {
	Diff sim.Num    `json:"diff"`
	SE   sim.Num    `json:"se"`
	CI   [2]sim.Num `json:"ci"`
	N    int        `json:"n"`
}

func newPairedDiff(t metrics.PairedTable) (pairedDiff, error) {
	d, err := metrics.PairedDifference(t, studykit.Level)
	if err != nil {
		return pairedDiff{}, err
	}
	return pairedDiff{Diff: sim.Num(d.D), SE: sim.Num(d.SE), CI: [2]sim.Num{sim.Num(d.Interval.Lo), sim.Num(d.Interval.Hi)}, N: d.N}, nil
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
		sc := study.Arms[a].Scenario
		ac := armCase{Label: labels[a], N: len(res.Outcomes),
			Thresholds: [2]float64{sc.Parties[governmentIdx].RatifyThreshold, sc.Parties[ancIdx].RatifyThreshold}}
		talks, _ := metrics.NewEventTable(1)
		var span []float64
		byGroup, ever, byRelease, byReferendum := 0, 0, 0, 0
		var rb, rf, lk metrics.Moments
		var dRelease, dBreak, dCollapse metrics.PairedTable
		for _, ro := range res.Outcomes {
			o, c := ro.Arms[a], ro.Arms[armBackThenFront]
			dRelease.Add(released(o), released(c))
			dBreak.Add(o.Kind == sim.Breakthrough, c.Kind == sim.Breakthrough)
			dCollapse.Add(o.Kind == sim.Collapse, c.Kind == sim.Collapse)
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
				if o.Round <= roundReferendum {
					byReferendum++
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
		ac.BreakthroughReferendum = studykit.Proportion(byReferendum, ac.N)
		ar := rep.Arms[a]
		ac.BreakthroughEver, ac.Collapse = ar.Outcomes.Breakthrough, ar.Outcomes.Collapse
		ac.SecretPass, ac.BackChannels = ar.Ratification.Secret, ar.Counts.BackChannels
		if a >= partOneArms {
			var vs vsCase
			for _, d := range []struct {
				dst *pairedDiff
				t   metrics.PairedTable
			}{{&vs.BreakthroughRelease, dRelease}, {&vs.Breakthrough, dBreak}, {&vs.Collapse, dCollapse}} {
				if *d.dst, err = newPairedDiff(d.t); err != nil {
					return nil, nil, err
				}
			}
			ac.VsCase = &vs
		}
		ac.TalksToDeal = studykit.MedianCI(span)
		ac.TalksToDealQ, ac.Deals = studykit.SpanQuantiles(span), len(span)
		ac.RoundsBack, ac.RoundsFront, ac.Leaks = studykit.Mean(&rb), studykit.Mean(&rf), studykit.Mean(&lk)
		out = append(out, ac)
	}
	return out, curves, nil
}

// released reports whether o is a breakthrough by the release date.
func released(o sim.Outcome) bool { return o.Kind == sim.Breakthrough && o.Round <= roundRelease }

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
	studykit.WriteSpans(w, labels, qs, ns)
	fmt.Fprintf(w, "\npart 2: back-then-front without ratification votes (ratify_threshold 0 for a side that does not vote); Δ: paired difference from back-then-front on the published scenario\n\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tthresholds (gov / ANC)\tbreakthrough by Feb 1990\tΔ\tbreakthrough by Mar 1992\tbreakthrough\tΔ\tcollapse\tΔ\tsecret deals passed\tback channels (mean)\t")
	for _, c := range cs[armBackThenFront:] {
		d := [3]string{"", "", ""}
		if c.VsCase != nil {
			d = [3]string{fmtDiff(c.VsCase.BreakthroughRelease), fmtDiff(c.VsCase.Breakthrough), fmtDiff(c.VsCase.Collapse)}
		}
		fmt.Fprintf(tw, "%s\t%g / %g\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Label, c.Thresholds[0], c.Thresholds[1],
			studykit.FmtEst(c.BreakthroughRelease), d[0], studykit.FmtEst(c.BreakthroughReferendum), studykit.FmtEst(c.BreakthroughEver), d[1],
			studykit.FmtEst(c.Collapse), d[2], studykit.FmtEst(c.SecretPass), fmtMean(c.BackChannels))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "(%d replications per arm; 95%% intervals)\n", cs[0].N)
	return nil
}

func fmtDiff(d pairedDiff) string {
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", float64(d.Diff), float64(d.CI[0]), float64(d.CI[1]))
}

func fmtMean(m sim.MeanEstimate) string {
	return fmt.Sprintf("%.2f [%.2f, %.2f]", float64(m.Mean), float64(m.CI[0]), float64(m.CI[1]))
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

// votesW and votesH are the size of the votes figure: page width with the legend
// beside the axes, as the standard incidence figure.
var votesW, votesH = studyout.PageWidth, 9 * vg.Centimeter

// votesFigure writes the figure of buildVotes in every format.
func votesFigure(dir string, study *sim.Study, res *sim.StudyResult) error {
	f, err := buildVotes(study, res)
	if err != nil {
		return err
	}
	return figures.SaveFigure(f, dir, "votes", votesW, votesH)
}

// readmeCopies writes the README's copies of the votes figure and of the
// standard incidence and channels figures as NAME-150dpi.png, at 150 dpi
// rather than the 300 of figures.Save, so that with six arms each stays
// under the 200 KB the examples keep committed figures to. It writes
// nothing unless figures.Formats includes PNG.
func readmeCopies(dir string, study *sim.Study, res *sim.StudyResult) error {
	if !slices.Contains(figures.Formats, "png") {
		return nil
	}
	figs, err := studyout.BuildStudyFigures(study, res, studyout.Options{})
	if err != nil {
		return err
	}
	votes, err := buildVotes(study, res)
	if err != nil {
		return err
	}
	figs = append(figs, studyout.NamedFigure{Name: "votes", Figure: votes, W: votesW, H: votesH})
	for _, f := range figs {
		if f.Name != "incidence" && f.Name != "channels" && f.Name != "votes" {
			continue
		}
		if err := studykit.WritePNG(filepath.Join(dir, f.Name+"-150dpi.png"), studykit.RenderPNG(f.Figure, f.W, f.H, 150)); err != nil {
			return fmt.Errorf("%s-150dpi.png: %w", f.Name, err)
		}
	}
	return nil
}

// buildVotes draws the cumulative incidence of breakthrough and collapse
// (Aalen-Johansen, 95% pointwise bands) of back-then-front on the published
// scenario and on the variants without votes, with the release and the
// referendum of March 1992 marked.
func buildVotes(study *sim.Study, res *sim.StudyResult) (figures.Figure, error) {
	labels := study.Labels()
	var series []figures.IncidenceSeries
	for a := armBackThenFront; a < len(study.Arms); a++ {
		if a == armBackOnly {
			continue
		}
		cr, err := metrics.CumulativeIncidence(res.Summary.Arms[a].Events, studykit.Level, metrics.Log)
		if err != nil {
			return nil, err
		}
		s, err := studyout.Incidence(labels[a], cr, study.Arms[a].Scenario.Horizon)
		if err != nil {
			return nil, err
		}
		series = append(series, s)
	}
	p, err := figures.CumulativeIncidence(series)
	if err != nil {
		return nil, err
	}
	p.Title.Text = "Back channel, then public talks, with and without ratification votes"
	grey := color.Gray{Y: 0x44}
	for _, m := range []struct {
		r    int
		name string
	}{{roundRelease, "release"}, {roundReferendum, "referendum"}} {
		l, err := plotter.NewLine(plotter.XYs{{X: float64(m.r), Y: 0}, {X: float64(m.r), Y: 1}})
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: grey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(1.5), vg.Points(1.5)}}
		// Between the curves that level off at about 0.67 and 0.97.
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{{X: float64(m.r) + 4, Y: 0.78}}, Labels: []string{m.name}})
		if err != nil {
			return nil, err
		}
		for k := range lb.TextStyle {
			lb.TextStyle[k].Color = grey
			lb.TextStyle[k].Font = p.X.Tick.Label.Font
		}
		p.Add(l, lb)
	}
	return figures.Outside{Plot: p}, nil
}
