// Command oslo is a worked example study: the 1993 Oslo channel, a secret
// Israel-PLO channel hosted by Norway beside the stalled public Washington
// talks. It compares, on common random numbers, parallel channels (the
// case), public talks only and a back channel only, with capable total
// outside spoilers whose attacks follow exposure. It reads the time to a
// breakthrough against the record (about 8 months from the first secret
// meeting to the signing), and the spoiler side of the story through attack
// rates before and after exposure, mobilisation bands and the number of back
// channels opened per replication.
//
//	go run ./examples/oslo [--reps 2000] [--seed 1] [--out ./oslo-out] [--workers 0]
//
// See README.md in this directory for the scenario, results and caveats.
package main

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

// Record durations in rounds (weeks) from the first secret meeting at
// Borregaard Manor, January 1993 (Israel State Archives; Kydd & Walter 2002;
// docs/REFERENCES.md).
const (
	roundSigning = 35  // Declaration of Principles signed 13 Sep 1993 (~8 months)
	roundStall   = 175 // Netanyahu elected 26 May 1996 after the Feb-Mar 1996 bombings (~3.4 years)
)

func main() { studykit.Main("oslo", run) }

func run(args []string, stdout io.Writer) error {
	return studykit.Case{Name: "oslo", Scenario: scenarioYAML,
		Study: func(sc *sim.Scenario) *sim.Study {
			return sim.PolicyStudy(sc, []sim.Policy{sim.ParallelChannels{}, sim.FrontOnly{}, sim.BackOnly{}})
		},
		Numbers: func(o studykit.Options, study *sim.Study, res *sim.StudyResult) (studykit.CaseNumbers, error) {
			cs := caseNumbers(study, res)
			return studykit.CaseNumbers{Numbers: cs, Table: func(w io.Writer) error { return writeCaseTable(w, cs) },
				Figures: []studykit.Figure{
					{Name: "attack-rates", Write: func(dir string) error { return attackFigure(dir, cs) }},
					{Name: "mobilisation", Write: func(dir string) error { return mobilisationFigure(dir, study, res) }},
				},
			}, nil
		},
	}.Run(args, stdout)
}

// rate is an event rate per 100 rounds with its exact (Garwood) Poisson
// interval.
type rate struct {
	Events int        `json:"events"`
	Rounds int        `json:"rounds"`
	Per100 sim.Num    `json:"per_100_rounds"`
	CI     [2]sim.Num `json:"ci"`
}

func poissonRate(k, rounds int) rate {
	r := rate{Events: k, Rounds: rounds, Per100: sim.Num(math.NaN()), CI: [2]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN())}}
	if rounds == 0 {
		return r
	}
	t := float64(rounds) / 100
	lo := 0.0
	if k > 0 {
		lo = distuv.ChiSquared{K: float64(2 * k)}.Quantile(0.025) / 2
	}
	hi := distuv.ChiSquared{K: float64(2*k + 2)}.Quantile(0.975) / 2
	r.Per100 = sim.Num(float64(k) / t)
	r.CI = [2]sim.Num{sim.Num(lo / t), sim.Num(hi / t)}
	return r
}

// armCase holds the numbers this study reads against the record, per arm.
type armCase struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	// Median rounds from first talks to the ratified deal, among
	// breakthroughs (estimate, lower, upper; order-statistic interval).
	TalksToDeal [3]sim.Num `json:"talks_to_deal"`
	// Share of replications with a ratified deal within roundSigning
	// rounds of first talks.
	DealWithin8Months sim.Estimate `json:"deal_within_8_months"`
	// Attacks per 100 rounds of talks while the secret channel was
	// unexposed, and while talks were visible (public, exposed or awaiting
	// a vote).
	AttackRateSecret  rate `json:"attack_rate_secret"`
	AttackRateVisible rate `json:"attack_rate_visible"`
	// Median round of the first attack (Kaplan-Meier; replications without
	// an attack censored at their end).
	FirstAttack [3]sim.Num `json:"first_attack"`
	// Share of replications with at least one attack.
	AnyAttack sim.Estimate `json:"any_attack"`
	// Back channels opened per replication: share with 2 or more, 3 or
	// more, and the largest number.
	TwoOrMoreChannels   sim.Estimate `json:"two_or_more_back_channels"`
	ThreeOrMoreChannels sim.Estimate `json:"three_or_more_back_channels"`
	MaxChannels         int          `json:"max_back_channels"`
	// Among replications without a breakthrough: share that saw at least
	// one attack, and mean number of breakdowns.
	NoDealAttacked   sim.Estimate     `json:"no_deal_attacked"`
	NoDealBreakdowns sim.MeanEstimate `json:"no_deal_breakdowns"`
	// Share of replications with a second impasse (docs/MODEL.md 7.18)
	// within roundSigning and roundStall rounds of first talks: the
	// process stuck a second time within the record's 8 months and 3.4
	// years.
	RepeatedBySigning sim.Estimate `json:"repeated_impasse_by_signing"`
	RepeatedByStall   sim.Estimate `json:"repeated_impasse_by_stall"`
}

func caseNumbers(study *sim.Study, res *sim.StudyResult) []armCase {
	labels := study.Labels()
	var out []armCase
	for a := range study.Arms {
		ac := armCase{Label: labels[a], N: len(res.Outcomes)}
		first, _ := metrics.NewEventTable(1)
		var span []float64
		within, attacked, two, three, noDeal, noDealAtt, repSign, repStall := 0, 0, 0, 0, 0, 0, 0, 0
		var secA, secR, visA, visR int
		var nbd metrics.Moments
		for _, ro := range res.Outcomes {
			o := ro.Arms[a]
			secA += o.AttacksSecret
			secR += o.RoundsSecret
			visA += o.AttacksVisible
			visR += o.RoundsVisible
			if o.FirstAttack > 0 {
				_ = first.Add(o.FirstAttack, 1)
				attacked++
			} else {
				_ = first.Add(o.Round, 0)
			}
			if o.BackChannels >= 2 {
				two++
			}
			if o.BackChannels >= 3 {
				three++
			}
			ac.MaxChannels = max(ac.MaxChannels, o.BackChannels)
			// Rounds from first talks: every impasse comes after them.
			if o.Impasses >= 2 {
				d := o.ImpasseRounds[1] - o.FirstTalks
				if d <= roundSigning {
					repSign++
				}
				if d <= roundStall {
					repStall++
				}
			}
			if o.Kind == sim.Breakthrough {
				d := o.Round - o.FirstTalks
				span = append(span, float64(d))
				if d <= roundSigning {
					within++
				}
			} else {
				noDeal++
				if o.Attacks > 0 {
					noDealAtt++
				}
				_ = nbd.Add(float64(o.Breakdowns))
			}
		}
		ac.TalksToDeal = studykit.MedianCI(span)
		ac.DealWithin8Months = studykit.Proportion(within, ac.N)
		ac.AttackRateSecret, ac.AttackRateVisible = poissonRate(secA, secR), poissonRate(visA, visR)
		ac.FirstAttack = [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
		if km, err := metrics.KaplanMeier(first, 1, 0.95, metrics.LogLog); err == nil {
			q := km.Median()
			ac.FirstAttack = [3]sim.Num{sim.Num(q.Value), sim.Num(q.Interval.Lo), sim.Num(q.Interval.Hi)}
		}
		ac.AnyAttack = studykit.Proportion(attacked, ac.N)
		ac.TwoOrMoreChannels, ac.ThreeOrMoreChannels = studykit.Proportion(two, ac.N), studykit.Proportion(three, ac.N)
		ac.NoDealAttacked = studykit.Proportion(noDealAtt, noDeal)
		ac.NoDealBreakdowns = studykit.Mean(&nbd)
		ac.RepeatedBySigning, ac.RepeatedByStall = studykit.Proportion(repSign, ac.N), studykit.Proportion(repStall, ac.N)
		out = append(out, ac)
	}
	return out
}

func writeCaseTable(w io.Writer, cs []armCase) error {
	fmt.Fprintf(w, "\nagainst the record (round 0 = first secret meeting, Jan 1993; DoP signed after ~%d rounds; stall ~%d rounds)\n\n", roundSigning, roundStall)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tfirst talks → deal (rounds)\tdeal within 8 months of talks\tattacks/100 secret rounds\tattacks/100 visible rounds\tfirst attack (rounds)\t≥2 back channels\t≥3 back channels\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Label,
			studykit.FmtTriple(c.TalksToDeal, "%.0f"), studykit.FmtEst(c.DealWithin8Months),
			fmtRate(c.AttackRateSecret), fmtRate(c.AttackRateVisible), studykit.FmtTriple(c.FirstAttack, "%.0f"),
			studykit.FmtEst(c.TwoOrMoreChannels), studykit.FmtEst(c.ThreeOrMoreChannels))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "(%d replications per arm; 95%% intervals; attack rates with exact Poisson intervals, rounds in the denominator)\n", cs[0].N)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\narm\treplications without a deal: attacked\tbreakdowns (mean)\tmost back channels\t2nd impasse ≤ %d rounds of first talks\t≤ %d rounds\t\n", roundSigning, roundStall)
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%.2f [%.2f, %.2f]\t%d\t%s\t%s\t\n", c.Label, studykit.FmtEst(c.NoDealAttacked),
			float64(c.NoDealBreakdowns.Mean), float64(c.NoDealBreakdowns.CI[0]), float64(c.NoDealBreakdowns.CI[1]), c.MaxChannels,
			studykit.FmtEst(c.RepeatedBySigning), studykit.FmtEst(c.RepeatedByStall))
	}
	return tw.Flush()
}

// attackFigure draws the attack rate per 100 rounds of secret and of
// visible talks for each arm (points) with exact Poisson intervals
// (whiskers).
func attackFigure(dir string, cs []armCase) error {
	pl := figures.NewPlot("", "Attacks per 100 rounds of talks")
	pl.Title.Text = "Spoiler attacks before and after exposure"
	for i, c := range cs {
		dx := 0.12 * (float64(i) - float64(len(cs)-1)/2)
		var pts []figures.Estimate
		for j, r := range []rate{c.AttackRateSecret, c.AttackRateVisible} {
			if r.Rounds == 0 {
				continue
			}
			pts = append(pts, figures.Estimate{X: float64(j), Y: nz(r.Per100), Lo: nz(r.CI[0]), Hi: nz(r.CI[1])})
		}
		if err := figures.AddEstimates(pl, i, c.Label, pts, dx); err != nil {
			return err
		}
	}
	pl.X.Min, pl.X.Max = -0.5, 1.5
	pl.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "secret, unexposed"}, {Value: 1, Label: "visible (public or exposed)"}})
	pl.Y.Min = 0
	pl.Legend.Top, pl.Legend.Left = true, true
	return figures.Save(pl, dir, "attack-rates", studyout.Width, studyout.Height)
}

// nz maps NaN to 0 for drawing.
func nz(x sim.Num) float64 {
	if math.IsNaN(float64(x)) {
		return 0
	}
	return float64(x)
}

// mobilisationFigure draws the spoiler-mobilisation bands alone (the third
// panel of the standard trajectories figure), at the standard size.
func mobilisationFigure(dir string, study *sim.Study, res *sim.StudyResult) error {
	labels := study.Labels()
	var series []figures.TrajectorySeries
	for a, as := range res.Summary.Arms {
		series = append(series, figures.TrajectorySeries{Label: labels[a], Bands: as.Mobilisation})
	}
	f, err := figures.Trajectories([]figures.TrajectoryPanel{{
		Title: "Spoiler mobilisation (replications still undecided)", YLabel: "Max. mobilisation (0–1)",
		Series: series, MinCount: max(10, res.Succeeded()/100),
	}})
	if err != nil {
		return err
	}
	// Wider than the standard figure so that the legend row fits.
	return figures.SaveFigure(f, dir, "mobilisation", 1.5*studyout.Width, studyout.Height)
}

func fmtRate(r rate) string {
	if math.IsNaN(float64(r.Per100)) {
		return "– (0 rounds)"
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", float64(r.Per100), float64(r.CI[0]), float64(r.CI[1]))
}
