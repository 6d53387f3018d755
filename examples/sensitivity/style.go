package main

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/figures"
)

// The figures package keeps its house style (fonts, grid, tick sizes)
// unexported, so the study's own figures restate it here: Liberation Sans
// at 10 pt for axis labels and 9 pt for ticks and legends, a light grey
// grid, series in figures.SeriesColor order.

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot in the style of package figures.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, 11)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, 10)
		ax.Tick.Label.Font = font.From(sans, 9)
		ax.LineStyle.Width = vg.Points(0.6)
		ax.Tick.LineStyle.Width = vg.Points(0.6)
		ax.Tick.Length = vg.Points(3)
		ax.Padding = vg.Points(2)
	}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.Legend.TextStyle.Font = font.From(sans, 9)
	p.Legend.ThumbnailWidth = vg.Points(16)
	p.Legend.Padding = vg.Points(1.5)
	p.Legend.Top = true
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), -vg.Points(4)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{Y: 0xDD}, color.Gray{Y: 0xDD}
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.4), vg.Points(0.4)
	p.Add(g)
	return p
}

// errPoints is an XYer and YErrorer for plotter.NewYErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// point is an estimate with its interval at x.
type point struct{ X, Y, Lo, Hi float64 }

var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}}

// addSeries adds a line with markers and interval bars in colour i, dodged
// by dx along X; points with a NaN estimate are skipped.
func addSeries(p *plot.Plot, i int, name string, pts []point, dx float64) error {
	var e errPoints
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
	c := figures.SeriesColor(i)
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

// tenthTicks is a plot.Ticker for axes on [0, 1]: labels every 0.2 and
// unlabelled minor ticks every 0.1, as the probability axes of figures.
type tenthTicks struct{}

// Ticks returns ticks at multiples of 0.1 within [min, max].
func (tenthTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for i := 0; i <= 10; i++ {
		v := float64(i) / 10
		if v < min-1e-9 || v > max+1e-9 {
			continue
		}
		t := plot.Tick{Value: v}
		if i%2 == 0 {
			t.Label = strconv.FormatFloat(v, 'f', 1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// translucent returns c with alpha a.
func translucent(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}
