package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/studyout"
)

const (
	trustLabel = "front_min_trust (trust needed for public talks; initial 0.2)"
	postLabel  = "Posturing π (both negotiators)"
	mapW       = 12 * vg.Centimeter
	mapH       = 10 * vg.Centimeter
)

// figures writes the study's figures to dir and returns their base names.
func (m *studyMap) figures(dir string) ([]string, error) {
	var names []string
	nx, ny := len(m.Trust), len(m.Posturing)
	grid := func(f func(c *cell) (z, lo, hi float64)) figures.Grid2D {
		g := figures.Grid2D{X: m.Trust, Y: m.Posturing, Level: conf}
		for i := range nx {
			var z, lo, hi []float64
			var n []int
			for j := range ny {
				a, b, c := f(m.at(i, j))
				z, lo, hi, n = append(z, a), append(lo, b), append(hi, c), append(n, m.Reps)
			}
			g.Z, g.Lo, g.Hi, g.N = append(g.Z, z), append(g.Lo, lo), append(g.Hi, hi), append(g.N, n)
		}
		return g
	}
	save := func(f *figures.HeatMapFigure, name, title, note string) error {
		f.Map.Title.Text = title
		f.Note = note
		if err := figures.SaveFigure(f, dir, name, mapW, mapH); err != nil {
			return err
		}
		names = append(names, name)
		return nil
	}

	// 1. The best level within five years; hatched where another level is
	// within zHump paired SE of it (Lo, Hi: the plausible range, so the
	// figure hatches cells whose range spans more than one level).
	f, err := figures.HeatMap(grid(func(c *cell) (float64, float64, float64) {
		return levels[c.Best], c.PlausibleLo, c.PlausibleHi
	}), trustLabel, postLabel, "Best reliance level P")
	if err != nil {
		return names, err
	}
	f.Ticks = levelBarTicks()
	if err := save(f, "best-level", fmt.Sprintf("Best reliance P, breakthrough ≤ %d rounds", early),
		fmt.Sprintf("n = %d per level; hatched: another level within %d paired SE", m.Reps, zHump)); err != nil {
		return names, err
	}

	// 2. The held-out five-year gain of the best back-channel level over
	// front-only; 3. the change in repeated impasse from P = 0 to P = 0.5.
	// Both are signed differences, drawn on a diverging colour map
	// symmetric about 0 (the limit from the data); cells whose Newcombe
	// interval contains 0 are hatched.
	for _, d := range []struct {
		name, title, bar, note string
		get                    func(c *cell) metrics.PairedDiff
	}{
		{"gain", "Five-year gain: best P > 0 over P = 0",
			"P(breakthrough ≤ 260): best P > 0 − P = 0",
			fmt.Sprintf("held out: n = %d pairs per cell; hatched: 95%% interval contains 0", m.Reps/2),
			func(c *cell) metrics.PairedDiff { return c.Gain.D }},
		{"repeated-impasse", fmt.Sprintf("%s impasse by round %d: P = 0.5 − P = 0", studyout.Ordinal(repeatK), m.Horizon),
			"Δ P(2nd impasse by the horizon)",
			fmt.Sprintf("n = %d pairs per cell; hatched: 95%% interval contains 0", m.Reps),
			func(c *cell) metrics.PairedDiff { return c.Levels[indexOf(0.5)].VsZero[imp2] }},
	} {
		g := grid(func(c *cell) (float64, float64, float64) {
			x := d.get(c)
			return x.D, x.Interval.Lo, x.Interval.Hi
		})
		f, err := figures.HeatMapSigned(g, trustLabel, postLabel, d.bar, 0)
		if err != nil {
			return names, err
		}
		if err := save(f, d.name, d.title, d.note); err != nil {
			return names, err
		}
	}

	// 4. Small multiples: P(breakthrough) against P in representative
	// cells.
	ti, pj := nearest(m.Trust, []float64{0.2, 0.3, 0.35, 0.5}), nearest(m.Posturing, []float64{0, 1.75, 2})
	var rows [][]*plot.Plot
	for k := len(pj) - 1; k >= 0; k-- { // highest posturing on top, as in the heat maps
		j := pj[k]
		var row []*plot.Plot
		for _, i := range ti {
			c := m.at(i, j)
			p := figures.NewPlot("Reliance P", "P(breakthrough)")
			p.Title.Text = fmt.Sprintf("front_min_trust %g, π %g", c.Trust, c.Posturing)
			p.Title.TextStyle.Font.Size = vg.Points(9)
			p.Y.Min, p.Y.Max = 0, 1
			p.Y.Tick.Marker = figures.ProbabilityTicks
			p.X.Min, p.X.Max = -0.08, 1.08
			p.X.Tick.Marker = levelAxisTicks()
			for s, k := range []outcome{bt5, btH} {
				var pts []figures.Estimate
				for _, le := range c.Levels {
					e := le.Est[k]
					pts = append(pts, figures.Estimate{X: le.P, Y: float64(e.P), Lo: float64(e.CI[0]), Hi: float64(e.CI[1])})
				}
				if err := figures.AddEstimates(p, s, "", pts, float64(2*s-1)*0.015); err != nil {
					return names, err
				}
			}
			p.Legend = plot.NewLegend()
			row = append(row, p)
		}
		rows = append(rows, row)
	}
	pan := figures.NewPanels(rows)
	for s, name := range []string{fmt.Sprintf("within %d rounds (five years)", early), fmt.Sprintf("by the horizon (%d rounds)", m.Horizon)} {
		c := figures.SeriesColor(s)
		pan.Legend = append(pan.Legend, figures.LegendEntry{Name: name, Thumbs: []plot.Thumbnailer{
			&plotter.Line{LineStyle: draw.LineStyle{Color: c, Width: vg.Points(1.1)}}}})
	}
	pan.Note = fmt.Sprintf("P(ratified breakthrough) with 95%% Wilson intervals, n = %d per level; columns: front_min_trust, rows: posturing π", m.Reps)
	h := vg.Length(len(rows))*4.6*vg.Centimeter + 1.6*vg.Centimeter
	if err := figures.SaveFigure(pan, dir, "cells", studyout.PageWidth, h); err != nil {
		return names, err
	}
	names = append(names, "cells")
	if slices.Contains(figures.Formats, "png") {
		// The README's copy at 150 dpi with at most 256 colours (see
		// paletted), to keep the repository small.
		img := paletted(studykit.RenderPNG(pan, studyout.PageWidth, h, 150))
		if err := studykit.WritePNG(filepath.Join(dir, "cells-150dpi.png"), img); err != nil {
			return names, err
		}
	}
	return names, nil
}

// nearest returns the indices of the values of grid nearest to each
// target, without repeats, in increasing order.
func nearest(grid, targets []float64) []int {
	seen := map[int]bool{}
	var out []int
	for _, t := range targets {
		b := 0
		for i, g := range grid {
			if math.Abs(g-t) < math.Abs(grid[b]-t) {
				b = i
			}
		}
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	for i := 1; i < len(out); i++ {
		for k := i; k > 0 && out[k] < out[k-1]; k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	return out
}

// levelBarTicks are colour-bar ticks at the reliance levels.
func levelBarTicks() []plot.Tick {
	var t []plot.Tick
	for _, l := range levels {
		t = append(t, plot.Tick{Value: l, Label: strconv.FormatFloat(l, 'g', 3, 64)})
	}
	return t
}

// levelAxisTicks are axis ticks at the reliance levels, labelled at 0,
// 0.5 and 1 (the others are too close for a small panel).
func levelAxisTicks() plot.ConstantTicks {
	t := levelBarTicks()
	for i := range t {
		if t[i].Value != 0 && t[i].Value != 0.5 && t[i].Value != 1 {
			t[i].Label = ""
		}
	}
	return plot.ConstantTicks(t)
}

// paletted returns img with its 256 most frequent colours (ties broken by
// colour value, so the result is reproducible), every other pixel mapped
// to the nearest of them in RGB: a figure is mostly white, black, grey and
// a few series colours, and the anti-aliased blends between them lose
// nothing visible.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	count := map[color.NRGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)]++
		}
	}
	cols := make([]color.NRGBA, 0, len(count))
	for c := range count {
		cols = append(cols, c)
	}
	key := func(c color.NRGBA) uint32 { return uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A) }
	slices.SortFunc(cols, func(a, b color.NRGBA) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return int(key(a)) - int(key(b))
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cols[:min(256, len(cols))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	idx := map[color.NRGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			i, ok := idx[c]
			if !ok {
				i = uint8(pal.Index(c))
				idx[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}
