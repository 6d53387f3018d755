package figures

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// OkabeIto is the eight-colour qualitative palette of Okabe and Ito (2008,
// "Color Universal Design"), distinguishable under the common forms of
// colour-vision deficiency, in its published order: orange, sky blue,
// bluish green, yellow, blue, vermillion, reddish purple, black.
var OkabeIto = [8]color.NRGBA{
	{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF},
	{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF},
	{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF},
	{R: 0xF0, G: 0xE4, B: 0x42, A: 0xFF},
	{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF},
	{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF},
	{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF},
	{R: 0x00, G: 0x00, B: 0x00, A: 0xFF},
}

// seriesOrder is the order in which series take OkabeIto colours: the
// darker, higher-contrast colours first and yellow, which is hard to see
// as a thin line on white, last.
var seriesOrder = [8]int{4, 5, 2, 6, 0, 1, 7, 3}

// SeriesColor returns the colour of the i-th series (i >= 0) of every
// figure: the OkabeIto colours in the order blue, vermillion, bluish
// green, reddish purple, orange, sky blue, black, yellow, repeating after
// eight series.
func SeriesColor(i int) color.NRGBA {
	if i < 0 {
		i = -i
	}
	return OkabeIto[seriesOrder[i%len(seriesOrder)]]
}

// Outcome colours, shared by all figures that show outcomes.
var (
	breakthroughColor = OkabeIto[2] // bluish green
	collapseColor     = OkabeIto[5] // vermillion
	impasseColor      = OkabeIto[4] // blue
)

// Font sizes and line widths of the house style, chosen for figures
// printed at about 12 × 8 cm.
const (
	titleSize  = 11
	labelSize  = 10
	tickSize   = 9
	legendSize = 9
	lineWidth  = 1.4 // points
	bandAlpha  = 56  // of 255, for translucent confidence bands
)

// sans is the typeface of all text.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// gridColor is the colour of the light grey grid lines.
var gridColor = color.Gray{Y: 0xDD}

// newPlot returns a plot in the house style with the given axis labels and
// a light grey grid drawn below everything added later.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, labelSize)
		ax.Tick.Label.Font = font.From(sans, tickSize)
		ax.LineStyle.Width = vg.Points(0.6)
		ax.Tick.LineStyle.Width = vg.Points(0.6)
		ax.Tick.Length = vg.Points(3)
		ax.Padding = vg.Points(2)
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sans, legendSize)
	p.Legend.ThumbnailWidth = vg.Points(16)
	p.Legend.Padding = vg.Points(1.5)
	p.Legend.XOffs = -vg.Points(4)
	p.Legend.YOffs = -vg.Points(4)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.4), vg.Points(0.4)
	p.Add(g)
	return p
}

// legendTopLeft moves the legend of p to the top left corner of the data
// area, with the usual inset.
func legendTopLeft(p *plot.Plot) {
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(4)
	p.Legend.YOffs = -vg.Points(4)
}

// solid returns a solid line style of the house width in colour c.
func solid(c color.Color) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(lineWidth)}
}

// dashed returns a dashed line style of the house width in colour c.
func dashed(c color.Color) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(lineWidth), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)}}
}

// translucent returns c with the band alpha.
func translucent(c color.NRGBA) color.NRGBA {
	c.A = bandAlpha
	return c
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// intTicks is a plot.Ticker for integer-valued axes: major ticks only at
// integers, every integer when the range is short, otherwise a round
// integer step.
type intTicks struct{}

// Ticks returns integer ticks in [min, max], at most about ten labels.
func (intTicks) Ticks(min, max float64) []plot.Tick { return intTicksN(min, max, 10) }

// fewIntTicks is intTicks with at most five labels, for narrow panels.
type fewIntTicks struct{}

// Ticks returns integer ticks in [min, max], at most five labels.
func (fewIntTicks) Ticks(min, max float64) []plot.Tick { return intTicksN(min, max, 5) }

// intTicksN returns integer ticks in [min, max] at a round step giving at
// most n labels (or every integer when the range is short).
func intTicksN(min, max float64, n float64) []plot.Tick {
	if !finite(min) || !finite(max) || max < min {
		return nil
	}
	lo, hi := math.Ceil(min), math.Floor(max)
	span := hi - lo
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000} {
		step = s
		if span/s <= n {
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		v += 0 // no "-0"
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ticks
}

// niceTicks is a plot.Ticker for continuous axes: labelled ticks at a
// step of 1, 2, 2.5 or 5 times a power of ten giving at most six labels,
// all with the same number of decimals, and unlabelled minor ticks half
// way between.
type niceTicks struct{}

// Ticks returns the ticks in [min, max].
func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if !finite(min) || !finite(max) || !(max > min) {
		return nil
	}
	span := max - min
	mag := math.Pow(10, math.Floor(math.Log10(span/6)))
	var step float64
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * mag
		if span/step <= 6 {
			break
		}
	}
	decimals := max0(-int(math.Floor(math.Log10(step) + 1e-9)))
	if r := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(r-2.5) < 1e-9 {
		decimals++
	}
	var ticks []plot.Tick
	half := step / 2
	for k := math.Ceil(min/half - 1e-9); k*half <= max+1e-9*span; k++ {
		v := k*half + 0
		t := plot.Tick{Value: v}
		if math.Mod(k, 2) == 0 {
			t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

func max0(i int) int {
	if i < 0 {
		return 0
	}
	return i
}

// probTicks is a plot.Ticker for probability axes on [0, 1]: labels every
// 0.2 with unlabelled minor ticks every 0.1.
type probTicks struct{}

// Ticks returns ticks at multiples of 0.1 within [min, max].
func (probTicks) Ticks(min, max float64) []plot.Tick {
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

// probAxis fixes the Y axis of p to [0, 1] with probTicks.
func probAxis(ax *plot.Axis) {
	ax.Min, ax.Max = 0, 1
	ax.Tick.Marker = probTicks{}
}

// placeLegend puts the legend of p, which has entries lines of text, in
// the corner of the data area that covers the fewest of the given curves,
// given in data coordinates and sampled densely along each segment. The
// axis ranges of p must already be set. The legend box is estimated for
// a figure of about 12 × 8 cm; ties go to top right, then top left,
// bottom right, bottom left.
func placeLegend(p *plot.Plot, entries int, curves ...plotter.XYs) {
	xr, yr := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if !(xr > 0) || !(yr > 0) {
		return
	}
	w, h := 0.34, 0.07*float64(entries)+0.04
	type corner struct{ top, left bool }
	corners := []corner{{true, false}, {true, true}, {false, false}, {false, true}}
	best, bestHits := corners[0], math.MaxInt
	for _, c := range corners {
		x0, y0 := 1-w, 1-h
		if c.left {
			x0 = 0
		}
		if !c.top {
			y0 = 0
		}
		hits := 0
		inside := func(x, y float64) {
			u, v := (x-p.X.Min)/xr, (y-p.Y.Min)/yr
			if u >= x0 && u <= x0+w && v >= y0 && v <= y0+h {
				hits++
			}
		}
		for _, xy := range curves {
			for i := range xy {
				inside(xy[i].X, xy[i].Y)
				if i+1 < len(xy) {
					for k := 1; k < 16; k++ {
						f := float64(k) / 16
						inside(xy[i].X+f*(xy[i+1].X-xy[i].X), xy[i].Y+f*(xy[i+1].Y-xy[i].Y))
					}
				}
			}
		}
		if hits < bestHits {
			best, bestHits = c, hits
		}
	}
	p.Legend.Top, p.Legend.Left = best.top, best.left
	p.Legend.XOffs = -vg.Points(4)
	if best.left {
		p.Legend.XOffs = vg.Points(4)
	}
	p.Legend.YOffs = vg.Points(4)
	if best.top {
		p.Legend.YOffs = -vg.Points(4)
	}
}
