package figures

import (
	"errors"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
)

// testGridSigned is a 5 × 3 grid of differences: from −0.3 to +0.25 with
// 95% intervals of half-width 0.05 (0.15 in the middle column, whose
// intervals all contain 0), a cell with no data and n = 100 per cell.
func testGridSigned() Grid2D {
	g := Grid2D{X: []float64{0, 0.25, 0.5, 0.75, 1}, Y: []float64{0, 1, 2}, Level: 0.95}
	for i, x := range g.X {
		var z, lo, hi []float64
		var n []int
		for _, y := range g.Y {
			v := (x - 0.5) * (0.5 + 0.05*y)
			w := 0.05
			if i == 2 {
				w = 0.15
			}
			z, lo, hi = append(z, v), append(lo, v-w), append(hi, v+w)
			n = append(n, 100)
		}
		g.Z, g.Lo, g.Hi, g.N = append(g.Z, z), append(g.Lo, lo), append(g.Hi, hi), append(g.N, n)
	}
	g.Z[4][2], g.Lo[4][2], g.Hi[4][2] = math.NaN(), math.NaN(), math.NaN()
	return g
}

func rgb(t *testing.T, c color.Color) [3]int {
	t.Helper()
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return [3]int{int(n.R), int(n.G), int(n.B)}
}

// TestCoolWarmControlPoints checks the ends and the midpoint of CoolWarm
// against the control points of Moreland (2009): blue (59, 76, 192),
// grey (221, 221, 221) and red (180, 4, 38), on its default range and on
// a range set to [−m, m].
func TestCoolWarmControlPoints(t *testing.T) {
	t.Parallel()
	for _, m := range []float64{1, 0.4, 30} {
		cm := CoolWarm()
		if m != 1 {
			cm.SetMin(-m)
			cm.SetMax(m)
		}
		for _, c := range []struct {
			v    float64
			want [3]int
		}{{-m, [3]int{59, 76, 192}}, {0, [3]int{221, 221, 221}}, {m, [3]int{180, 4, 38}}} {
			col, err := cm.At(c.v)
			if err != nil {
				t.Fatalf("m=%v: At(%v): %v", m, c.v, err)
			}
			if got := rgb(t, col); got != c.want {
				t.Errorf("m=%v: At(%v) = %v, want %v", m, c.v, got, c.want)
			}
		}
	}
}

// TestCoolWarmMatchesMoreland compares CoolWarm, interpolated between 33
// control points, with gonum's moreland.SmoothBlueRed, which computes
// Moreland's map from its definition in Msh space: they must agree to
// within 4 of 255 in every channel at 101 points (the largest
// difference, near the red end where the map bends most, is 4).
func TestCoolWarmMatchesMoreland(t *testing.T) {
	t.Parallel()
	ours, ref := CoolWarm(), moreland.SmoothBlueRed()
	ref.SetMin(-1)
	ref.SetMax(1)
	const tol = 4
	for i := 0; i <= 100; i++ {
		v := -1 + float64(i)/50
		a, err := ours.At(v)
		must(t, err)
		b, err := ref.At(v)
		must(t, err)
		ga, gb := rgb(t, a), rgb(t, b)
		for k := range 3 {
			if d := ga[k] - gb[k]; d > tol || d < -tol {
				t.Errorf("At(%.2f) = %v, moreland.SmoothBlueRed %v: channel %d differs by %d > %d", v, ga, gb, k, d, tol)
			}
		}
	}
}

// lightness returns the CIELAB L* of c (D65 white).
func lightness(c color.Color) float64 {
	y := luminance(c)
	f := (24389.0/27*y + 16) / 116
	if y > 216.0/24389 {
		f = math.Cbrt(y)
	}
	return 116*f - 16
}

// TestCoolWarmSymmetry checks the property that makes the map diverging:
// L* is largest at 0 and equal (within 0.5) at −v and +v, and falls
// monotonically towards both ends, from 88 at 0 to 38 at ±1 (the L* of
// the published grey and end colours, computed by hand from their sRGB
// values).
func TestCoolWarmSymmetry(t *testing.T) {
	t.Parallel()
	cm := CoolWarm()
	at := func(v float64) color.Color {
		c, err := cm.At(v)
		must(t, err)
		return c
	}
	if got := lightness(at(0)); math.Abs(got-88.1) > 0.2 {
		t.Errorf("L*(0) = %.2f, want 88.1 ± 0.2", got)
	}
	for _, v := range []float64{-1, 1} {
		if got := lightness(at(v)); math.Abs(got-37.7) > 0.2 {
			t.Errorf("L*(%v) = %.2f, want 37.7 ± 0.2", v, got)
		}
	}
	prev := lightness(at(0))
	for i := 1; i <= 64; i++ {
		v := float64(i) / 64
		neg, pos := lightness(at(-v)), lightness(at(v))
		if math.Abs(neg-pos) > 0.5 {
			t.Errorf("L*(−%.3f) = %.2f, L*(+%.3f) = %.2f: differ by more than 0.5", v, neg, v, pos)
		}
		if pos > prev+0.1 {
			t.Errorf("L*(%.3f) = %.2f > L* nearer 0 %.2f: not monotone", v, pos, prev)
		}
		prev = pos
	}
}

// TestCoolWarmOutOfRange checks NaN and values beyond the range: an
// error wrapping palette.ErrNaN, and the end colours with ErrUnderflow
// and ErrOverflow, as for every gonum colour map.
func TestCoolWarmOutOfRange(t *testing.T) {
	t.Parallel()
	cm := CoolWarm()
	if _, err := cm.At(math.NaN()); !errors.Is(err, palette.ErrNaN) {
		t.Errorf("At(NaN): err = %v, want palette.ErrNaN", err)
	}
	for _, c := range []struct {
		v    float64
		want [3]int
		err  error
	}{{-2, [3]int{59, 76, 192}, palette.ErrUnderflow}, {2, [3]int{180, 4, 38}, palette.ErrOverflow}} {
		col, err := cm.At(c.v)
		if !errors.Is(err, c.err) {
			t.Errorf("At(%v): err = %v, want %v", c.v, err, c.err)
		}
		if got := rgb(t, col); got != c.want {
			t.Errorf("At(%v) = %v, want the end colour %v", c.v, got, c.want)
		}
	}
	// 257 colours: the middle one is the grey of 0.
	pal := cm.Palette(257).Colors()
	if got := rgb(t, pal[128]); got != [3]int{221, 221, 221} {
		t.Errorf("Palette(257)[128] = %v, want (221, 221, 221)", got)
	}
}

func TestNiceLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ a, want float64 }{
		{0, 1}, {math.NaN(), 1},
		{0.87, 1}, {0.32, 0.4}, {0.3, 0.3}, {0.27, 0.3}, {0.45, 0.5}, {0.55, 0.6}, {0.7, 0.8},
		{0.01, 0.01}, {0.011, 0.02}, {1, 1}, {1.2, 2}, {8.5, 10}, {250, 300},
	} {
		if got := niceLimit(c.a); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("niceLimit(%v) = %v, want %v", c.a, got, c.want)
		}
	}
}

// TestHeatMapSigned checks the range, the colour-bar ticks, the note and
// the NaN swatch of a signed map, with the limit from the data and given.
func TestHeatMapSigned(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		limit  float64
		m      float64
		labels string
	}{
		// max |Z| = 0.5 × 0.6 = 0.3 (X = 0, Y = 2): m = 0.3.
		{"from data", 0, 0.3, "−0.3 −0.15 0 +0.15 +0.3"},
		{"given", 0.5, 0.5, "−0.5 −0.25 0 +0.25 +0.5"},
	} {
		f, err := HeatMapSigned(testGridSigned(), "x", "y", "Δ", c.limit)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if lo, hi := f.Range(); lo != -c.m || hi != c.m {
			t.Errorf("%s: Range() = %v, %v, want %v, %v", c.name, lo, hi, -c.m, c.m)
		}
		var labels []string
		for i, tk := range f.Ticks {
			labels = append(labels, tk.Label)
			if want := -f.Ticks[len(f.Ticks)-1-i].Value; tk.Value != want {
				t.Errorf("%s: tick %d at %v, want %v (symmetric about 0)", c.name, i, tk.Value, want)
			}
		}
		if got := strings.Join(labels, " "); got != c.labels {
			t.Errorf("%s: tick labels %q, want %q", c.name, got, c.labels)
		}
		if want := "n = 100 per cell; hatched: 95% interval contains 0"; f.Note != want {
			t.Errorf("%s: Note = %q, want %q", c.name, f.Note, want)
		}
		if !f.HasNaN {
			t.Errorf("%s: HasNaN = false with a NaN cell", c.name)
		}
	}
	// Only NaN and zero: m = 1, and it draws.
	f, err := HeatMapSigned(Grid2D{X: []float64{0, 1}, Y: []float64{0}, Z: [][]float64{{math.NaN()}, {0}}}, "x", "y", "z", 0)
	must(t, err)
	if lo, hi := f.Range(); lo != -1 || hi != 1 {
		t.Errorf("all zero or NaN: Range() = %v, %v, want −1, 1", lo, hi)
	}
	must(t, Write(&strings.Builder{}, f, "svg", 8*vg.Centimeter, 6*vg.Centimeter))
}

// TestSignedHatch checks which cells a signed map hatches and in which
// colour: those whose interval contains 0 (its ends included), dark on
// the light grey near 0, light on the dark blue and red ends; never a
// cell without an interval.
func TestSignedHatch(t *testing.T) {
	t.Parallel()
	cm := CoolWarm()
	h := hatch{cm: cm}
	for _, c := range []struct {
		z, lo, hi float64
		want      bool
		col       color.Color
	}{
		{0.02, -0.01, 0.05, true, hatchDark},
		{0.02, 0, 0.05, true, hatchDark},
		{-0.02, -0.05, 0, true, hatchDark},
		{0.02, 0.001, 0.05, false, nil},
		{-0.02, -0.05, -0.001, false, nil},
		{0.95, -0.01, 1, true, hatchLight},
		{-0.95, -1, 0.01, true, hatchLight},
		{0.02, math.NaN(), 0.05, false, nil},
		{math.NaN(), -0.1, 0.1, true, hatchDark}, // NaNColor is light
	} {
		got, col := h.hatched(c.z, c.lo, c.hi)
		if got != c.want || col != c.col {
			t.Errorf("hatched(%v, [%v, %v]) = %v, %v; want %v, %v", c.z, c.lo, c.hi, got, col, c.want, c.col)
		}
	}
	// HeatMap's rule is unchanged: width above HatchWidth, in white.
	if got, col := (hatch{}).hatched(0.5, 0.3, 0.7); !got || col != hatchLight {
		t.Errorf("HeatMap hatch of a 0.4-wide interval: %v, %v; want true, %v", got, col, hatchLight)
	}
	if got, _ := (hatch{}).hatched(0.5, -0.01, 0.05); got {
		t.Error("HeatMap hatch of a 0.06-wide interval containing 0: hatched, want not")
	}
}

// TestHeatMapSignedErrors checks that bad input is rejected with the
// package's sentinel errors and a message naming the field and value.
func TestHeatMapSignedErrors(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	one := func(z float64) Grid2D { return Grid2D{X: []float64{0}, Y: []float64{0}, Z: [][]float64{{z}}} }
	withCI := func(lo, hi float64) Grid2D {
		g := one(0.1)
		g.Lo, g.Hi = [][]float64{{lo}}, [][]float64{{hi}}
		return g
	}
	for _, c := range []struct {
		name  string
		g     Grid2D
		limit float64
		want  error
		msg   string
	}{
		{"limit negative", one(0), -1, ErrDomain, "limit=-1"},
		{"limit NaN", one(0), nan, ErrDomain, "limit=NaN"},
		{"limit Inf", one(0), inf, ErrDomain, "limit=+Inf"},
		{"empty", Grid2D{}, 0, ErrNoData, "0 × 0 levels"},
		{"Z rows", Grid2D{X: []float64{0, 1}, Y: []float64{0}, Z: [][]float64{{0}}}, 0, ErrMismatch, "len(Z)=1"},
		{"Z cols", Grid2D{X: []float64{0}, Y: []float64{0, 1}, Z: [][]float64{{0}}}, 0, ErrMismatch, "len(Z[0])=1"},
		{"Z Inf", one(inf), 0, ErrDomain, "Z[0][0]=+Inf not finite"},
		{"Z beyond limit", one(-0.6), 0.5, ErrDomain, "Z[0][0]=-0.6 not in [-0.5, 0.5]"},
		{"X order", Grid2D{X: []float64{1, 0}, Y: []float64{0}, Z: [][]float64{{0}, {0}}}, 0, ErrDomain, "X[1]=0"},
		{"Lo > Hi", withCI(0.2, 0.1), 0, ErrDomain, "Lo[0][0]=0.2, Hi[0][0]=0.1"},
		{"Lo Inf", withCI(-inf, 0.1), 0, ErrDomain, "Lo[0][0]=-Inf"},
		{"Hi missing", func() Grid2D { g := withCI(0, 0.2); g.Hi = nil; return g }(), 0, ErrMismatch, "Lo and Hi"},
	} {
		_, err := HeatMapSigned(c.g, "x", "y", "z", c.limit)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want one wrapping %v", c.name, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), "HeatMapSigned") || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %q, want it to name HeatMapSigned and contain %q", c.name, err, c.msg)
		}
	}
	// A NaN interval is no interval: accepted, not hatched.
	if _, err := HeatMapSigned(withCI(nan, nan), "x", "y", "z", 0); err != nil {
		t.Errorf("NaN interval: %v", err)
	}
}
