package figures

import (
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
	main := draw.Crop(c, 0, -(w + gap), 0, 0)
	bare := *p
	bare.Legend = plot.NewLegend()
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
