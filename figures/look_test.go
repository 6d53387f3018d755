package figures

import (
	"flag"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

var lookDir = flag.String("look", "", "write every figure (PNG, SVG, PDF) to this directory for inspection")

// TestLook renders every figure at its intended size to the -look
// directory, for a person to inspect; it is skipped without -look.
func TestLook(t *testing.T) {
	if *lookDir == "" {
		t.Skip("no -look directory")
	}
	w, h := 12*vg.Centimeter, 8*vg.Centimeter
	ci, err := CumulativeIncidence(testIncidence(t))
	must(t, err)
	must(t, Save(ci, *lookDir, "incidence", w, h))
	sh, err := SharesVsParam(testShares(), "Back-channel reliance (0–1)")
	must(t, err)
	must(t, Save(sh, *lookDir, "shares", w, h))
	tr, err := Trajectories(testTrajectories(t))
	must(t, err)
	must(t, SaveFigure(tr, *lookDir, "trajectories", 24*vg.Centimeter, 8*vg.Centimeter))
	hm, err := HeatMap(testGrid(), "Back-channel reliance (0–1)", "Audience attention (0–1)", "P(breakthrough)")
	must(t, err)
	must(t, SaveFigure(hm, *lookDir, "heatmap", w, 9*vg.Centimeter))
	hs, err := HeatMapSigned(testGridSigned(), "Back-channel reliance (0–1)", "Posturing π", "Δ P(breakthrough)", 0)
	must(t, err)
	must(t, SaveFigure(hs, *lookDir, "heatmap-signed", w, 9*vg.Centimeter))
	hi, err := ChannelsHistogram(testHistograms(t))
	must(t, err)
	must(t, Save(hi, *lookDir, "channels", w, h))

	// Edge cases: uneven grid with NaN, single unlabelled series.
	g := Grid2D{X: []float64{0, 0.1, 0.5, 1}, Y: []float64{0, 1}, Z: [][]float64{{0, 1}, {0.2, 0.3}, {0.5, math.NaN()}, {1, 0}}}
	uh, err := HeatMap(g, "x (uneven)", "y", "z")
	must(t, err)
	must(t, SaveFigure(uh, *lookDir, "heatmap-uneven", w, h))
	one := testIncidence(t)[:1]
	one[0].Label = ""
	oi, err := CumulativeIncidence(one)
	must(t, err)
	must(t, Save(oi, *lookDir, "incidence-one", w, h))
	one1 := testHistograms(t)[1:2]
	oh, err := ChannelsHistogram(one1)
	must(t, err)
	must(t, Save(oh, *lookDir, "channels-one", w, h))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
