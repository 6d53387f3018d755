package figures

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Panels is a multi-panel figure: a grid of plots whose data areas are
// aligned with plot.Align, so that axes line up across rows and columns.
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
	canvases := plot.Align(grid, t, c)
	for j := range grid {
		for i, p := range grid[j] {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
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
