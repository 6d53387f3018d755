package figures

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

// testGridUncertain is a 5 × 3 grid at the levels of a sweep 0:1:0.25 by
// 0:0.1:0.05 with Wilson-like intervals: wide (0.3) in the middle column,
// narrow (0.04) elsewhere, and n = 100 in every cell but one (80).
func testGridUncertain() Grid2D {
	g := Grid2D{X: []float64{0, 0.25, 0.5, 0.75, 1}, Y: []float64{0, 0.05, 0.1}, Level: 0.95}
	for i, x := range g.X {
		var z, lo, hi []float64
		var n []int
		for _, y := range g.Y {
			v := x * (1 - 5*y)
			w := 0.02
			if i == 2 {
				w = 0.15
			}
			z, lo, hi = append(z, v), append(lo, math.Max(0, v-w)), append(hi, math.Min(1, v+w))
			n = append(n, 100)
		}
		g.Z, g.Lo, g.Hi, g.N = append(g.Z, z), append(g.Lo, lo), append(g.Hi, hi), append(g.N, n)
	}
	g.N[4][2] = 80
	return g
}

func TestLevelTicks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		levels   []float64
		labelled []string
	}{
		// The case: levels 0, 0.2, ..., 1 get a tick each, at
		// the level (the cell centre), not at 0.25 steps.
		{[]float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		// 11 levels: every second labelled (at most 8 labels).
		{[]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []string{"0", "", "2", "", "4", "", "6", "", "8", "", "10"}},
	}
	for _, c := range cases {
		ticks := levelTicks(c.levels)
		if len(ticks) != len(c.levels) {
			t.Fatalf("levelTicks(%v): %d ticks, want %d", c.levels, len(ticks), len(c.levels))
		}
		for i, tk := range ticks {
			if tk.Value != c.levels[i] || tk.Label != c.labelled[i] {
				t.Errorf("levelTicks(%v)[%d] = {%v %q}, want {%v %q}", c.levels, i, tk.Value, tk.Label, c.levels[i], c.labelled[i])
			}
		}
	}
}

func TestGridNote(t *testing.T) {
	t.Parallel()
	g := testGridUncertain()
	f, err := HeatMap(g, "x", "y", "z")
	must(t, err)
	if want := "n = 80–100 per cell; hatched: 95% interval wider than 0.1"; f.Note != want {
		t.Errorf("Note = %q, want %q", f.Note, want)
	}
	bad := testGridUncertain()
	bad.Hi = nil
	if _, err := HeatMap(bad, "x", "y", "z"); !errors.Is(err, ErrMismatch) {
		t.Errorf("Lo without Hi: err = %v, want ErrMismatch", err)
	}
	bad = testGridUncertain()
	bad.N[1] = bad.N[1][:2]
	if _, err := HeatMap(bad, "x", "y", "z"); !errors.Is(err, ErrMismatch) {
		t.Errorf("short N column: err = %v, want ErrMismatch", err)
	}
	bad = testGridUncertain()
	bad.N[0][0] = -1
	if _, err := HeatMap(bad, "x", "y", "z"); !errors.Is(err, ErrDomain) {
		t.Errorf("negative n: err = %v, want ErrDomain", err)
	}
}

func TestEdges(t *testing.T) {
	t.Parallel()
	got := edges([]float64{0, 0.2, 0.4})
	want := []float64{-0.1, 0.1, 0.3, 0.5}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("edges[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestWrapLabel(t *testing.T) {
	t.Parallel()
	// One unit per character: widths are string lengths.
	w := func(s string) vg.Length { return vg.Length(len(s)) }
	for _, c := range []struct {
		text  string
		width vg.Length
		want  string
	}{
		{"short label", 20, "short label"},
		{"aaaa bbbb cccc dddd", 10, "aaaa bbbb\ncccc dddd"},
		{"aaaa bbbb cccc dddd eeee ffff", 10, "aaaa bbbb\ncccc dddd\neeee ffff"},
		{"unbreakableword", 5, "unbreakableword"},
	} {
		if got := wrapLabel(c.text, w, c.width); got != c.want {
			t.Errorf("wrapLabel(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

// TestSVGImagesFillTheirBoxes checks that every raster of an SVG figure
// (the heat map's cells and colour bar) is stretched to its box: with the
// SVG default, browsers letterbox it off its axes.
func TestSVGImagesFillTheirBoxes(t *testing.T) {
	t.Parallel()
	f, err := HeatMap(testGridUncertain(), "x", "y", "z")
	must(t, err)
	var buf bytes.Buffer
	must(t, Write(&buf, f, "svg", 8*vg.Centimeter, 6*vg.Centimeter))
	all := bytes.Count(buf.Bytes(), []byte("<image "))
	filled := bytes.Count(buf.Bytes(), []byte(`<image preserveAspectRatio="none" `))
	if all != 2 || filled != all {
		t.Errorf("%d <image> elements, %d with preserveAspectRatio=\"none\"; want 2 (map and colour bar), all stretched", all, filled)
	}
}
