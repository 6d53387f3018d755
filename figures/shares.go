package figures

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/metrics"
)

// ShareLevel is the confidence level of the Wilson intervals drawn by
// SharesVsParam.
const ShareLevel = 0.95

// SharePoint is the outcome count of N replications run at one value X of
// a swept parameter. The three counts must add up to N.
type SharePoint struct {
	X                               float64 // parameter value
	N                               int     // number of replications, > 0
	Breakthrough, Collapse, Impasse int     // replications ending in each outcome
}

// SharesVsParam plots the share of replications ending in breakthrough,
// collapse and impasse against a swept parameter: one line with markers
// per outcome (bluish green circles, vermillion triangles, blue squares)
// and Wilson score intervals at ShareLevel as error bars, computed with
// metrics.Wilson. The three outcomes are dodged horizontally by ±1% of
// the X range so their error bars do not overlap. Points are drawn in
// increasing X whatever their order in points. The Y axis, "Share of
// replications", is [0, 1]; xLabel names the X axis (give its units).
//
// SharesVsParam returns an error wrapping ErrNoData if points is empty,
// and one wrapping ErrDomain if an X is not finite, two points share an X,
// N <= 0, a count is negative or the counts do not add up to N.
func SharesVsParam(points []SharePoint, xLabel string) (*plot.Plot, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("figures: SharesVsParam: no points: %w", ErrNoData)
	}
	pts := slices.Clone(points)
	for i, sp := range pts {
		switch {
		case !finite(sp.X):
			return nil, fmt.Errorf("figures: SharesVsParam: point %d: X=%v not finite: %w", i, sp.X, ErrDomain)
		case sp.N <= 0 || sp.Breakthrough < 0 || sp.Collapse < 0 || sp.Impasse < 0:
			return nil, fmt.Errorf("figures: SharesVsParam: point %d (X=%v): N=%d and counts %d, %d, %d must be positive and non-negative: %w",
				i, sp.X, sp.N, sp.Breakthrough, sp.Collapse, sp.Impasse, ErrDomain)
		case sp.Breakthrough+sp.Collapse+sp.Impasse != sp.N:
			return nil, fmt.Errorf("figures: SharesVsParam: point %d (X=%v): counts %d+%d+%d != N=%d: %w",
				i, sp.X, sp.Breakthrough, sp.Collapse, sp.Impasse, sp.N, ErrDomain)
		}
	}
	slices.SortStableFunc(pts, func(a, b SharePoint) int {
		switch {
		case a.X < b.X:
			return -1
		case a.X > b.X:
			return 1
		}
		return 0
	})
	for i := 1; i < len(pts); i++ {
		if pts[i].X == pts[i-1].X {
			return nil, fmt.Errorf("figures: SharesVsParam: two points at X=%v: %w", pts[i].X, ErrDomain)
		}
	}
	xmin, xmax := pts[0].X, pts[len(pts)-1].X
	dodge := 0.01 * (xmax - xmin)

	p := newPlot(xLabel, "Share of replications")
	probAxis(&p.Y)
	pad := 0.04 * (xmax - xmin)
	if pad == 0 {
		pad = 0.5
	}
	p.X.Min, p.X.Max = xmin-pad, xmax+pad

	outcomes := []struct {
		name  string
		col   color.NRGBA
		shape draw.GlyphDrawer
		count func(SharePoint) int
	}{
		{"Breakthrough", breakthroughColor, draw.CircleGlyph{}, func(s SharePoint) int { return s.Breakthrough }},
		{"Collapse", collapseColor, draw.PyramidGlyph{}, func(s SharePoint) int { return s.Collapse }},
		{"Impasse", impasseColor, draw.BoxGlyph{}, func(s SharePoint) int { return s.Impasse }},
	}
	var curves []plotter.XYs
	for k, o := range outcomes {
		var e errPoints
		for _, sp := range pts {
			c := o.count(sp)
			iv, err := metrics.Wilson(c, sp.N, ShareLevel)
			if err != nil {
				return nil, fmt.Errorf("figures: SharesVsParam: X=%v %s: %w", sp.X, o.name, err)
			}
			y := float64(c) / float64(sp.N)
			e.XYs = append(e.XYs, plotter.XY{X: sp.X + float64(k-1)*dodge, Y: y})
			e.YErrors = append(e.YErrors, struct{ Low, High float64 }{y - iv.Lo, iv.Hi - y})
			curves = append(curves, plotter.XYs{{X: sp.X, Y: iv.Lo}, {X: sp.X, Y: iv.Hi}})
		}
		curves = append(curves, e.XYs)
		bars, err := plotter.NewYErrorBars(e)
		if err != nil {
			return nil, fmt.Errorf("figures: SharesVsParam: %s: %w", o.name, err)
		}
		bars.LineStyle = draw.LineStyle{Color: o.col, Width: vg.Points(0.8)}
		bars.CapWidth = vg.Points(4)
		line, scatter, err := plotter.NewLinePoints(e.XYs)
		if err != nil {
			return nil, fmt.Errorf("figures: SharesVsParam: %s: %w", o.name, err)
		}
		line.LineStyle = solid(o.col)
		line.LineStyle.Width = vg.Points(1.1)
		scatter.GlyphStyle = draw.GlyphStyle{Color: o.col, Radius: vg.Points(2.4), Shape: o.shape}
		p.Add(bars, line, scatter)
		p.Legend.Add(o.name, line, scatter)
	}
	placeLegend(p, len(outcomes), curves...)
	return p, nil
}

// errPoints is an XYer and YErrorer for plotter.NewYErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}
