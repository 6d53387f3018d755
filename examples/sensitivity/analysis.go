package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// early is the "within five years" milestone in weekly rounds.
const early = 260

// outputs are the outcomes whose sensitivity is analysed: (a) ratified
// breakthrough, by the horizon and within five years; (b) repeated impasse,
// as the impasse share at the horizon and as failed ratifications per
// replication (deals struck and then voted down, again and again).
var outputs = []struct{ key, label string }{
	{"breakthrough", "P(ratified breakthrough by the horizon)"},
	{"breakthrough_5y", "P(ratified breakthrough within 5 years)"},
	{"impasse", "P(impasse at the horizon)"},
	{"failed_ratifications", "Failed ratifications per replication"},
}

// gsa is the study's result.
type gsa struct {
	opts    options
	horizon int
	names   []string
	whys    []string
	lo, hi  []float64
	x       [][]float64 // design points × parameters
	pts     []pointOutcomes
	y       [][]float64 // outputs × points
	fits    []fit
}

func analyse(d *mc.Design[sim.Arm], points []sim.SweepPoint, o options, whys []string) (*gsa, error) {
	g := &gsa{opts: o, whys: whys}
	for _, p := range d.Params {
		g.names = append(g.names, p.Name)
		g.lo, g.hi = append(g.lo, p.Lo), append(g.hi, p.Hi)
	}
	g.y = make([][]float64, len(outputs))
	for _, pt := range points {
		s := &sim.Study{Arms: []sim.Arm{pt.Params}}
		rep, err := sim.NewReport(s, pt.Result, conf)
		if err != nil {
			return nil, err
		}
		a := rep.Arms[0]
		g.horizon = a.Horizon
		po := pointOutcomes{Breakthrough: a.Outcomes.Breakthrough, Impasse: a.Outcomes.Impasse, Collapse: a.Outcomes.Collapse,
			Failed: a.Counts.FailedRatifications, BackChannels: a.Counts.BackChannels}
		po.Early = sim.Estimate{N: po.Breakthrough.N}
		for _, ip := range a.Incidence["breakthrough"] {
			if ip.Round == min(early, a.Horizon) {
				po.Early.P, po.Early.CI = ip.P, ip.CI
			}
		}
		g.x = append(g.x, pt.Values)
		g.pts = append(g.pts, po)
		for k, v := range []float64{float64(po.Breakthrough.P), float64(po.Early.P), float64(po.Impasse.P), float64(po.Failed.Mean)} {
			g.y[k] = append(g.y[k], v)
		}
	}
	relIdx := -1
	for i, nm := range g.names {
		if nm == "policy.reliance" {
			relIdx = i
		}
	}
	for k, out := range outputs {
		f, err := sensitivity(g.names, g.x, g.y[k], [2]uint64{o.Seed, 0xB007 + uint64(k)}, o.boot, relIdx)
		if err != nil {
			return nil, fmtErr(out.key, err)
		}
		f.Key, f.Label = out.key, out.label
		// Monte Carlo noise: the mean sampling variance of a point's
		// estimate against the variance of the estimates across points.
		var mc float64
		for j, po := range g.pts {
			if out.key == "failed_ratifications" {
				mc += float64(po.Failed.SE) * float64(po.Failed.SE)
			} else {
				p := g.y[k][j]
				mc += p * (1 - p) / float64(po.Breakthrough.N)
			}
		}
		mc /= float64(len(g.pts))
		f.NoiseShare = mc / (f.SD * f.SD)
		g.fits = append(g.fits, f)
	}
	return g, nil
}

func fmtG(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

func fmtCI(v, lo, hi float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%+.2f [%+.2f, %+.2f]", v, lo, hi)
}

// order returns the parameter indices by decreasing |SRC| of fit f.
func order(f fit) []int {
	idx := make([]int, len(f.Coefs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return f.Coefs[idx[a]].RankSRC < f.Coefs[idx[b]].RankSRC })
	return idx
}

func (g *gsa) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "Global sensitivity of the backchannel model: Latin hypercube of %d points × %d replications, horizon %d rounds, seed %d\n",
		len(g.pts), g.opts.Reps, g.horizon, g.opts.Seed)
	fmt.Fprintf(w, "SRC: standardised regression coefficient with %g%% BCa bootstrap interval over design points (%d resamples);\n", 100*conf, g.opts.boot)
	fmt.Fprintf(w, "PRCC: partial rank correlation with Fisher-z interval. Ranked by |SRC|.\n\nparameters and ranges:\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for i, nm := range g.names {
		fmt.Fprintf(tw, "  %s\t[%s, %s]\t%s\t\n", nm, fmtG(g.lo[i]), fmtG(g.hi[i]), g.whys[i])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range g.fits {
		fmt.Fprintf(w, "\n%s: mean over points %.3f, sd %.3f; R² linear %.2f (with reliance² %.2f), R² on ranks %.2f; Monte Carlo noise %.0f%% of the variance across points\n\n",
			f.Label, f.Mean, f.SD, f.R2, f.R2Quad, f.R2Rank, 100*f.NoiseShare)
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "rank\tparameter\tSRC [95% CI]\tPRCC [95% CI]\t")
		for _, i := range order(f) {
			c := f.Coefs[i]
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", c.RankSRC, c.Param, fmtCI(c.SRC, c.SRCLo, c.SRCHi), fmtCI(c.PRCC, c.PRCCLo, c.PRCCHi))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gsa) writePointsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"point"}
	head = append(head, g.names...)
	head = append(head, "replications",
		"breakthrough_p", "breakthrough_lo", "breakthrough_hi",
		"breakthrough_within_260_p", "breakthrough_within_260_lo", "breakthrough_within_260_hi",
		"collapse_p", "collapse_lo", "collapse_hi", "impasse_p", "impasse_lo", "impasse_hi",
		"failed_ratifications_mean", "failed_ratifications_se", "back_channels_mean", "back_channels_se")
	if err := cw.Write(head); err != nil {
		return err
	}
	for j, po := range g.pts {
		row := []string{strconv.Itoa(j)}
		for _, v := range g.x[j] {
			row = append(row, fmtG(v))
		}
		row = append(row, strconv.Itoa(po.Breakthrough.N))
		for _, e := range []sim.Estimate{po.Breakthrough, po.Early, po.Collapse, po.Impasse} {
			row = append(row, fmtG(float64(e.P)), fmtG(float64(e.CI[0])), fmtG(float64(e.CI[1])))
		}
		row = append(row, fmtG(float64(po.Failed.Mean)), fmtG(float64(po.Failed.SE)), fmtG(float64(po.BackChannels.Mean)), fmtG(float64(po.BackChannels.SE)))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (g *gsa) writeCoefCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"output", "param", "src", "src_lo", "src_hi", "src_se_boot", "src_se_ols", "prcc", "prcc_lo", "prcc_hi",
		"rank_src", "rank_prcc", "r2", "r2_quadratic", "r2_rank", "noise_share"}); err != nil {
		return err
	}
	for _, f := range g.fits {
		for _, c := range f.Coefs {
			if err := cw.Write([]string{f.Key, c.Param, fmtG(c.SRC), fmtG(c.SRCLo), fmtG(c.SRCHi), fmtG(c.BootSE), fmtG(c.SRCSE),
				fmtG(c.PRCC), fmtG(c.PRCCLo), fmtG(c.PRCCHi), strconv.Itoa(c.RankSRC), strconv.Itoa(c.RankPRCC),
				fmtG(f.R2), fmtG(f.R2Quad), fmtG(f.R2Rank), fmtG(f.NoiseShare)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonReport is sensitivity.json (NaN as null).
type jsonReport struct {
	Schema       string     `json:"schema"`
	ModelVersion string     `json:"model_version"`
	Seed         uint64     `json:"seed"`
	Points       int        `json:"points"`
	Replications int        `json:"replications_per_point"`
	Horizon      int        `json:"horizon"`
	Bootstrap    int        `json:"bootstrap_resamples"`
	Confidence   float64    `json:"confidence"`
	Params       []jsonPar  `json:"params"`
	Outputs      []jsonFitT `json:"outputs"`
}

type jsonPar struct {
	Name string  `json:"name"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
	Why  string  `json:"why"`
}

type jsonCoef struct {
	Param    string  `json:"param"`
	SRC      sim.Num `json:"src"`
	SRCLo    sim.Num `json:"src_lo"`
	SRCHi    sim.Num `json:"src_hi"`
	BootSE   sim.Num `json:"src_se_boot"`
	OLSSE    sim.Num `json:"src_se_ols"`
	PRCC     sim.Num `json:"prcc"`
	PRCCLo   sim.Num `json:"prcc_lo"`
	PRCCHi   sim.Num `json:"prcc_hi"`
	RankSRC  int     `json:"rank_src"`
	RankPRCC int     `json:"rank_prcc"`
}

type jsonFitT struct {
	Output     string     `json:"output"`
	Label      string     `json:"label"`
	Mean       sim.Num    `json:"mean"`
	SD         sim.Num    `json:"sd"`
	R2         sim.Num    `json:"r2"`
	R2Quad     sim.Num    `json:"r2_quadratic"`
	R2Rank     sim.Num    `json:"r2_rank"`
	NoiseShare sim.Num    `json:"noise_share"`
	Coefs      []jsonCoef `json:"coefficients"`
}

func (g *gsa) jsonReport() jsonReport {
	r := jsonReport{Schema: "backchannel.examples.sensitivity/v1", ModelVersion: sim.ModelVersion, Seed: g.opts.Seed,
		Points: len(g.pts), Replications: g.opts.Reps, Horizon: g.horizon, Bootstrap: g.opts.boot, Confidence: conf}
	for i, nm := range g.names {
		r.Params = append(r.Params, jsonPar{nm, g.lo[i], g.hi[i], g.whys[i]})
	}
	for _, f := range g.fits {
		jf := jsonFitT{Output: f.Key, Label: f.Label, Mean: sim.Num(f.Mean), SD: sim.Num(f.SD), R2: sim.Num(f.R2),
			R2Quad: sim.Num(f.R2Quad), R2Rank: sim.Num(f.R2Rank), NoiseShare: sim.Num(f.NoiseShare)}
		for _, c := range f.Coefs {
			jf.Coefs = append(jf.Coefs, jsonCoef{c.Param, sim.Num(c.SRC), sim.Num(c.SRCLo), sim.Num(c.SRCHi), sim.Num(c.BootSE), sim.Num(c.SRCSE),
				sim.Num(c.PRCC), sim.Num(c.PRCCLo), sim.Num(c.PRCCHi), c.RankSRC, c.RankPRCC})
		}
		r.Outputs = append(r.Outputs, jf)
	}
	return r
}
