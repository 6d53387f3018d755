package figures

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HatchWidth is the interval width above which HeatMap hatches a cell:
// its estimate is too uncertain to read its colour at face value.
var HatchWidth = 0.1

// levelTicks returns ticks at the levels of a swept parameter, so that
// each tick sits at the centre of its cells: all labelled if there are at
// most eight, otherwise every k-th labelled and the others minor.
func levelTicks(levels []float64) plot.ConstantTicks {
	k := 1
	for len(levels)/k > 8 {
		k++
	}
	ticks := make(plot.ConstantTicks, len(levels))
	for i, v := range levels {
		ticks[i].Value = v
		if i%k == 0 {
			ticks[i].Label = strconv.FormatFloat(v, 'g', 4, 64)
		}
	}
	return ticks
}

// gridNote checks the optional Lo, Hi and N of g and returns the line
// that states them on the figure. For a signed map (cells hatched where
// their interval contains 0) it also checks that each interval is NaN or
// finite with Lo <= Hi. fn names the calling function in errors.
func gridNote(fn string, g Grid2D, signed bool) (string, error) {
	nx, ny := len(g.X), len(g.Y)
	shape := func(name string, rows int, cols func(i int) int) error {
		if rows != nx {
			return fmt.Errorf("figures: %s: len(%s)=%d, want len(X)=%d: %w", fn, name, rows, nx, ErrMismatch)
		}
		for i := 0; i < rows; i++ {
			if cols(i) != ny {
				return fmt.Errorf("figures: %s: len(%s[%d])=%d, want len(Y)=%d: %w", fn, name, i, cols(i), ny, ErrMismatch)
			}
		}
		return nil
	}
	if (g.Lo == nil) != (g.Hi == nil) {
		return "", fmt.Errorf("figures: %s: Lo and Hi must be given together: %w", fn, ErrMismatch)
	}
	var note string
	if g.N != nil {
		if err := shape("N", len(g.N), func(i int) int { return len(g.N[i]) }); err != nil {
			return "", err
		}
		lo, hi := math.MaxInt, -1
		for i := range g.N {
			for j, n := range g.N[i] {
				if n < 0 {
					return "", fmt.Errorf("figures: %s: N[%d][%d]=%d < 0: %w", fn, i, j, n, ErrDomain)
				}
				lo, hi = min(lo, n), max(hi, n)
			}
		}
		if lo == hi {
			note = fmt.Sprintf("n = %d per cell", lo)
		} else {
			note = fmt.Sprintf("n = %d–%d per cell", lo, hi)
		}
	}
	if g.Lo != nil {
		for _, m := range []struct {
			name string
			v    [][]float64
		}{{"Lo", g.Lo}, {"Hi", g.Hi}} {
			if err := shape(m.name, len(m.v), func(i int) int { return len(m.v[i]) }); err != nil {
				return "", err
			}
		}
		rule := fmt.Sprintf("wider than %g", HatchWidth)
		if signed {
			rule = "contains 0"
			if err := checkIntervals(fn, g); err != nil {
				return "", err
			}
		}
		h := "hatched: interval " + rule
		if g.Level > 0 && g.Level < 1 {
			h = fmt.Sprintf("hatched: %g%% interval %s", 100*g.Level, rule)
		}
		if note != "" {
			note += "; "
		}
		note += h
	}
	return note, nil
}

// checkIntervals checks that every interval of g is NaN (no interval) or
// has finite limits with Lo <= Hi.
func checkIntervals(fn string, g Grid2D) error {
	for i := range g.Lo {
		for j, lo := range g.Lo[i] {
			hi := g.Hi[i][j]
			if math.IsNaN(lo) || math.IsNaN(hi) {
				continue
			}
			if !finite(lo) || !finite(hi) || lo > hi {
				return fmt.Errorf("figures: %s: Lo[%d][%d]=%v, Hi[%d][%d]=%v: want finite limits with Lo <= Hi, or NaN for no interval: %w", fn, i, j, lo, i, j, hi, ErrDomain)
			}
		}
	}
	return nil
}

// hatch draws diagonal lines over the cells of g whose interval is wider
// than HatchWidth, in translucent white; or, if cm is not nil (a signed
// map), over the cells whose interval contains 0, in translucent black
// on light cells and white on dark ones. Cell edges lie midway between
// levels, and half a step beyond the first and last level.
type hatch struct {
	g  Grid2D
	cm palette.ColorMap
}

// hatchLight and hatchDark are the colours of hatching lines on dark and
// on light cells.
var (
	hatchLight = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xB0}
	hatchDark  = color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0x90}
)

// hatched reports whether the cell with interval [lo, hi] is hatched, and
// in which colour.
func (h hatch) hatched(z, lo, hi float64) (bool, color.Color) {
	if !finite(lo) || !finite(hi) {
		return false, nil
	}
	if h.cm == nil {
		return hi-lo > HatchWidth, hatchLight
	}
	if !(lo <= 0 && hi >= 0) {
		return false, nil
	}
	var c color.Color = NaNColor
	if cc, err := h.cm.At(z); err == nil {
		c = cc
	}
	if luminance(c) > 0.3 {
		return true, hatchDark
	}
	return true, hatchLight
}

// luminance returns the relative luminance Y of c in [0, 1] (sRGB,
// ITU-R BT.709 weights of the linearised components).
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xFFFF
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func edges(v []float64) []float64 {
	e := make([]float64, len(v)+1)
	for i := 1; i < len(v); i++ {
		e[i] = (v[i-1] + v[i]) / 2
	}
	if len(v) == 1 {
		e[0], e[1] = v[0]-0.5, v[0]+0.5
		return e
	}
	e[0] = v[0] - (e[1] - v[0])
	e[len(v)] = v[len(v)-1] + (v[len(v)-1] - e[len(v)-1])
	return e
}

// Plot implements plot.Plotter.
func (h hatch) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ex, ey := edges(h.g.X), edges(h.g.Y)
	sty := draw.LineStyle{Width: vg.Points(0.5)}
	space := vg.Points(4)
	for i := range h.g.X {
		for j := range h.g.Y {
			ok, col := h.hatched(h.g.Z[i][j], h.g.Lo[i][j], h.g.Hi[i][j])
			if !ok {
				continue
			}
			sty.Color = col
			x0, x1 := trX(ex[i]), trX(ex[i+1])
			y0, y1 := trY(ey[j]), trY(ey[j+1])
			// Lines x − y = const, clipped to the cell.
			for d := x0 - (y1 - y0); d < x1; d += space {
				// Segment of y = x − d (in canvas units, offset from y0).
				ax, ay := d, y0
				if ax < x0 {
					ay += x0 - ax
					ax = x0
				}
				bx, by := d+(y1-y0), y1
				if bx > x1 {
					by -= bx - x1
					bx = x1
				}
				if ax >= bx {
					continue
				}
				c.StrokeLine2(sty, ax, ay, bx, by)
			}
		}
	}
}
