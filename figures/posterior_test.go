package figures

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func TestPosteriorFigures(t *testing.T) {
	t.Parallel()
	samples := [][]float64{{1, 10}, {2, 30}, {3, 20}, {2.5, 25}}
	w := []float64{0.1, 0.4, 0.3, 0.2}
	pairs, err := PosteriorPairs([]string{"a", "b"}, samples, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs.Plots) != 2 || pairs.Plots[0][1] != nil || pairs.Plots[1][0] == nil {
		t.Errorf("pairs grid: want 2 × 2 with the upper triangle empty and the lower filled")
	}
	// The columns share the parameter's range, so axes line up.
	if p := pairs.Plots[1][0]; p.X.Min != 1 || p.X.Max != 3 || p.Y.Min != 10 || p.Y.Max != 30 {
		t.Errorf("scatter ranges x [%v, %v], y [%v, %v]; want [1, 3], [10, 30]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	pred, err := PosteriorPredictive([]PredictiveTarget{
		{Name: "weeks", Observed: 35, Simulated: []float64{30, 40, 50, 45}, Weights: w, Reference: 60},
		{Name: "leaked", Observed: 0, Simulated: []float64{0, 0, 0, 0}, Reference: math.NaN()},
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The observed and reference values are inside the x range.
	if p := pred.Plots[0][0]; p.X.Min > 30 || p.X.Max < 60 {
		t.Errorf("predictive x range [%v, %v], want it to cover 30..60", p.X.Min, p.X.Max)
	}
	for name, f := range map[string]Figure{"pairs": pairs, "predictive": pred} {
		var buf bytes.Buffer
		if err := Write(&buf, f, "svg", 10*vg.Centimeter, 8*vg.Centimeter); err != nil || buf.Len() == 0 {
			t.Errorf("%s: Write: %v (%d bytes)", name, err, buf.Len())
		}
	}
}

func TestPosteriorErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"no names", errOf(PosteriorPairs(nil, [][]float64{{1}}, nil)), ErrNoData},
		{"short row", errOf(PosteriorPairs([]string{"a", "b"}, [][]float64{{1}}, nil)), ErrMismatch},
		{"weights length", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{1})), ErrMismatch},
		{"negative weight", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{1, -1})), ErrDomain},
		{"zero weights", errOf(PosteriorPairs([]string{"a"}, [][]float64{{1}, {2}}, []float64{0, 0})), ErrDomain},
		{"NaN value", errOf(PosteriorPairs([]string{"a"}, [][]float64{{math.NaN()}, {2}}, nil)), ErrDomain},
		{"no targets", errOf(PosteriorPredictive(nil, 3)), ErrNoData},
		{"no simulations", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x"}}, 3)), ErrNoData},
		{"bad cols", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x", Simulated: []float64{1}}}, 0)), ErrDomain},
		{"NaN observed", errOf(PosteriorPredictive([]PredictiveTarget{{Name: "x", Observed: math.NaN(), Simulated: []float64{1}}}, 1)), ErrDomain},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, c.err, c.want)
		}
	}
}

func TestSparseTicks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{26, 156, []string{"50", "100", "150"}},
		{0, 0.002, []string{"0", "0.002"}},
		{1.8e-5, 0.00125, []string{"0.0005", "0.001"}},
		{-1, 1, []string{"-1", "0", "1"}},
		{0.01, 0.1, []string{"0.05", "0.1"}},
		{0.0139, 0.0994, []string{"0.025", "0.05", "0.075"}},
	} {
		var got []string
		for _, tk := range (sparseTicks{}).Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if len(got) != len(c.want) {
			t.Errorf("[%v, %v]: labels %q, want %q", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("[%v, %v]: labels %q, want %q", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
}

// errOf returns the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

func TestSparseTicksMaxLabels(t *testing.T) {
	t.Parallel()
	var got []string
	for _, tk := range (sparseTicks{maxLabels: 2}).Ticks(0.0139, 0.0994) {
		got = append(got, tk.Label)
	}
	if want := []string{"0.025", "", "0.075"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("labels %q, want %q", got, want)
	}
}

// dataArea is a plotter that records the data area it is drawn in.
type dataArea struct{ r *vg.Rectangle }

// Plot records the rectangle of c.
func (d dataArea) Plot(c draw.Canvas, _ *plot.Plot) { *d.r = c.Rectangle }

// pairsNames are long scenario paths, as in examples/oslo-calibration.
var pairsNames = []string{"parties.negotiator.concession_rate", "leaks.base_hazard", "ratification.surprise_penalty", "parties.negotiator.trust_gain"}

// pairsSample returns n particles of k parameters, uniform on ranges of
// very different scales (as a posterior's are).
func pairsSample(n, k int) [][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	scale := []float64{0.4, 0.002, 0.1, 100, 1}
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, k)
		for j := range out[i] {
			out[i][j] = scale[j%len(scale)] * r.Float64()
		}
	}
	return out
}

// TestPosteriorPairsAligned renders pairs plots at the example's size (5
// cm per parameter, 1 cm wider than high), at the smallest size the
// labels are made for (4.5 cm per parameter) and for two and five
// parameters, and checks that every label line fits its panel, that every
// panel's data area has the same size and that the panels of a column
// (row) share their left and right (bottom and top) edges, as plot.Align
// intends. The data areas are recorded by a plotter added to each panel,
// so they are those Panels.Draw actually gives. Labels wider than a
// panel's data area used to break this: plot.Align assumes that a
// panel's margins do not depend on its size, which is false when the
// x label overhangs the data area, and the bottom-left panel came out
// almost twice as wide as the histogram above it.
func TestPosteriorPairsAligned(t *testing.T) {
	t.Parallel()
	const tol = 0.2 // points; Panels aligns to within 0.05 mm (0.14 pt)
	for _, c := range []struct {
		k       int
		perPar  vg.Length
		extraW  vg.Length
		comment string
	}{
		{4, 5 * vg.Centimeter, vg.Centimeter, "oslo-calibration"},
		{4, 4.5 * vg.Centimeter, 0, "4.5 cm per parameter"},
		{2, 5 * vg.Centimeter, 0, "two"},
		{5, 4.5 * vg.Centimeter, vg.Centimeter, "five"},
	} {
		names := append(append([]string(nil), pairsNames...), "mediator.insiders_per_channel")[:c.k]
		f, err := PosteriorPairs(names, pairsSample(60, c.k), nil)
		if err != nil {
			t.Fatal(err)
		}
		rects := make([][]vg.Rectangle, c.k)
		for r := range rects {
			rects[r] = make([]vg.Rectangle, c.k)
			for col := 0; col <= r; col++ {
				f.Plots[r][col].Add(dataArea{&rects[r][col]})
			}
		}
		side := vg.Length(c.k) * c.perPar
		img := vgimg.NewWith(vgimg.UseWH(side+c.extraW, side), vgimg.UseDPI(72))
		f.Draw(draw.New(img))
		ref := rects[0][0]
		w, h := ref.Size().X, ref.Size().Y
		// Every line of every label fits its panel's data area (for the
		// x labels, its width; for the rotated y labels, its height).
		for j := range c.k {
			for _, l := range []struct {
				ax   plot.Axis
				room vg.Length
			}{{f.Plots[c.k-1][j].X, rects[c.k-1][j].Size().X}, {f.Plots[j][0].Y, rects[j][0].Size().Y}} {
				for _, line := range strings.Split(l.ax.Label.Text, "\n") {
					if lw := l.ax.Label.TextStyle.Width(line); lw > l.room {
						t.Errorf("%s: label line %q is %.1f pt long, more than its panel's %.1f pt", c.comment, line, lw.Points(), l.room.Points())
					}
				}
			}
		}
		for r := range c.k {
			for col := 0; col <= r; col++ {
				got := rects[r][col]
				if d := math.Abs(float64(got.Size().X - w)); d > tol {
					t.Errorf("%s: panel %d,%d data area %.1f pt wide, want %.1f ± %v (that of panel 0,0)", c.comment, r, col, got.Size().X.Points(), w.Points(), tol)
				}
				if d := math.Abs(float64(got.Size().Y - h)); d > tol {
					t.Errorf("%s: panel %d,%d data area %.1f pt high, want %.1f ± %v", c.comment, r, col, got.Size().Y.Points(), h.Points(), tol)
				}
				diag := rects[col][col]
				if math.Abs(float64(got.Min.X-diag.Min.X)) > tol || math.Abs(float64(got.Max.X-diag.Max.X)) > tol {
					t.Errorf("%s: panel %d,%d data x [%.1f, %.1f] pt, want that of panel %d,%d [%.1f, %.1f] ± %v", c.comment, r, col,
						got.Min.X.Points(), got.Max.X.Points(), col, col, diag.Min.X.Points(), diag.Max.X.Points(), tol)
				}
				first := rects[r][0]
				if math.Abs(float64(got.Min.Y-first.Min.Y)) > tol || math.Abs(float64(got.Max.Y-first.Max.Y)) > tol {
					t.Errorf("%s: panel %d,%d data y [%.1f, %.1f] pt, want that of panel %d,0 [%.1f, %.1f] ± %v", c.comment, r, col,
						got.Min.Y.Points(), got.Max.Y.Points(), r, first.Min.Y.Points(), first.Max.Y.Points(), tol)
				}
			}
		}
	}
}

// TestPosteriorPairsLabels checks the conventions of PosteriorPairs' doc
// comment: names broken into lines no wider than pairsLabelWidth that
// join up to the name, as many lines for every label of the bottom row
// (and of the first column), no y label on the first row, no density
// scale on the diagonal, and a note saying so.
func TestPosteriorPairsLabels(t *testing.T) {
	t.Parallel()
	names := append(append([]string(nil), pairsNames...), "k")
	f, err := PosteriorPairs(names, pairsSample(10, len(names)), nil)
	if err != nil {
		t.Fatal(err)
	}
	k := len(names)
	if !strings.Contains(f.Note, "diagonal") || !strings.Contains(f.Note, "omitted") {
		t.Errorf("note %q, want it to say that the diagonal's y scale is omitted", f.Note)
	}
	if got := f.Plots[0][0].Y.Label.Text; got != "" {
		t.Errorf("first row's y label %q, want none", got)
	}
	for j, name := range names {
		p := f.Plots[j][j]
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if tk.Label != "" {
				t.Errorf("diagonal panel %d has y tick label %q, want none", j, tk.Label)
			}
		}
		labels := []*plot.Axis{&f.Plots[k-1][j].X}
		if j > 0 {
			labels = append(labels, &f.Plots[j][0].Y)
		}
		for _, ax := range labels {
			lines := strings.Split(ax.Label.Text, "\n")
			if len(lines) != 2 {
				t.Errorf("%s: label %q has %d lines, want 2 (as many as the longest name)", name, ax.Label.Text, len(lines))
			}
			joined := ""
			for _, l := range lines {
				if l != " " { // padding
					joined += l
				}
				if lw := ax.Label.TextStyle.Width(l); lw > pairsLabelWidth {
					t.Errorf("%s: label line %q %.1f pt wide, want ≤ %.1f", name, l, lw.Points(), pairsLabelWidth.Points())
				}
			}
			if joined != name {
				t.Errorf("label %q joins to %q, want %q", ax.Label.Text, joined, name)
			}
		}
	}
}

func TestWrapName(t *testing.T) {
	t.Parallel()
	width := func(s string) vg.Length { return vg.Length(len(s)) } // one unit a byte
	for _, c := range []struct {
		name string
		max  vg.Length
		want []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"a.b.c", 10, []string{"a.b.c"}},
		{"parties.negotiator.concession_rate", 20, []string{"parties.negotiator.", "concession_rate"}},
		{"parties.negotiator.concession_rate", 40, []string{"parties.negotiator.concession_rate"}},
		{"parties.negotiator.concession_rate", 12, []string{"parties.", "negotiator.", "concession_", "rate"}},
		// An underscore is a break only inside a part too long by itself.
		{"leaks.base_hazard", 12, []string{"leaks.", "base_hazard"}},
		{"leaks.base_hazard", 8, []string{"leaks.", "base_", "hazard"}},
		// A part with nowhere to break stays whole.
		{"x.averyveryverylongname", 8, []string{"x.", "averyveryverylongname"}},
		{"trailing.", 4, []string{"trailing."}},
		// Every line within the limit where a break allows it.
		{"a_.b", 2, []string{"a_", ".b"}},
		{"..", 1, []string{".", "."}},
	} {
		got := wrapName(c.name, width, c.max)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("wrapName(%q, %v) = %q, want %q", c.name, c.max, got, c.want)
		}
	}
}
