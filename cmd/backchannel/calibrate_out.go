package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/calibrate"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/sim/targets"
)

// Predictive is the posterior-predictive check of one target: the weighted
// mean and 90% interval of the summaries simulated for the posterior
// particles, against the observed value.
type Predictive struct {
	Name, Statistic string
	Observed        float64
	Weight          float64
	Mean, Lo, Hi    float64
}

// PredictiveCheck returns the posterior-predictive check of every target
// from the summaries the posterior's particles were accepted with.
func PredictiveCheck(tf *targets.File, post *calibrate.Generation) []Predictive {
	out := make([]Predictive, len(tf.Targets))
	for k, t := range tf.Targets {
		x := make([]float64, len(post.Summaries))
		for i, s := range post.Summaries {
			x[i] = s[k]
		}
		out[k] = Predictive{Name: t.Name, Statistic: t.Statistic, Observed: t.Observed, Weight: t.WeightOf(),
			Mean: calibrate.WeightedMean(x, post.Weights),
			Lo:   calibrate.WeightedQuantile(0.05, x, post.Weights),
			Hi:   calibrate.WeightedQuantile(0.95, x, post.Weights)}
	}
	return out
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// writeCalCSVs writes posterior.csv, predictive.csv and generations.csv.
func writeCalCSVs(dir string, m *targets.Model, res *calibrate.Result) error {
	post := res.Posterior()
	tf := m.File()
	rows := [][]string{append([]string{"particle", "weight", "distance"}, res.Params...)}
	for i, th := range post.Particles {
		r := []string{strconv.Itoa(i), fmtF(post.Weights[i]), fmtF(post.Distances[i])}
		for _, v := range th {
			r = append(r, fmtF(v))
		}
		rows = append(rows, r)
	}
	if err := writeCSV(filepath.Join(dir, "posterior.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"particle", "weight", "target", "statistic", "observed", "simulated"}}
	for i, s := range post.Summaries {
		for k, t := range tf.Targets {
			rows = append(rows, []string{strconv.Itoa(i), fmtF(post.Weights[i]), t.Name, t.Statistic, fmtF(t.Observed), fmtF(s[k])})
		}
	}
	if err := writeCSV(filepath.Join(dir, "predictive.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"generation", "epsilon", "acceptance_rate", "ess", "simulations", "proposals", "replications"}}
	for _, g := range res.Generations {
		rows = append(rows, []string{strconv.Itoa(g.Index), fmtF(g.Epsilon), fmtF(g.AcceptanceRate), fmtF(g.ESS),
			strconv.Itoa(g.Simulations), strconv.Itoa(g.Proposals), strconv.Itoa(g.Simulations * tf.Replications)})
	}
	return writeCSV(filepath.Join(dir, "generations.csv"), rows)
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeCalFigures writes the pairs plot and the posterior-predictive figure
// (with ref, if not nil, the summaries of a reference scenario drawn as
// dashed lines).
func writeCalFigures(dir string, res *calibrate.Result, tf *targets.File, ref []float64) error {
	post := res.Posterior()
	pairs, err := figures.PosteriorPairs(res.Params, post.Particles, post.Weights)
	if err != nil {
		return err
	}
	side := vg.Length(len(res.Params)) * 5 * vg.Centimeter
	if err := figures.SaveFigure(pairs, dir, "pairs", side+vg.Centimeter, side); err != nil {
		return fmt.Errorf("pairs figure: %w", err)
	}
	var pts []figures.PredictiveTarget
	for k, t := range tf.Targets {
		x := make([]float64, len(post.Summaries))
		for i, s := range post.Summaries {
			x[i] = s[k]
		}
		r := math.NaN()
		if ref != nil {
			r = ref[k]
		}
		pts = append(pts, figures.PredictiveTarget{Name: t.Name, Observed: t.Observed, Simulated: x, Weights: post.Weights, Reference: r})
	}
	const cols = 3
	pp, err := figures.PosteriorPredictive(pts, cols)
	if err != nil {
		return err
	}
	rowsN := (len(pts) + cols - 1) / cols
	if err := figures.SaveFigure(pp, dir, "predictive", 18*vg.Centimeter, vg.Length(rowsN)*5.5*vg.Centimeter); err != nil {
		return fmt.Errorf("predictive figure: %w", err)
	}
	return nil
}
