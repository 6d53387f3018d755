package figures

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
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
// that states them on the figure.
func gridNote(g Grid2D) (string, error) {
	nx, ny := len(g.X), len(g.Y)
	shape := func(name string, rows int, cols func(i int) int) error {
		if rows != nx {
			return fmt.Errorf("figures: HeatMap: len(%s)=%d, want len(X)=%d: %w", name, rows, nx, ErrMismatch)
		}
		for i := 0; i < rows; i++ {
			if cols(i) != ny {
				return fmt.Errorf("figures: HeatMap: len(%s[%d])=%d, want len(Y)=%d: %w", name, i, cols(i), ny, ErrMismatch)
			}
		}
		return nil
	}
	if (g.Lo == nil) != (g.Hi == nil) {
		return "", fmt.Errorf("figures: HeatMap: Lo and Hi must be given together: %w", ErrMismatch)
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
					return "", fmt.Errorf("figures: HeatMap: N[%d][%d]=%d < 0: %w", i, j, n, ErrDomain)
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
		h := fmt.Sprintf("hatched: interval wider than %g", HatchWidth)
		if g.Level > 0 && g.Level < 1 {
			h = fmt.Sprintf("hatched: %g%% interval wider than %g", 100*g.Level, HatchWidth)
		}
		if note != "" {
			note += "; "
		}
		note += h
	}
	return note, nil
}

// hatch draws diagonal lines over the cells of g whose interval is wider
// than HatchWidth. Cell edges lie midway between levels, and half a step
// beyond the first and last level.
type hatch struct{ g Grid2D }

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
	sty := draw.LineStyle{Color: color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xB0}, Width: vg.Points(0.5)}
	space := vg.Points(4)
	for i := range h.g.X {
		for j := range h.g.Y {
			lo, hi := h.g.Lo[i][j], h.g.Hi[i][j]
			if !finite(lo) || !finite(hi) || hi-lo <= HatchWidth {
				continue
			}
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
