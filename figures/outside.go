package figures

import (
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Outside is a plot drawn with its legend outside the data area, in a
// strip to the right of the axes whose top is level with the top of the
// data area, so that the legend never hides data. A plot with an empty
// legend is drawn as it is. Save draws every plot this way.
type Outside struct {
	Plot *plot.Plot
}

// Draw draws o.Plot in c less a strip on the right, and its legend in that
// strip.
func (o Outside) Draw(c draw.Canvas) {
	p := o.Plot
	leg := p.Legend
	r := leg.Rectangle(c)
	w := r.Max.X - r.Min.X
	if w <= 0 {
		p.Draw(c)
		return
	}
	gap := 3 * vg.Millimeter
	bare := *p
	bare.Legend = plot.NewLegend()
	if title := bare.Title.Text; title != "" {
		// The title spans the whole figure, legend strip included, so
		// that a long title is not cut at the narrower axes. It is drawn
		// last, over the plot's background.
		sty := bare.Title.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		top := vg.Point{X: c.Center().X, Y: c.Max.Y}
		defer c.FillText(sty, top, title)
		c = draw.Crop(c, 0, 0, 0, -(sty.FontExtents().Height + bare.Title.Padding))
		bare.Title.Text = ""
	}
	main := draw.Crop(c, 0, -(w + gap), 0, 0)
	// An X label wider than the axis left beside the legend would make
	// gonum/plot shrink the data area to nothing: break it into lines.
	avail := main.Max.X - main.Min.X - 12*vg.Millimeter
	bare.X.Label.Text = wrapLabel(bare.X.Label.Text, func(s string) vg.Length { return bare.X.Label.TextStyle.Width(s) }, avail)
	bare.Draw(main)
	da := bare.DataCanvas(main)
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = 0, 0
	strip := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - w, Y: c.Min.Y},
		Max: vg.Point{X: c.Max.X, Y: da.Max.Y},
	}}
	leg.Draw(strip)
}

// wrapLabel breaks text at spaces into as few lines as keep every line
// within width (as measured by w), each break at the space nearest to an
// even split. A single word wider than width stays whole.
func wrapLabel(text string, w func(string) vg.Length, width vg.Length) string {
	if width <= 0 || w(text) <= width || strings.Contains(text, "\n") {
		return text
	}
	words := strings.Fields(text)
	for n := 2; n <= len(words); n++ {
		var lines []string
		rest := words
		for k := n; k > 1 && len(rest) > 0; k-- {
			// Break where the line's share of the rest is closest to 1/k.
			total := w(strings.Join(rest, " "))
			best, bestD := 1, vg.Length(-1)
			for i := 1; i < len(rest); i++ {
				d := w(strings.Join(rest[:i], " ")) - total/vg.Length(k)
				if d < 0 {
					d = -d
				}
				if bestD < 0 || d < bestD {
					best, bestD = i, d
				}
			}
			lines = append(lines, strings.Join(rest[:best], " "))
			rest = rest[best:]
		}
		if len(rest) > 0 {
			lines = append(lines, strings.Join(rest, " "))
		}
		fits := true
		for _, l := range lines {
			fits = fits && w(l) <= width
		}
		if fits {
			return strings.Join(lines, "\n")
		}
	}
	return strings.Join(words, "\n")
}
