package figures

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NewPlot returns an empty plot in the house style of this package
// (Liberation Sans, 10 pt labels, 9 pt ticks and legend, light grey grid,
// sensible ticks), for studies that draw figures of their own.
func NewPlot(xLabel, yLabel string) *plot.Plot { return newPlot(xLabel, yLabel) }

// ProbabilityTicks is a plot.Ticker for axes on [0, 1]: labels every 0.2,
// unlabelled minor ticks every 0.1.
var ProbabilityTicks plot.Ticker = probTicks{}

// Translucent returns c with alpha a.
func Translucent(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// Estimate is a point estimate Y at X with its interval [Lo, Hi]; NaN
// limits are drawn as no bar, a NaN Y as no point.
type Estimate struct{ X, Y, Lo, Hi float64 }

// estimateXY is an XYer and YErrorer for plotter.NewYErrorBars.
type estimateXY struct {
	plotter.XYs
	plotter.YErrors
}

var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}}

// AddEstimates adds to p a series of estimates with interval bars, in
// series colour i (SeriesColor) and marker i, shifted by dx along X so that
// several series at the same X do not hide each other's bars, and a legend
// entry. It returns an error only if gonum/plot rejects the data.
func AddEstimates(p *plot.Plot, i int, name string, pts []Estimate, dx float64) error {
	var e estimateXY
	for _, q := range pts {
		if math.IsNaN(q.Y) {
			continue
		}
		lo, hi := q.Lo, q.Hi
		if math.IsNaN(lo) {
			lo = q.Y
		}
		if math.IsNaN(hi) {
			hi = q.Y
		}
		e.XYs = append(e.XYs, plotter.XY{X: q.X + dx, Y: q.Y})
		e.YErrors = append(e.YErrors, struct{ Low, High float64 }{q.Y - lo, hi - q.Y})
	}
	if len(e.XYs) == 0 {
		return nil
	}
	c := SeriesColor(i)
	bars, err := plotter.NewYErrorBars(e)
	if err != nil {
		return err
	}
	bars.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(0.8)}
	bars.CapWidth = vg.Points(4)
	line, sc, err := plotter.NewLinePoints(e.XYs)
	if err != nil {
		return err
	}
	line.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.1)}
	sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.4), Shape: glyphs[i%len(glyphs)]}
	p.Add(bars, line, sc)
	p.Legend.Add(name, line, sc)
	return nil
}
