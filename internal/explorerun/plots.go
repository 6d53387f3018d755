package explorerun

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/explore"
	"github.com/backchannel-sim/backchannel/figures"
)

// Figure sizes.
var (
	width  = 16 * vg.Centimeter
	height = 10 * vg.Centimeter
)

// shortName is the last element of a field path.
func shortName(s string) string {
	if i := strings.LastIndex(s, "."); i >= 0 {
		return s[i+1:]
	}
	return s
}

// PlotSobol writes sobol_<output>.{png,svg,pdf}: first-order and total
// indices of each parameter with their intervals.
func PlotSobol(dir string, res []SobolResult) error {
	for _, r := range res {
		if r.Indices == nil {
			continue
		}
		ix := r.Indices
		p := figures.NewPlot("", "Sobol index of "+r.Output)
		names := make([]string, len(ix.Names))
		for i, n := range ix.Names {
			names[i] = shortName(n)
		}
		bw := vg.Points(7)
		for k, est := range [][]explore.Estimate{ix.S1, ix.ST} {
			vals := make(plotter.Values, len(est))
			eb := errBars{xy: make(plotter.XYs, len(est)), err: make(plotter.YErrors, len(est))}
			for i, e := range est {
				vals[i] = e.Value
				eb.xy[i].X, eb.xy[i].Y = float64(i)+0.18*float64(2*k-1), e.Value
				if !math.IsNaN(e.CI.Lo) {
					eb.err[i].Low, eb.err[i].High = e.Value-e.CI.Lo, e.CI.Hi-e.Value
				}
			}
			bars, err := plotter.NewBarChart(vals, bw)
			if err != nil {
				return err
			}
			bars.Color = figures.SeriesColor(k)
			bars.LineStyle.Width = 0
			bars.Offset = bw * vg.Length(2*k-1) / 2
			yb, err := plotter.NewYErrorBars(eb)
			if err != nil {
				return err
			}
			p.Add(bars, yb)
			p.Legend.Add([]string{"first order S (Saltelli 2010)", "total ST (Jansen 1999)"}[k], bars)
		}
		p.NominalX(names...)
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = -0.9
		p.X.Tick.Label.YAlign = -0.1
		// The axis holds every interval, not only the bars.
		p.Y.Min = math.Min(0, p.Y.Min)
		for _, est := range [][]explore.Estimate{ix.S1, ix.ST} {
			for _, e := range est {
				if !math.IsNaN(e.CI.Lo) {
					p.Y.Min, p.Y.Max = math.Min(p.Y.Min, e.CI.Lo), math.Max(p.Y.Max, e.CI.Hi)
				}
			}
		}
		p.Legend.Top = true
		if ix.Noise != nil {
			p.Title.Text = fmt.Sprintf("%s: noise share %.2f of V", r.Output, ix.Noise.Share)
		}
		if err := figures.Save(p, dir, "sobol_"+r.Output, width, height); err != nil {
			return err
		}
	}
	return nil
}

// errBars are the points and interval half-widths of error bars.
type errBars struct {
	xy  plotter.XYs
	err plotter.YErrors
}

func (e errBars) Len() int                        { return len(e.xy) }
func (e errBars) XY(i int) (float64, float64)     { return e.xy.XY(i) }
func (e errBars) YError(i int) (float64, float64) { return e.err.YError(i) }

// PlotMorris writes morris_<output>: sigma against mu* per parameter.
func PlotMorris(dir string, res []MorrisResult) error {
	for _, r := range res {
		p := figures.NewPlot("μ* (mean |elementary effect|)", "σ (sd of elementary effects)")
		xys := make(plotter.XYs, len(r.Effects))
		labels := make([]string, len(r.Effects))
		for i, e := range r.Effects {
			xys[i].X, xys[i].Y = e.MuStar, e.Sigma
			labels[i] = shortName(e.Name)
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.Color = figures.SeriesColor(0)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(7)
		}
		p.Add(sc, lb)
		p.Title.Text = "Morris screening: " + r.Output
		p.X.Min, p.Y.Min = 0, 0
		if err := figures.Save(p, dir, "morris_"+r.Output, width, height); err != nil {
			return err
		}
	}
	return nil
}

// PlotPrim writes prim_<label>: the coverage-density trade-off curve of
// the first box's peeling trajectory, the selected boxes marked.
func PlotPrim(dir string, runs []PrimRun) error {
	for _, r := range runs {
		if len(r.Boxes) == 0 {
			continue
		}
		p := figures.NewPlot("coverage", "density")
		tr := r.Boxes[0].Trajectory
		xys := make(plotter.XYs, len(tr))
		for i, b := range tr {
			xys[i].X, xys[i].Y = b.Coverage, b.Density
		}
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		l.Color, s.Color = figures.SeriesColor(0), figures.SeriesColor(0)
		p.Add(l, s)
		p.Legend.Add("peeling trajectory (box 1)", l)
		sel := make(plotter.XYs, len(r.Boxes))
		for i, b := range r.Boxes {
			sel[i].X, sel[i].Y = b.Box.Coverage, b.Box.Density
		}
		ss, err := plotter.NewScatter(sel)
		if err != nil {
			return err
		}
		ss.Color = figures.SeriesColor(1)
		ss.Radius = vg.Points(4)
		p.Add(ss)
		p.Legend.Add("selected boxes (after pasting)", ss)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		p.Title.Text = fmt.Sprintf("PRIM %s: %s", r.Label, r.Target)
		p.Legend.Top = false
		if err := figures.Save(p, dir, "prim_"+r.Label, width, height); err != nil {
			return err
		}
	}
	return nil
}
