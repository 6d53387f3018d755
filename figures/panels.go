package figures

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Panels is a multi-panel figure: a grid of plots whose data areas are
// aligned with plot.Align, corrected where it falls short (a label wider
// than a panel's data area at plot.Align's intermediate size), so that
// every panel's data area has the same size and axes line up across rows
// and columns.
type Panels struct {
	// Plots holds the panels by row, then column. A nil entry leaves its
	// tile empty. All rows should have the same length.
	Plots [][]*plot.Plot

	// Tiles is the layout; Rows and Cols are taken from Plots when zero.
	Tiles draw.Tiles

	// Legend, if not empty, is drawn as one centred row above the panels,
	// for entries shared by all of them (such as the policies).
	Legend []LegendEntry
	// LegendStyle is the text style of Legend and Note.
	LegendStyle draw.TextStyle

	// Note, if not empty, is one centred line of text drawn below the
	// legend (or at the top), for what applies to every panel, such as
	// which replications the panels summarise.
	Note string
}

// LegendEntry is one entry of a figure-level legend: a name and the
// thumbnails drawn, on top of each other, before it.
type LegendEntry struct {
	Name   string
	Thumbs []plot.Thumbnailer
}

// NewPanels returns Panels laying out plots (rows of columns) with the
// house spacing between tiles.
func NewPanels(plots [][]*plot.Plot) *Panels {
	return &Panels{
		Plots:       plots,
		LegendStyle: draw.TextStyle{Color: color.Black, Font: font.From(sans, legendSize), Handler: plot.DefaultTextHandler},
		Tiles: draw.Tiles{
			PadX: 5 * vg.Millimeter, PadY: 5 * vg.Millimeter,
			PadTop: vg.Millimeter, PadBottom: vg.Millimeter,
			PadLeft: vg.Millimeter, PadRight: 2 * vg.Millimeter,
		},
	}
}

// Draw draws every panel into its tile of c.
func (f *Panels) Draw(c draw.Canvas) {
	if len(f.Plots) == 0 {
		return
	}
	if len(f.Legend) > 0 {
		c = f.drawLegend(c)
	}
	if f.Note != "" {
		sty := f.LegendStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Note)
		c = draw.Crop(c, 0, 0, 0, -(sty.FontExtents().Height + vg.Points(4)))
	}
	t := f.Tiles
	if t.Rows == 0 {
		t.Rows = len(f.Plots)
	}
	if t.Cols == 0 {
		for _, row := range f.Plots {
			t.Cols = max(t.Cols, len(row))
		}
	}
	// plot.Align wants a full Rows × Cols grid.
	grid := make([][]*plot.Plot, t.Rows)
	for j := range grid {
		grid[j] = make([]*plot.Plot, t.Cols)
		if j < len(f.Plots) {
			copy(grid[j], f.Plots[j])
		}
	}
	canvases := align(grid, t, c)
	for j := range grid {
		for i, p := range grid[j] {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
}

// Alignment refinement: at most alignSteps corrections of plot.Align's
// canvases, stopping once every data area is within alignTol of its place.
const (
	alignSteps = 8
	alignTol   = 0.05 * vg.Millimeter
)

// align returns the canvases in c of the plots of grid, a t.Rows × t.Cols
// grid with nil for empty tiles, such that every plot's data area has the
// same size, those of a column share their left and right edges and those
// of a row their bottom and top edges. It starts from plot.Align's
// canvases and corrects them where needed.
//
// plot.Align measures each plot's margins (the space between its tile's
// edges and its data area, for the axes and for labels and glyphs that
// overhang the data) once, in a tile of intermediate size, and assumes
// they do not change when the tile is resized. That is false when
// something centred on the data area, such as an axis label, is wider
// than the data area at that intermediate size: gonum's padding then
// shrinks the data area to keep the label inside the tile, by an amount
// that depends on the tile's width, and that panel ends up with a data
// area of a different size. align repeats the layout with the margins
// measured in the canvases of the previous step (columns take their
// plots' largest left and right margins, rows their largest bottom and
// top margins, and the data areas share the rest equally, as in
// plot.Align) until every data area is within alignTol of its place, for
// at most alignSteps steps. Where plot.Align is already right its
// canvases are returned unchanged. A label wider than the final data area
// cannot be kept inside its tile with equal data areas; align then stops
// after alignSteps steps and the data areas may still differ.
func align(grid [][]*plot.Plot, t draw.Tiles, c draw.Canvas) [][]draw.Canvas {
	cs := plot.Align(grid, t, c)
	type margins struct{ l, r, b, t vg.Length }
	m := make([][]margins, t.Rows)
	data := make([][]vg.Rectangle, t.Rows)
	for j := range m {
		m[j] = make([]margins, t.Cols)
		data[j] = make([]vg.Rectangle, t.Cols)
	}
	for range alignSteps {
		left, right := make([]vg.Length, t.Cols), make([]vg.Length, t.Cols)
		bottom, top := make([]vg.Length, t.Rows), make([]vg.Length, t.Rows)
		for j, row := range grid {
			for i, p := range row {
				if p == nil {
					continue
				}
				d := p.DataCanvas(cs[j][i]).Rectangle
				data[j][i] = d
				m[j][i] = margins{
					l: d.Min.X - cs[j][i].Min.X, r: cs[j][i].Max.X - d.Max.X,
					b: d.Min.Y - cs[j][i].Min.Y, t: cs[j][i].Max.Y - d.Max.Y,
				}
				left[i], right[i] = max(left[i], m[j][i].l), max(right[i], m[j][i].r)
				bottom[j], top[j] = max(bottom[j], m[j][i].b), max(top[j], m[j][i].t)
			}
		}
		w := c.Max.X - c.Min.X - t.PadLeft - t.PadRight - vg.Length(t.Cols-1)*t.PadX
		for i := range t.Cols {
			w -= left[i] + right[i]
		}
		w /= vg.Length(t.Cols)
		h := c.Max.Y - c.Min.Y - t.PadTop - t.PadBottom - vg.Length(t.Rows-1)*t.PadY
		for j := range t.Rows {
			h -= bottom[j] + top[j]
		}
		h /= vg.Length(t.Rows)
		if !(w > 0 && h > 0) {
			return cs // no room: leave it to plot.Align
		}
		x0 := make([]vg.Length, t.Cols) // left edges of the data areas
		x := c.Min.X + t.PadLeft
		for i := range t.Cols {
			x0[i] = x + left[i]
			x += left[i] + w + right[i] + t.PadX
		}
		y1 := make([]vg.Length, t.Rows) // top edges, the first row at the top
		y := c.Max.Y - t.PadTop
		for j := range t.Rows {
			y1[j] = y - top[j]
			y -= top[j] + h + bottom[j] + t.PadY
		}
		done := true
		for j, row := range grid {
			for i, p := range row {
				if p == nil {
					continue
				}
				want := vg.Rectangle{Min: vg.Point{X: x0[i], Y: y1[j] - h}, Max: vg.Point{X: x0[i] + w, Y: y1[j]}}
				d := data[j][i]
				if abs(d.Min.X-want.Min.X) > alignTol || abs(d.Max.X-want.Max.X) > alignTol ||
					abs(d.Min.Y-want.Min.Y) > alignTol || abs(d.Max.Y-want.Max.Y) > alignTol {
					done = false
				}
				data[j][i] = want
			}
		}
		if done {
			return cs
		}
		for j, row := range grid {
			for i, p := range row {
				if p == nil {
					continue
				}
				d, mm := data[j][i], m[j][i]
				cs[j][i].Rectangle = vg.Rectangle{
					Min: vg.Point{X: d.Min.X - mm.l, Y: d.Min.Y - mm.b},
					Max: vg.Point{X: d.Max.X + mm.r, Y: d.Max.Y + mm.t},
				}
			}
		}
	}
	return cs
}

// abs returns the absolute value of x.
func abs(x vg.Length) vg.Length {
	if x < 0 {
		return -x
	}
	return x
}

// drawLegend draws f.Legend as centred rows at the top of c, as many
// entries per row as fit the width of c, and returns the rest of c.
func (f *Panels) drawLegend(c draw.Canvas) draw.Canvas {
	sty := f.LegendStyle
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	h := sty.FontExtents().Height
	thumbW := vg.Points(16)
	em := sty.Width("m")
	width := func(e LegendEntry) vg.Length { return thumbW + em/2 + sty.Width(e.Name) }
	var rows [][]LegendEntry
	var cur []LegendEntry
	var used vg.Length
	for _, e := range f.Legend {
		w := width(e)
		if len(cur) > 0 && used+2*em+w > c.Max.X-c.Min.X {
			rows = append(rows, cur)
			cur, used = nil, 0
		}
		if len(cur) > 0 {
			used += 2 * em
		}
		cur = append(cur, e)
		used += w
	}
	rows = append(rows, cur)
	yc := c.Max.Y - h/2
	for _, row := range rows {
		total := vg.Length(0)
		for i, e := range row {
			if i > 0 {
				total += 2 * em
			}
			total += width(e)
		}
		x := c.Center().X - total/2
		for _, e := range row {
			tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: yc - h/2 + h/8},
				Max: vg.Point{X: x + thumbW, Y: yc + h/2 - h/8},
			}}
			for _, th := range e.Thumbs {
				th.Thumbnail(&tc)
			}
			x += thumbW + em/2
			c.FillText(sty, vg.Point{X: x, Y: yc}, e.Name)
			x += sty.Width(e.Name) + 2*em
		}
		yc -= 1.2 * h
	}
	return draw.Crop(c, 0, 0, 0, -(vg.Length(len(rows))*1.2*h + vg.Points(2)))
}
