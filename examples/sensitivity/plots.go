package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/studyout"
)

// figures writes the study's figures to dir and returns their base names.
func (g *gsa) figures(dir string) ([]string, error) {
	var names []string
	// Tornado of SRCs (bars) and PRCCs (diamonds): one panel per output,
	// parameters in the order of |SRC| for breakthrough by the horizon
	// (largest on top), one X range for all panels so they compare.
	ord := order(g.fits[0])
	lim := 0.1
	for _, f := range g.fits {
		for _, c := range f.Coefs {
			for _, x := range []float64{c.SRC, c.SRCLo, c.SRCHi, c.PRCC, c.PRCCLo, c.PRCCHi} {
				if !math.IsNaN(x) {
					lim = math.Max(lim, math.Abs(x))
				}
			}
		}
	}
	lim = math.Min(1, math.Ceil(lim*10)/10)
	var rows [][]*plot.Plot
	for k := 0; k < len(g.fits); k += 2 {
		var row []*plot.Plot
		for j, f := range g.fits[k:min(k+2, len(g.fits))] {
			p, err := tornado(f, ord, lim, k+j == 0)
			if err != nil {
				return names, err
			}
			row = append(row, p)
		}
		rows = append(rows, row)
	}
	if err := figures.SaveFigure(figures.NewPanels(rows), dir, "sensitivity", 2*studyout.Width, vg.Length(len(rows))*studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "sensitivity")

	// The raw material: each design point's outcomes against reliance.
	rel := -1
	for i, nm := range g.names {
		if nm == "policy.reliance" {
			rel = i
		}
	}
	if rel >= 0 {
		var row []*plot.Plot
		for k := range g.fits {
			p := figures.NewPlot("Back-channel reliance P", g.fits[k].Label)
			p.X.Tick.Marker = figures.ProbabilityTicks
			var e struct {
				plotter.XYs
				plotter.YErrors
			}
			for j, po := range g.pts {
				lo, hi := g.y[k][j], g.y[k][j]
				switch outputs[k].key {
				case "breakthrough":
					lo, hi = float64(po.Breakthrough.CI[0]), float64(po.Breakthrough.CI[1])
				case "breakthrough_5y":
					lo, hi = float64(po.Early.CI[0]), float64(po.Early.CI[1])
				case "impasse":
					lo, hi = float64(po.Impasse.CI[0]), float64(po.Impasse.CI[1])
				case "failed_ratifications":
					lo, hi = float64(po.Failed.CI[0]), float64(po.Failed.CI[1])
				}
				y := g.y[k][j]
				if math.IsNaN(y) {
					continue
				}
				if math.IsNaN(lo) {
					lo = y
				}
				if math.IsNaN(hi) {
					hi = y
				}
				e.XYs = append(e.XYs, plotter.XY{X: g.x[j][rel], Y: y})
				e.YErrors = append(e.YErrors, struct{ Low, High float64 }{y - lo, hi - y})
			}
			if len(e.XYs) == 0 {
				continue
			}
			c := figures.SeriesColor(k)
			bars, err := plotter.NewYErrorBars(e)
			if err != nil {
				return names, err
			}
			bars.LineStyle = draw.LineStyle{Color: figures.Translucent(c, 110), Width: vg.Points(0.6)}
			bars.CapWidth = 0
			sc, err := plotter.NewScatter(e.XYs)
			if err != nil {
				return names, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
			p.Add(bars, sc)
			p.X.Min, p.X.Max = 0, 1
			if outputs[k].key != "failed_ratifications" {
				p.Y.Min, p.Y.Max = 0, 1
				p.Y.Tick.Marker = figures.ProbabilityTicks
			} else {
				p.Y.Min = 0
			}
			row = append(row, p)
		}
		if len(row) > 0 {
			var rows [][]*plot.Plot
			for k := 0; k < len(row); k += 2 {
				rows = append(rows, row[k:min(k+2, len(row))])
			}
			if err := figures.SaveFigure(figures.NewPanels(rows), dir, "scatter", 2*studyout.Width, vg.Length(len(rows))*studyout.Height); err != nil {
				return names, err
			}
			names = append(names, "scatter")
		}
	}
	return names, nil
}

// tornado draws one output's SRCs as horizontal bars with their bootstrap
// intervals (positive in the first series colour, negative in the second)
// and its PRCCs as black diamonds with their Fisher-z intervals just below
// each bar, parameters in the order ord from top to bottom.
func tornado(f fit, ord []int, lim float64, legend bool) (*plot.Plot, error) {
	p := figures.NewPlot("SRC (bars) and PRCC (diamonds), 95% intervals", "")
	p.Title.Text = fmt.Sprintf("%s (R² = %.2f)", f.Label, f.R2)
	p.Title.TextStyle.Font.Size = vg.Points(10)
	n := len(ord)
	pos, neg := make(plotter.Values, n), make(plotter.Values, n)
	labels := make([]string, n)
	var src, pr xErrPoints
	const dy = 0.2 // bars above, diamonds below the parameter's line
	add := func(e *xErrPoints, v, lo, hi, y float64) {
		if math.IsNaN(v) {
			return
		}
		if math.IsNaN(lo) || math.IsNaN(hi) {
			lo, hi = v, v
		}
		e.XYs = append(e.XYs, plotter.XY{X: v, Y: y})
		e.XErrors = append(e.XErrors, struct{ Low, High float64 }{v - lo, hi - v})
	}
	for r, i := range ord {
		y := n - 1 - r // first in ord on top
		c := f.Coefs[i]
		labels[y] = c.Param
		if c.SRC >= 0 {
			pos[y] = c.SRC
		} else if c.SRC < 0 {
			neg[y] = c.SRC
		}
		add(&src, c.SRC, c.SRCLo, c.SRCHi, float64(y)+dy)
		add(&pr, c.PRCC, c.PRCCLo, c.PRCCHi, float64(y)-dy)
	}
	for k, vals := range []plotter.Values{pos, neg} {
		b, err := plotter.NewBarChart(vals, vg.Points(6))
		if err != nil {
			return nil, err
		}
		b.Horizontal = true
		b.Offset = vg.Points(3.5)
		b.Color = figures.Translucent(figures.SeriesColor(k), 210)
		b.LineStyle.Width = 0
		p.Add(b)
		if legend && k == 0 {
			p.Legend.Add("SRC > 0", b)
		} else if legend {
			p.Legend.Add("SRC < 0", b)
		}
	}
	black := figures.OkabeIto[7]
	for k, e := range []xErrPoints{src, pr} {
		if len(e.XYs) == 0 {
			continue
		}
		bars, err := plotter.NewXErrorBars(e)
		if err != nil {
			return nil, err
		}
		bars.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(0.7)}
		bars.CapWidth = vg.Points(3)
		p.Add(bars)
		if k == 1 {
			sc, err := plotter.NewScatter(e.XYs)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(2.2), Shape: draw.PyramidGlyph{}}
			sc.GlyphStyle.Shape = diamond{}
			p.Add(sc)
			if legend {
				p.Legend.Add("PRCC", sc)
			}
		}
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, err
	}
	zero.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(0.6)}
	p.Add(zero)
	p.NominalY(labels...)
	p.X.Min, p.X.Max = -lim, lim
	p.Y.Tick.Label.Font.Size = vg.Points(8)
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(2), vg.Points(2)
	return p, nil
}

// diamond draws a filled diamond glyph.
type diamond struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (diamond) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	path.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	path.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	path.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	path.Close()
	c.SetColor(sty.Color)
	c.Fill(path)
}

// xErrPoints is an XYer and XErrorer for plotter.NewXErrorBars.
type xErrPoints struct {
	plotter.XYs
	plotter.XErrors
}
