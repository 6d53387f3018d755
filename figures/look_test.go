package figures

import (
	"flag"
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
	hi, err := ChannelsHistogram(testHistograms(t))
	must(t, err)
	must(t, Save(hi, *lookDir, "channels", w, h))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
