package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

func fmtG(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

func num(x sim.Num) string { return fmtG(float64(x)) }

// diffCols are the CSV columns of a paired difference.
func diffCols(prefix string) []string {
	return []string{prefix + "_diff", prefix + "_se", prefix + "_lo", prefix + "_hi", prefix + "_n"}
}

func diffVals(d metrics.PairedDiff) []string {
	return []string{fmtG(d.D), fmtG(d.SE), fmtG(d.Interval.Lo), fmtG(d.Interval.Hi), strconv.Itoa(d.N)}
}

// head returns the columns every row of both CSV files starts with.
func (m *studyMap) head() []string {
	return []string{"seed", "scenario", "model_version", "horizon", "front_min_trust", "posturing", "cell_seed"}
}

func (m *studyMap) lead(c *cell) []string {
	return []string{strconv.FormatUint(m.Seed, 10), m.Scenario, sim.ModelVersion, strconv.Itoa(m.Horizon),
		fmtG(c.Trust), fmtG(c.Posturing), strconv.FormatUint(c.Seed, 10)}
}

// writeMapCSV writes one row per cell and level: every outcome's share
// with its Wilson interval and n, and its paired difference against P = 0
// with Newcombe interval, SE and n.
func (m *studyMap) writeMapCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	h := append(m.head(), "reliance", "n")
	for _, o := range outcomeNames {
		h = append(h, o+"_count", o+"_p", o+"_lo", o+"_hi")
	}
	for _, o := range outcomeNames {
		h = append(h, diffCols(o+"_vs_p0")...)
	}
	h = append(h, "best", "plausibly_best")
	if err := cw.Write(h); err != nil {
		return err
	}
	for _, c := range m.Cells {
		for l, le := range c.Levels {
			row := append(m.lead(c), fmtG(le.P), strconv.Itoa(le.Est[0].N))
			for _, e := range le.Est {
				row = append(row, strconv.Itoa(e.Count), num(e.P), num(e.CI[0]), num(e.CI[1]))
			}
			for _, d := range le.VsZero {
				row = append(row, diffVals(d)...)
			}
			row = append(row, strconv.FormatBool(l == c.Best), strconv.FormatBool(le.Plausible))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeCellsCSV writes one row per cell: the best level and the plausible
// set, the gains and the hump.
func (m *studyMap) writeCellsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	h := append(m.head(), "n", "best_reliance", "plausible_lo", "plausible_hi")
	h = append(h, "gain_heldout_level")
	h = append(h, diffCols("gain_heldout")...)
	h = append(h, "gain_naive_level")
	h = append(h, diffCols("gain_naive")...)
	h = append(h, diffCols("gain_p0.5")...)
	h = append(h, diffCols(fmt.Sprintf("impasse%d_p0.5_vs_p0", repeatK))...)
	h = append(h, "hump", "hump_level", "hump_heldout", "hump_heldout_level")
	h = append(h, diffCols("hump_heldout_rise")...)
	h = append(h, diffCols("hump_heldout_fall")...)
	if err := cw.Write(h); err != nil {
		return err
	}
	for _, c := range m.Cells {
		row := append(m.lead(c), strconv.Itoa(m.Reps), fmtG(levels[c.Best]), fmtG(c.PlausibleLo), fmtG(c.PlausibleHi))
		row = append(row, fmtG(c.Gain.Level))
		row = append(row, diffVals(c.Gain.D)...)
		row = append(row, fmtG(c.Naive.Level))
		row = append(row, diffVals(c.Naive.D)...)
		row = append(row, diffVals(c.Fixed.D)...)
		row = append(row, diffVals(c.Levels[indexOf(0.5)].VsZero[imp2])...)
		row = append(row, strconv.FormatBool(c.Hump), fmtG(c.HumpLevel), strconv.FormatBool(c.HumpHeldOut), fmtG(c.HumpHeldOutLevel))
		row = append(row, diffVals(c.HumpRise)...)
		row = append(row, diffVals(c.HumpFall)...)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func dci(d metrics.PairedDiff) string {
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", d.D, d.Interval.Lo, d.Interval.Hi)
}

func pci(e sim.Estimate) string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeTable writes the per-cell table and the maps of the best level, the
// held-out gain and the hump as text.
func (m *studyMap) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "Secrecy map: scenario %q (the defaults), horizon %d rounds (weeks), model %s, seed %d\n",
		m.Scenario, m.Horizon, sim.ModelVersion, m.Seed)
	fmt.Fprintf(w, "grid: talks.front_min_trust × negotiator.posturing (both parties); in every cell reliance P = %v on common random numbers,\n", levels)
	fmt.Fprintf(w, "n = %d replications per level and cell; each cell its own seed. %g%% intervals: shares Wilson, differences Newcombe (paired).\n", m.Reps, 100*conf)
	fmt.Fprintf(w, "B5 = P(ratified breakthrough within %d rounds). best: highest B5 (in braces: levels within %d paired SE of it).\n", early, zHump)
	fmt.Fprintf(w, "gain: B5(best P>0) − B5(P=0), level chosen on the even replications, estimated on the odd ones (n/2 pairs).\n")
	fmt.Fprintf(w, "hump: an interior level beats P=0 and P=1 on B5 by ≥ %d paired SE (all replications / held out: chosen on even, tested on odd).\n", zHump)
	fmt.Fprintf(w, "Δ imp%d: P(%s impasse by %d) at P=0.5 − at P=0.\n\n", repeatK, studyout.Ordinal(repeatK), m.Horizon)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "front_min_trust\tposturing\tB5 at P=0\tbest\tB5 at best\tgain (level)\tgain at P=0.5\thump (all/held out)\tΔ imp2\t")
	for _, c := range m.Cells {
		b := c.Levels[c.Best]
		fmt.Fprintf(tw, "%.2f\t%.2f\t%s\t%.2f {%.2f–%.2f}\t%s\t%s (%.2f)\t%s\t%s/%s\t%s\t\n", c.Trust, c.Posturing,
			pci(c.Levels[0].Est[bt5]), b.P, c.PlausibleLo, c.PlausibleHi, pci(b.Est[bt5]),
			dci(c.Gain.D), c.Gain.Level, dci(c.Fixed.D), yesNo(c.Hump), yesNo(c.HumpHeldOut),
			dci(c.Levels[indexOf(0.5)].VsZero[imp2]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	grids := []struct {
		title string
		cell  func(c *cell) string
	}{
		{"best level within five years (* when another level is within 2 paired SE)", func(c *cell) string {
			s := fmt.Sprintf("%.2f", levels[c.Best])
			if c.PlausibleLo < c.PlausibleHi {
				s += "*"
			}
			return s
		}},
		{"held-out five-year gain of the best back-channel level over P=0 (* when its interval excludes 0)", func(c *cell) string {
			s := fmt.Sprintf("%+.3f", c.Gain.D.D)
			if c.Gain.D.Interval.Lo > 0 || c.Gain.D.Interval.Hi < 0 {
				s += "*"
			}
			return s
		}},
		{"hump (A: on all replications and held out; a: all only; h: held out only; -: neither)", func(c *cell) string {
			switch {
			case c.Hump && c.HumpHeldOut:
				return "A"
			case c.Hump:
				return "a"
			case c.HumpHeldOut:
				return "h"
			}
			return "-"
		}},
	}
	for _, g := range grids {
		fmt.Fprintf(w, "\n%s; rows front_min_trust, columns posturing\n\n", g.title)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t")
		for _, p := range m.Posturing {
			fmt.Fprintf(tw, "%.2f\t", p)
		}
		fmt.Fprintln(tw)
		for i, t := range m.Trust {
			fmt.Fprintf(tw, "%.2f\t", t)
			for j := range m.Posturing {
				fmt.Fprintf(tw, "%s\t", g.cell(m.at(i, j)))
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	nh, nho := 0, 0
	for _, c := range m.Cells {
		if c.Hump {
			nh++
		}
		if c.HumpHeldOut {
			nho++
		}
	}
	for _, x := range []struct {
		name string
		k    int
	}{{"on all replications", nh}, {"held out", nho}} {
		e, err := sim.NewEstimate(x.k, len(m.Cells), conf)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nhump holds %s in %d of %d cells (%.2f of the grid; Wilson [%.2f, %.2f] as if cells were a sample)", x.name, x.k, len(m.Cells),
			float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
	}
	fmt.Fprintln(w)
	return nil
}
