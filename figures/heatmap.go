package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NaNColor is the neutral grey of heat-map cells with no value (NaN).
var NaNColor = color.Gray{Y: 0xB0}

// Grid2D is a two-parameter sweep: the value Z[i][j] at X[i], Y[j]
// (first index X, as in plotter.GridXYZ's Z(column, row)). X and Y are
// the cell centres, strictly increasing; Z values are probabilities in
// [0, 1] for HeatMap, signed values for HeatMapSigned, or NaN for a cell
// with no data.
type Grid2D struct {
	X, Y []float64
	Z    [][]float64

	// Lo and Hi, if not nil, are the limits of each cell's interval at
	// confidence Level, with the shape of Z (NaN for no interval).
	// HeatMap hatches cells whose interval is wider than HatchWidth,
	// HeatMapSigned cells whose interval contains 0.
	Lo, Hi [][]float64
	Level  float64

	// N, if not nil, is each cell's number of replications, with the
	// shape of Z; the figure states its range ("n = 1000 per cell").
	N [][]int
}

// gridXYZ adapts a Grid2D to plotter.GridXYZ, upsampled by an integer
// factor k in each direction (each cell repeated k × k times) so that a
// rasterized heat map keeps sharp cell edges when the image is scaled.
type gridXYZ struct {
	g Grid2D
	k int
}

func (a gridXYZ) Dims() (c, r int)   { return a.k * len(a.g.X), a.k * len(a.g.Y) }
func (a gridXYZ) Z(c, r int) float64 { return a.g.Z[c/a.k][r/a.k] }
func (a gridXYZ) X(c int) float64    { return sub(a.g.X, c, a.k) }
func (a gridXYZ) Y(r int) float64    { return sub(a.g.Y, r, a.k) }

// sub returns the centre of sub-cell i of levels split k ways, for evenly
// spaced levels (step 1 if there is a single level).
func sub(levels []float64, i, k int) float64 {
	step := 1.0
	if len(levels) > 1 {
		step = (levels[len(levels)-1] - levels[0]) / float64(len(levels)-1)
	}
	cell, part := i/k, i%k
	return levels[cell] + step*((float64(part)+0.5)/float64(k)-0.5)
}

// rasterCells is the approximate number of image pixels per side of a
// rasterized heat map; cells are repeated to reach it.
const rasterCells = 600

// HeatMapFigure is a heat map with its colour bar: Map holds the cells and
// axes, Bar the colour gradient (a plotter.ColorBar with hidden axes) that
// Draw places to the right of Map's data area, at its exact height, with
// tick labels and the Label to its right.
type HeatMapFigure struct {
	Map *plot.Plot
	Bar *plot.Plot

	// Label names the colour scale, drawn rotated to the right of the bar.
	Label string
	// Ticks are the labelled values of the colour bar, in the units of
	// Z: Draw places them between the ends given by Range.
	Ticks []plot.Tick
	// HasNaN adds a grey "n/a" swatch below the bar when true.
	HasNaN bool

	// BarWidth is the width of the colour gradient; Gap the space between
	// the map, the bar, its tick labels and its label.
	// Note, if not empty, is a line of text drawn above the map: the
	// number of replications per cell and what hatching means.
	Note string

	BarWidth, Gap vg.Length
	// TextStyle is the style of the bar's tick labels and label.
	TextStyle draw.TextStyle

	// zmin and zmax are the values at the bottom and top of the bar.
	zmin, zmax float64
}

// Range returns the values at the bottom and top of the colour bar: 0 and
// 1 for HeatMap, −m and m for HeatMapSigned, 0 and 1 for a HeatMapFigure
// not made by either.
func (f *HeatMapFigure) Range() (min, max float64) {
	if !(f.zmax > f.zmin) {
		return 0, 1
	}
	return f.zmin, f.zmax
}

// HeatMap plots grid as a heat map of probabilities with a vertical colour
// bar: the Viridis colour map on the fixed range [0, 1] (so figures of
// different sweeps are comparable), NaN cells in NaNColor, no axis padding
// so the cells fill the axes. Evenly spaced grids are drawn rasterized
// (small SVG and PDF files whatever the grid size, with each cell
// repeated so that its edges stay sharp when the image is scaled);
// unevenly spaced grids are drawn as vector cells, whose edges lie midway
// between levels. xLabel and yLabel name the swept parameters and zLabel
// the colour scale. For a signed quantity, such as a difference between
// two policies, use HeatMapSigned.
//
// HeatMap returns an error wrapping ErrNoData if X or Y is empty,
// ErrMismatch if Z is not len(X) × len(Y), and ErrDomain if a level is not
// finite or the levels do not increase strictly, or a Z value is neither
// NaN nor in [0, 1].
func HeatMap(grid Grid2D, xLabel, yLabel, zLabel string) (*HeatMapFigure, error) {
	hasNaN, _, err := checkZ("HeatMap", grid, 0, 1)
	if err != nil {
		return nil, err
	}
	cm := Viridis()
	cm.SetMin(0)
	cm.SetMax(1)
	return heatMap(grid, xLabel, yLabel, zLabel, heatScale{
		fn: "HeatMap", cm: cm, colors: 256, ticks: probTicks{}.Ticks(0, 1), hasNaN: hasNaN,
	})
}

// heatScale is what distinguishes HeatMap from HeatMapSigned: the
// function name for errors, the colour map with its range set, the
// number of palette colours, the colour-bar ticks, whether Z has NaN and
// whether the map is signed (cells hatched where their interval contains
// 0, rather than where it is wider than HatchWidth).
type heatScale struct {
	fn     string
	cm     palette.ColorMap
	colors int
	ticks  []plot.Tick
	hasNaN bool
	signed bool
}

// checkZ checks the shape of grid.Z and that every value is NaN or finite
// and in [lo, hi]; it returns whether there is a NaN value and the
// largest absolute value.
func checkZ(fn string, grid Grid2D, lo, hi float64) (hasNaN bool, maxAbs float64, err error) {
	nx, ny := len(grid.X), len(grid.Y)
	if nx == 0 || ny == 0 {
		return false, 0, fmt.Errorf("figures: %s: %d × %d levels: %w", fn, nx, ny, ErrNoData)
	}
	if len(grid.Z) != nx {
		return false, 0, fmt.Errorf("figures: %s: len(Z)=%d, want len(X)=%d: %w", fn, len(grid.Z), nx, ErrMismatch)
	}
	for i, col := range grid.Z {
		if len(col) != ny {
			return false, 0, fmt.Errorf("figures: %s: len(Z[%d])=%d, want len(Y)=%d: %w", fn, i, len(col), ny, ErrMismatch)
		}
		for j, z := range col {
			switch {
			case math.IsNaN(z):
				hasNaN = true
			case math.IsInf(lo, -1) && math.IsInf(hi, 1) && !finite(z):
				return false, 0, fmt.Errorf("figures: %s: Z[%d][%d]=%v not finite: %w", fn, i, j, z, ErrDomain)
			case !(z >= lo && z <= hi):
				return false, 0, fmt.Errorf("figures: %s: Z[%d][%d]=%v not in [%v, %v]: %w", fn, i, j, z, lo, hi, ErrDomain)
			default:
				maxAbs = max(maxAbs, math.Abs(z))
			}
		}
	}
	return hasNaN, maxAbs, nil
}

// heatMap draws a validated grid on the scale s.
func heatMap(grid Grid2D, xLabel, yLabel, zLabel string, s heatScale) (*HeatMapFigure, error) {
	nx, ny := len(grid.X), len(grid.Y)
	evenX, err := checkLevels(s.fn, "X", grid.X)
	if err != nil {
		return nil, err
	}
	evenY, err := checkLevels(s.fn, "Y", grid.Y)
	if err != nil {
		return nil, err
	}

	k := 1
	if evenX && evenY {
		k = max(1, rasterCells/max(nx, ny))
		if nx*k == 1 {
			// The PDF writer sorts a file's images by pixel width and
			// leaves images of equal width in random order. The colour
			// bar is one pixel wide, so a one-column raster is drawn two
			// pixels wide to keep PDF output reproducible.
			k = 2
		}
	}
	hm := plotter.NewHeatMap(gridXYZ{grid, k}, s.cm.Palette(s.colors))
	hm.Min, hm.Max = s.cm.Min(), s.cm.Max()
	hm.NaN = NaNColor
	hm.Rasterized = evenX && evenY

	p := newPlot(xLabel, yLabel)
	p.Add(noGlyphs{hm})
	p.X.Padding, p.Y.Padding = 0, 0
	xmin, xmax, ymin, ymax := hm.DataRange()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax

	p.X.Tick.Marker = levelTicks(grid.X)
	p.Y.Tick.Marker = levelTicks(grid.Y)
	note, err := gridNote(s.fn, grid, s.signed)
	if err != nil {
		return nil, err
	}
	if grid.Lo != nil {
		h := hatch{g: grid}
		if s.signed {
			h.cm = s.cm
		}
		p.Add(h)
	}

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: s.cm, Vertical: true, Colors: s.colors})
	bar.HideAxes()
	bar.X.Padding, bar.Y.Padding = 0, 0

	return &HeatMapFigure{
		Map: p, Bar: bar, Label: zLabel,
		Ticks:    s.ticks,
		HasNaN:   s.hasNaN,
		Note:     note,
		BarWidth: 4 * vg.Millimeter, Gap: 2.5 * vg.Millimeter,
		TextStyle: draw.TextStyle{
			Color:   color.Black,
			Font:    font.From(sans, tickSize),
			Handler: p.Y.Tick.Label.Handler,
		},
		zmin: s.cm.Min(), zmax: s.cm.Max(),
	}, nil
}

// checkLevels validates grid levels and reports whether they are evenly
// spaced (to a relative 1e-9 of the step).
func checkLevels(fn, name string, v []float64) (even bool, err error) {
	for i, x := range v {
		if !finite(x) || (i > 0 && !(x > v[i-1])) {
			return false, fmt.Errorf("figures: %s: %s[%d]=%v not finite or not increasing: %w", fn, name, i, x, ErrDomain)
		}
	}
	if len(v) < 3 {
		return true, nil
	}
	step := (v[len(v)-1] - v[0]) / float64(len(v)-1)
	for i := 1; i < len(v); i++ {
		if math.Abs(v[i]-v[i-1]-step) > 1e-9*step {
			return false, nil
		}
	}
	return true, nil
}

// Draw draws the map in c less a strip on the right, and the colour bar in
// that strip, aligned with the map's data area.
func (f *HeatMapFigure) Draw(c draw.Canvas) {
	sty := f.TextStyle
	tickLen := vg.Points(3)
	labelW := vg.Length(0)
	for _, t := range f.Ticks {
		labelW = max(labelW, sty.Width(t.Label))
	}
	if f.HasNaN {
		labelW = max(labelW, sty.Width("n/a"))
	}
	lsty := sty
	lsty.Font = font.From(sans, labelSize)
	lsty.Rotation = math.Pi / 2
	lsty.XAlign, lsty.YAlign = draw.XCenter, draw.YTop
	labelH := vg.Length(0)
	if f.Label != "" {
		labelH = lsty.FontExtents().Height
	}
	strip := f.Gap + f.BarWidth + tickLen + f.Gap/2 + labelW + f.Gap + labelH + vg.Points(2)

	mapC := draw.Crop(c, 0, -strip, 0, 0)
	if f.Note != "" {
		nsty := sty
		nsty.XAlign, nsty.YAlign = draw.XCenter, draw.YTop
		c.FillText(nsty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y}, f.Note)
		mapC = draw.Crop(mapC, 0, 0, 0, -(nsty.FontExtents().Height + vg.Points(3)))
	}
	f.Map.Draw(mapC)
	da := f.Map.DataCanvas(mapC)

	// The bar starts after the map's canvas, which holds the overhang of
	// the last X tick label, and at least Gap after its data area.
	x0 := max(da.Max.X+f.Gap, mapC.Max.X+f.Gap/2)
	barC := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x0, Y: da.Min.Y},
		Max: vg.Point{X: x0 + f.BarWidth, Y: da.Max.Y},
	}}
	f.Bar.Draw(barC)
	frame := draw.LineStyle{Color: color.Gray{Y: 0x40}, Width: vg.Points(0.5)}
	c.StrokeLines(frame, []vg.Point{
		barC.Min, {X: barC.Max.X, Y: barC.Min.Y}, barC.Max, {X: barC.Min.X, Y: barC.Max.Y}, barC.Min,
	})

	h := barC.Max.Y - barC.Min.Y
	tsty := sty
	tsty.XAlign, tsty.YAlign = draw.XLeft, draw.YCenter
	zmin, zmax := f.Range()
	for _, t := range f.Ticks {
		y := barC.Min.Y + vg.Length((t.Value-zmin)/(zmax-zmin))*h
		c.StrokeLine2(frame, barC.Max.X, y, barC.Max.X+tickLen, y)
		if t.Label != "" {
			c.FillText(tsty, vg.Point{X: barC.Max.X + tickLen + f.Gap/2, Y: y}, t.Label)
		}
	}
	if f.HasNaN {
		y1 := barC.Min.Y - f.Gap
		sq := vg.Rectangle{Min: vg.Point{X: barC.Min.X, Y: y1 - f.BarWidth}, Max: vg.Point{X: barC.Max.X, Y: y1}}
		c.SetColor(NaNColor)
		c.Fill(sq.Path())
		c.FillText(tsty, vg.Point{X: barC.Max.X + tickLen + f.Gap/2, Y: y1 - f.BarWidth/2}, "n/a")
	}
	if f.Label != "" {
		x := barC.Max.X + tickLen + f.Gap/2 + labelW + f.Gap
		c.FillText(lsty, vg.Point{X: x, Y: (barC.Min.Y + barC.Max.Y) / 2}, f.Label)
	}
}

var _ palette.ColorMap = (*stopsMap)(nil)

// noGlyphs hides the GlyphBoxes of a heat map: plotter.HeatMap reports a
// ±5 pt box around every cell centre, which makes the plot pad its data
// area (a gap between the cells and the axes) and costs time for
// upsampled grids. Cells never extend beyond the data range anyway.
type noGlyphs struct{ hm *plotter.HeatMap }

func (n noGlyphs) Plot(c draw.Canvas, p *plot.Plot) { n.hm.Plot(c, p) }

func (n noGlyphs) DataRange() (xmin, xmax, ymin, ymax float64) { return n.hm.DataRange() }
