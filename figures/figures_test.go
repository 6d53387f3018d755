package figures

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/metrics"
)

// TestSaveAll builds every figure and checks that SaveFigure writes a
// non-empty PNG, SVG and PDF file of the right kind for each.
func TestSaveAll(t *testing.T) {
	t.Parallel()
	// One figure of each kind Save handles (a *plot.Plot, a composite
	// Figure), small: rasterising at 300 dpi is what costs, and every
	// builder is rendered by TestGolden or TestDeterministic.
	build := map[string]func(t *testing.T) (Figure, error){
		"shares": func(*testing.T) (Figure, error) { return SharesVsParam(testShares(), "Reliance (0–1)") },
		"trajectories": func(t *testing.T) (Figure, error) {
			return Trajectories(testTrajectories(t))
		},
	}
	magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF"}
	for name, f := range build {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fig, err := f(t)
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			dir := filepath.Join(t.TempDir(), "out")
			if p, ok := fig.(*plot.Plot); ok {
				err = Save(p, dir, name, 6*vg.Centimeter, 4*vg.Centimeter)
			} else {
				err = SaveFigure(fig, dir, name, 9*vg.Centimeter, 4*vg.Centimeter)
			}
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			for _, format := range Formats {
				b, err := os.ReadFile(filepath.Join(dir, name+"."+format))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(b), magic[format]) {
					t.Errorf("%s.%s: starts with %q, want %q", name, format, b[:min(len(b), 8)], magic[format])
				}
			}
		})
	}
}

// TestSVGEmbedsFonts checks that SVG output carries its fonts.
func TestSVGEmbedsFonts(t *testing.T) {
	t.Parallel()
	p, err := SharesVsParam(testShares(), "x")
	must(t, err)
	var b strings.Builder
	must(t, Write(&b, p, "svg", 8*vg.Centimeter, 6*vg.Centimeter))
	if !strings.Contains(b.String(), "@font-face") {
		t.Error("SVG output has no @font-face: fonts not embedded")
	}
}

// TestPNGResolution checks that PNG output is rendered at DPI.
func TestPNGResolution(t *testing.T) {
	t.Parallel()
	p, err := SharesVsParam(testShares(), "x")
	must(t, err)
	var b strings.Builder
	must(t, Write(&b, p, "png", vg.Inch, 2*vg.Inch))
	s := b.String()
	// IHDR: width and height as big-endian uint32 at bytes 16 and 20.
	w := int(s[16])<<24 | int(s[17])<<16 | int(s[18])<<8 | int(s[19])
	h := int(s[20])<<24 | int(s[21])<<16 | int(s[22])<<8 | int(s[23])
	if w != DPI || h != 2*DPI {
		t.Errorf("PNG is %d × %d pixels, want %d × %d", w, h, DPI, 2*DPI)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	badCurve := &metrics.IncidenceCurve{Cause: 1, T: []int{1, 2}, F: []float64{0.1}, Lo: []float64{0}, Hi: []float64{0.2}}
	nanCurve := &metrics.IncidenceCurve{Cause: 1, T: []int{1}, F: []float64{nan}, Lo: []float64{nan}, Hi: []float64{nan}}
	emptyBands, err := metrics.NewBands(10, 0, 1, 10)
	must(t, err)
	var emptyHist metrics.IntHistogram
	p, err := SharesVsParam(testShares(), "x")
	must(t, err)
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"incidence/empty", second(CumulativeIncidence(nil)), ErrNoData},
		{"incidence/no curve", second(CumulativeIncidence([]IncidenceSeries{{Label: "a"}})), ErrNoData},
		{"incidence/lengths", second(CumulativeIncidence([]IncidenceSeries{{Breakthrough: badCurve}})), ErrMismatch},
		{"incidence/NaN", second(CumulativeIncidence([]IncidenceSeries{{Breakthrough: nanCurve}})), ErrDomain},
		{"incidence/nil risks", second(IncidenceFromRisks("a", nil, BreakthroughCause, CollapseCause, 10)), ErrNoData},
		{"incidence/one cause", second(IncidenceFromRisks("a", &metrics.CompetingRisks{Causes: []*metrics.IncidenceCurve{nanCurve}}, BreakthroughCause, CollapseCause, 10)), ErrMismatch},
		{"shares/empty", second(SharesVsParam(nil, "x")), ErrNoData},
		{"shares/N=0", second(SharesVsParam([]SharePoint{{X: 0}}, "x")), ErrDomain},
		{"shares/sum", second(SharesVsParam([]SharePoint{{X: 0, N: 10, Breakthrough: 3}}, "x")), ErrDomain},
		{"shares/negative", second(SharesVsParam([]SharePoint{{X: 0, N: 1, Breakthrough: 2, Collapse: -1}}, "x")), ErrDomain},
		{"shares/NaN X", second(SharesVsParam([]SharePoint{{X: nan, N: 1, Impasse: 1}}, "x")), ErrDomain},
		{"shares/duplicate X", second(SharesVsParam([]SharePoint{{X: 1, N: 1, Impasse: 1}, {X: 1, N: 1, Impasse: 1}}, "x")), ErrDomain},
		{"trajectories/empty", second(Trajectories(nil)), ErrNoData},
		{"trajectories/no series", second(Trajectories([]TrajectoryPanel{{YLabel: "y"}})), ErrNoData},
		{"trajectories/nil bands", second(Trajectories([]TrajectoryPanel{{Series: []TrajectorySeries{{Label: "a"}}}})), ErrNoData},
		{"trajectories/no data", second(Trajectories([]TrajectoryPanel{{Series: []TrajectorySeries{{Bands: emptyBands}}}})), ErrNoData},
		{"heatmap/empty", second(HeatMap(Grid2D{}, "x", "y", "z")), ErrNoData},
		{"heatmap/Z rows", second(HeatMap(Grid2D{X: []float64{0, 1}, Y: []float64{0}, Z: [][]float64{{0}}}, "x", "y", "z")), ErrMismatch},
		{"heatmap/Z cols", second(HeatMap(Grid2D{X: []float64{0}, Y: []float64{0, 1}, Z: [][]float64{{0}}}, "x", "y", "z")), ErrMismatch},
		{"heatmap/Z range", second(HeatMap(Grid2D{X: []float64{0}, Y: []float64{0}, Z: [][]float64{{1.5}}}, "x", "y", "z")), ErrDomain},
		{"heatmap/Z Inf", second(HeatMap(Grid2D{X: []float64{0}, Y: []float64{0}, Z: [][]float64{{math.Inf(1)}}}, "x", "y", "z")), ErrDomain},
		{"heatmap/X order", second(HeatMap(Grid2D{X: []float64{1, 0}, Y: []float64{0}, Z: [][]float64{{0}, {0}}}, "x", "y", "z")), ErrDomain},
		{"heatmap/Y NaN", second(HeatMap(Grid2D{X: []float64{0}, Y: []float64{nan}, Z: [][]float64{{0}}}, "x", "y", "z")), ErrDomain},
		{"histogram/empty", second(ChannelsHistogram(nil)), ErrNoData},
		{"histogram/nil", second(ChannelsHistogram([]HistogramSeries{{Label: "a"}})), ErrNoData},
		{"histogram/no values", second(ChannelsHistogram([]HistogramSeries{{Counts: &emptyHist}})), ErrNoData},
		{"save/nil", Save(nil, t.TempDir(), "a", vg.Inch, vg.Inch), ErrNoData},
		{"save/basename", Save(p, t.TempDir(), "a/b", vg.Inch, vg.Inch), ErrDomain},
		{"save/empty basename", Save(p, t.TempDir(), "", vg.Inch, vg.Inch), ErrDomain},
		{"save/size", Save(p, t.TempDir(), "a", 0, vg.Inch), ErrDomain},
		{"write/format", Write(&strings.Builder{}, p, "gif", vg.Inch, vg.Inch), ErrDomain},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got error %v, want one wrapping %v", c.name, c.err, c.want)
		}
	}
}

// TestNaNCells checks that a grid of only NaN cells and single levels
// draws without error.
func TestNaNCells(t *testing.T) {
	t.Parallel()
	f, err := HeatMap(Grid2D{X: []float64{0.5}, Y: []float64{2}, Z: [][]float64{{math.NaN()}}}, "x", "y", "z")
	must(t, err)
	must(t, Write(&strings.Builder{}, f, "svg", 8*vg.Centimeter, 6*vg.Centimeter))
}

// TestUnevenGrid checks the vector path for unevenly spaced levels.
func TestUnevenGrid(t *testing.T) {
	t.Parallel()
	g := Grid2D{X: []float64{0, 0.1, 0.5, 1}, Y: []float64{0, 1}, Z: [][]float64{{0, 1}, {0.2, 0.3}, {0.5, math.NaN()}, {1, 0}}}
	f, err := HeatMap(g, "x", "y", "z")
	must(t, err)
	if f.Map == nil || f.Bar == nil {
		t.Fatal("nil Map or Bar")
	}
	must(t, Write(&strings.Builder{}, f, "png", 8*vg.Centimeter, 6*vg.Centimeter))
}

// TestIncidenceEdgeCases covers an event at time 0, a curve with no
// events and a single series without a label.
func TestIncidenceEdgeCases(t *testing.T) {
	t.Parallel()
	et, err := metrics.NewEventTable(2)
	must(t, err)
	must(t, et.AddN(0, BreakthroughCause, 3))
	must(t, et.AddN(5, 0, 7))
	cr, err := metrics.CumulativeIncidence(et, 0.95, metrics.Log)
	must(t, err)
	s, err := IncidenceFromRisks("", cr, BreakthroughCause, CollapseCause, 0)
	must(t, err)
	p, err := CumulativeIncidence([]IncidenceSeries{s})
	must(t, err)
	must(t, Write(&strings.Builder{}, p, "svg", 8*vg.Centimeter, 6*vg.Centimeter))
}

func TestTicks(t *testing.T) {
	t.Parallel()
	labels := func(ts []plot.Tick) []string {
		var out []string
		for _, t := range ts {
			if t.Label != "" {
				out = append(out, t.Label)
			}
		}
		return out
	}
	for _, c := range []struct {
		tk       plot.Ticker
		min, max float64
		want     string
	}{
		{niceTicks{}, 0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{niceTicks{}, -0.05, 1.05, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{niceTicks{}, 0, 0.75, "0.0 0.2 0.4 0.6"},
		{niceTicks{}, 0, 2.5, "0.0 0.5 1.0 1.5 2.0 2.5"},
		{niceTicks{}, 0, 520, "0 100 200 300 400 500"},
		{intTicks{}, -0.5, 8.5, "0 1 2 3 4 5 6 7 8"},
		{intTicks{}, 0, 104, "0 20 40 60 80 100"},
		{probTicks{}, 0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{niceTicks{}, nan(), 1, ""},
	} {
		if got := strings.Join(labels(c.tk.Ticks(c.min, c.max)), " "); got != c.want {
			t.Errorf("%T.Ticks(%v, %v) labels = %q, want %q", c.tk, c.min, c.max, got, c.want)
		}
	}
}

func TestViridis(t *testing.T) {
	t.Parallel()
	cm := Viridis()
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "440154"}, {1, "fde725"}} {
		col, err := cm.At(c.v)
		must(t, err)
		r, g, b, _ := col.RGBA()
		if got := hex(r, g, b); got != c.want {
			t.Errorf("At(%v) = %s, want %s", c.v, got, c.want)
		}
	}
	if _, err := cm.At(math.NaN()); err == nil {
		t.Error("At(NaN): no error")
	}
	if _, err := cm.At(2); err == nil {
		t.Error("At(2): no error")
	}
	if n := len(cm.Palette(7).Colors()); n != 7 {
		t.Errorf("Palette(7) has %d colours", n)
	}
}

func hex(r, g, b uint32) string {
	const digits = "0123456789abcdef"
	var s []byte
	for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
		s = append(s, digits[v>>4], digits[v&15])
	}
	return string(s)
}

func nan() float64 { return math.NaN() }

// second returns the error of a (value, error) pair.
func second[T any](_ T, err error) error { return err }

func TestAddEstimates(t *testing.T) {
	p := NewPlot("x", "y")
	p.Y.Tick.Marker = ProbabilityTicks
	pts := []Estimate{{0, 0.2, 0.1, 0.3}, {0.5, math.NaN(), 0, 0}, {1, 0.6, math.NaN(), 0.7}}
	if err := AddEstimates(p, 0, "a", pts, 0.01); err != nil {
		t.Fatal(err)
	}
	if err := AddEstimates(p, 1, "empty", nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := Write(io.Discard, p, "png", 6*vg.Centimeter, 4*vg.Centimeter); err != nil {
		t.Fatal(err)
	}
	if c := Translucent(SeriesColor(0), 10); c.A != 10 {
		t.Errorf("alpha %d", c.A)
	}
}
