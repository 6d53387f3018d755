package figures

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PosteriorBins is the number of histogram bins of PosteriorPairs and
// PosteriorPredictive.
const PosteriorBins = 20

// pairsLabelWidth is the widest line of an axis label of PosteriorPairs,
// a little less than the width of a panel's data area when the figure is
// 4.5 cm wide per parameter.
const pairsLabelWidth = 3 * vg.Centimeter

// pairsNote is the Note of PosteriorPairs.
const pairsNote = "diagonal: marginal posterior densities, y scale omitted"

// PosteriorPairs returns the pairs plot of a weighted posterior sample:
// for k parameters a k × k grid whose diagonal shows each parameter's
// marginal density (a weighted histogram normalised to area 1) and whose
// lower triangle shows each pair of parameters as a scatter of the
// particles, the upper triangle left empty. samples holds one row per
// particle, one column per name; weights are the particles' weights
// (nil: equal). It returns an error wrapping ErrNoData for no names or no
// particles, ErrMismatch for rows or weights of the wrong length, and
// ErrDomain for negative or non-finite weights or weights that sum to zero.
//
// Conventions, as in the pairs plots of corner.py and ArviZ: a column
// shares its parameter's x range and a row its parameter's y range; the
// diagonal's density axis has no ticks or labels (the densities of
// different parameters have unrelated scales, and only their shapes are
// compared), which the figure's Note says ("diagonal: marginal posterior
// densities, y scale omitted"; the caller may change or clear it); the
// parameters are named on the x axes of
// the bottom row and the y axes of the first column (the first row's
// histogram has no y label). Each name is kept whole but broken into lines
// after its dots (and, for a part still too long, after underscores), each
// line at most 3 cm long at the house label size, so that the labels fit
// within their panels when the figure is at least 4.5 cm wide and high
// per parameter; the labels of the row (column) are padded to the same
// number of lines so that they line up. A part longer than 3 cm with
// nowhere to break stays whole and may overhang its panel.
func PosteriorPairs(names []string, samples [][]float64, weights []float64) (*Panels, error) {
	if len(names) == 0 || len(samples) == 0 {
		return nil, fmt.Errorf("figures: PosteriorPairs: %d parameters, %d particles: %w", len(names), len(samples), ErrNoData)
	}
	w, err := checkWeights("PosteriorPairs", len(samples), weights)
	if err != nil {
		return nil, err
	}
	for i, row := range samples {
		if len(row) != len(names) {
			return nil, fmt.Errorf("figures: PosteriorPairs: particle %d has %d values for %d parameters: %w", i, len(row), len(names), ErrMismatch)
		}
	}
	k := len(names)
	lo, hi := make([]float64, k), make([]float64, k)
	for j := range k {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
		for i, row := range samples {
			if !finite(row[j]) {
				return nil, fmt.Errorf("figures: PosteriorPairs: particle %d %s = %v: %w", i, names[j], row[j], ErrDomain)
			}
			lo[j], hi[j] = math.Min(lo[j], row[j]), math.Max(hi[j], row[j])
		}
		if hi[j] == lo[j] {
			lo[j], hi[j] = lo[j]-0.5, hi[j]+0.5
		}
	}
	col := func(j int) []float64 {
		out := make([]float64, len(samples))
		for i, row := range samples {
			out[i] = row[j]
		}
		return out
	}
	// Axis labels: the bottom row's x labels and the first column's y
	// labels (below the first row), each padded to the same number of
	// lines: x labels with blank lines below, so that their first lines
	// line up under the tick labels, y labels with blank lines before
	// (to the left), so that their last lines are nearest the axis.
	sty := newPlot("", "").X.Label.TextStyle
	width := func(s string) vg.Length { return sty.Width(s) }
	xLabels, yLabels := make([][]string, k), make([][]string, k)
	for j, name := range names {
		xLabels[j] = wrapName(name, width, pairsLabelWidth)
		if j > 0 {
			yLabels[j] = xLabels[j]
		}
	}
	xText, yText := padLines(xLabels, false), padLines(yLabels, true)
	grid := make([][]*plot.Plot, k)
	for r := range k {
		grid[r] = make([]*plot.Plot, k)
		for c := 0; c <= r; c++ {
			xl, yl := "", ""
			if r == k-1 {
				xl = xText[c]
			}
			if c == 0 {
				yl = yText[r]
			}
			p := newPlot(xl, yl)
			if r == c {
				if err := addDensity(p, col(c), w, SeriesColor(0)); err != nil {
					return nil, fmt.Errorf("figures: PosteriorPairs: %s: %w", names[c], err)
				}
			} else {
				xs, ys := col(c), col(r)
				pts := make(plotter.XYs, len(xs))
				for i := range xs {
					pts[i] = plotter.XY{X: xs[i], Y: ys[i]}
				}
				sc, err := plotter.NewScatter(pts)
				if err != nil {
					return nil, fmt.Errorf("figures: PosteriorPairs: %s × %s: %w", names[c], names[r], err)
				}
				sc.GlyphStyle = draw.GlyphStyle{Color: Translucent(SeriesColor(0), 90), Radius: vg.Points(1.2), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
			p.X.Min, p.X.Max = lo[c], hi[c]
			p.X.Tick.Marker = sparseTicks{maxLabels: 2}
			if r != c {
				p.Y.Min, p.Y.Max = lo[r], hi[r]
				p.Y.Tick.Marker = sparseTicks{}
			} else {
				p.Y.Tick.Marker = plot.ConstantTicks(nil)
			}
			grid[r][c] = p
		}
	}
	f := NewPanels(grid)
	f.Note = pairsNote
	return f, nil
}

// wrapName breaks a parameter name into lines no wider than limit (as
// measured by width): after its dots, and after the underscores of a part
// between dots that is wider than limit by itself. The lines, joined, are
// name. A part with nowhere to break stays whole, even if wider than limit.
func wrapName(name string, width func(string) vg.Length, limit vg.Length) []string {
	var parts []string
	for _, p := range strings.SplitAfter(name, ".") {
		if p == "" {
			continue // after a final dot
		}
		if width(p) > limit {
			parts = append(parts, strings.SplitAfter(p, "_")...)
		} else {
			parts = append(parts, p)
		}
	}
	var lines []string
	line := ""
	for _, p := range parts {
		if p == "" {
			continue // after a final underscore
		}
		if line != "" && width(line+p) > limit {
			lines = append(lines, line)
			line = ""
		}
		line += p
	}
	return append(lines, line)
}

// padLines joins each non-empty label's lines with newlines, after
// padding it with lines holding a space (which, unlike empty lines, the
// text handler keeps) to the largest number of lines of any label: after
// the label's lines, or before them if before is set. Empty labels stay
// empty.
func padLines(labels [][]string, before bool) []string {
	n := 0
	for _, l := range labels {
		n = max(n, len(l))
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		if len(l) == 0 {
			continue
		}
		pad := make([]string, n-len(l))
		for j := range pad {
			pad[j] = " "
		}
		if before {
			l = append(pad, l...)
		} else {
			l = append(slices.Clone(l), pad...)
		}
		out[i] = strings.Join(l, "\n")
	}
	return out
}

// PredictiveTarget is one panel of PosteriorPredictive: a target's observed
// value and its simulated values under the posterior.
type PredictiveTarget struct {
	// Name labels the panel's x axis.
	Name string
	// Observed is the value in the record, drawn as a vertical line.
	Observed float64
	// Simulated holds the posterior-predictive values, one per particle.
	Simulated []float64
	// Weights are the particles' weights (nil: equal).
	Weights []float64
	// Reference, if not NaN, is a second value drawn as a dashed line (for
	// example the hand-set scenario's summary).
	Reference float64
}

// PosteriorPredictive returns the posterior-predictive check: one panel per
// target, in rows of at most cols panels, each a weighted histogram
// (density) of the simulated summaries with the observed value as a solid
// vertical line and, if given, the reference value as a dashed one. It
// returns an error wrapping ErrNoData for no targets or a target without
// simulated values, ErrMismatch or ErrDomain for bad weights, and ErrDomain
// for cols < 1 or a non-finite observed value.
func PosteriorPredictive(ts []PredictiveTarget, cols int) (*Panels, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("figures: PosteriorPredictive: no targets: %w", ErrNoData)
	}
	if cols < 1 {
		return nil, fmt.Errorf("figures: PosteriorPredictive: cols = %d, want ≥ 1: %w", cols, ErrDomain)
	}
	var grid [][]*plot.Plot
	for i, t := range ts {
		if len(t.Simulated) == 0 {
			return nil, fmt.Errorf("figures: PosteriorPredictive: target %q has no simulated values: %w", t.Name, ErrNoData)
		}
		if !finite(t.Observed) {
			return nil, fmt.Errorf("figures: PosteriorPredictive: target %q observed = %v: %w", t.Name, t.Observed, ErrDomain)
		}
		w, err := checkWeights("PosteriorPredictive", len(t.Simulated), t.Weights)
		if err != nil {
			return nil, err
		}
		yl := ""
		if i%cols == 0 {
			yl = "density"
		}
		p := newPlot(t.Name, yl)
		p.X.Tick.Marker = sparseTicks{}
		if err := addDensity(p, t.Simulated, w, SeriesColor(0)); err != nil {
			return nil, fmt.Errorf("figures: PosteriorPredictive: %s: %w", t.Name, err)
		}
		lo, hi := p.Y.Min, p.Y.Max
		if !(hi > lo) {
			lo, hi = 0, 1
		}
		obs, err := plotter.NewLine(plotter.XYs{{X: t.Observed, Y: lo}, {X: t.Observed, Y: hi}})
		if err != nil {
			return nil, err
		}
		obs.LineStyle = solid(SeriesColor(1))
		obs.LineStyle.Width = vg.Points(1.5)
		p.Add(obs)
		p.X.Min, p.X.Max = math.Min(p.X.Min, t.Observed), math.Max(p.X.Max, t.Observed)
		if finite(t.Reference) {
			ref, err := plotter.NewLine(plotter.XYs{{X: t.Reference, Y: lo}, {X: t.Reference, Y: hi}})
			if err != nil {
				return nil, err
			}
			ref.LineStyle = dashed(SeriesColor(2))
			p.Add(ref)
			p.X.Min, p.X.Max = math.Min(p.X.Min, t.Reference), math.Max(p.X.Max, t.Reference)
		}
		if i%cols == 0 {
			grid = append(grid, make([]*plot.Plot, 0, cols))
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], p)
	}
	return NewPanels(grid), nil
}

// checkWeights returns w, or equal weights if w is nil, after checking its
// length and values.
func checkWeights(fn string, n int, w []float64) ([]float64, error) {
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		return w, nil
	}
	if len(w) != n {
		return nil, fmt.Errorf("figures: %s: %d weights for %d values: %w", fn, len(w), n, ErrMismatch)
	}
	sum := 0.0
	for i, x := range w {
		if !finite(x) || x < 0 {
			return nil, fmt.Errorf("figures: %s: weight %d = %v, want finite ≥ 0: %w", fn, i, x, ErrDomain)
		}
		sum += x
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("figures: %s: weights sum to %v, want > 0: %w", fn, sum, ErrDomain)
	}
	return w, nil
}

// addDensity adds the weighted histogram of x, normalised to area 1, to p.
// A constant x (every value equal) is drawn as one bar of width 1 around the
// value.
func addDensity(p *plot.Plot, x, w []float64, c interface {
	RGBA() (r, g, b, a uint32)
}) error {
	xy := make(plotter.XYs, len(x))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range x {
		if !finite(x[i]) {
			return fmt.Errorf("value %d = %v: %w", i, x[i], ErrDomain)
		}
		xy[i] = plotter.XY{X: x[i], Y: w[i]}
		lo, hi = math.Min(lo, x[i]), math.Max(hi, x[i])
	}
	bins := PosteriorBins
	if hi == lo {
		bins = 1
		xy = append(xy, plotter.XY{X: lo - 0.5, Y: 0}, plotter.XY{X: lo + 0.5, Y: 0})
	}
	h, err := plotter.NewHistogram(xy, bins)
	if err != nil {
		return err
	}
	h.Normalize(1)
	h.FillColor = c
	h.LineStyle.Width = 0
	p.Add(h)
	return nil
}

// sparseTicks is a plot.Ticker for small panels: two or three labelled
// ticks at a step of 1, 2, 2.5 or 5 times a power of ten (the largest such
// step giving at least two), labelled with up to three significant digits.
// With maxLabels > 0 (for narrow horizontal axes), when there are more
// labelled ticks than that, only every other one keeps its label.
type sparseTicks struct{ maxLabels int }

// Ticks returns the ticks in [min, max].
func (st sparseTicks) Ticks(min, max float64) []plot.Tick {
	if !finite(min) || !finite(max) || !(max > min) {
		return nil
	}
	span := max - min
	mag := math.Pow(10, math.Ceil(math.Log10(span)))
	var ticks []plot.Tick
	for _, step := range []float64{mag, mag / 2, mag / 4, mag / 5, mag / 10, mag / 20, mag / 40, mag / 50, mag / 100} {
		ticks = ticks[:0]
		for v := math.Ceil(min/step-1e-9) * step; v <= max+1e-9*span; v += step {
			x := math.Round(v/step)*step + 0 // no "-0" label
			ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', 3, 64)})
		}
		if len(ticks) >= 2 {
			break
		}
	}
	if st.maxLabels > 0 && len(ticks) > st.maxLabels {
		for i := 1; i < len(ticks); i += 2 {
			ticks[i].Label = ""
		}
	}
	return ticks
}
