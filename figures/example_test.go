package figures_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
)

// Example draws the share of outcomes against back-channel reliance and
// the distribution of channels opened, and saves both in every format.
func Example() {
	dir, err := os.MkdirTemp("", "figures")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	shares, err := figures.SharesVsParam([]figures.SharePoint{
		{X: 0.0, N: 100, Breakthrough: 20, Collapse: 35, Impasse: 45},
		{X: 0.5, N: 100, Breakthrough: 38, Collapse: 22, Impasse: 40},
		{X: 1.0, N: 100, Breakthrough: 31, Collapse: 12, Impasse: 57},
	}, "Back-channel reliance (0–1)")
	if err != nil {
		log.Fatal(err)
	}
	if err := figures.Save(shares, dir, "shares", 12*vg.Centimeter, 8*vg.Centimeter); err != nil {
		log.Fatal(err)
	}

	var h metrics.IntHistogram
	for v, n := range []int{40, 35, 15, 7, 3} {
		if err := h.AddN(v, n); err != nil {
			log.Fatal(err)
		}
	}
	hist, err := figures.ChannelsHistogram([]figures.HistogramSeries{{Label: "Back channel", Counts: &h}})
	if err != nil {
		log.Fatal(err)
	}
	if err := figures.Save(hist, dir, "channels", 12*vg.Centimeter, 8*vg.Centimeter); err != nil {
		log.Fatal(err)
	}

	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		fmt.Println(filepath.Base(name))
	}
	// Output:
	// channels.pdf
	// channels.png
	// channels.svg
	// shares.pdf
	// shares.png
	// shares.svg
}

// ExampleHeatMapSigned draws the difference in P(breakthrough) between two
// policies over a 3 × 2 sweep on a diverging colour map centred on 0: the
// limit is taken from the data (largest |Z| 0.32, rounded up to 0.4), and
// the two cells whose 95% interval contains 0 are hatched.
func ExampleHeatMapSigned() {
	grid := figures.Grid2D{
		X:     []float64{0, 0.5, 1},
		Y:     []float64{0, 1},
		Z:     [][]float64{{-0.21, -0.04}, {0.01, 0.12}, {0.25, 0.32}},
		Lo:    [][]float64{{-0.26, -0.09}, {-0.04, 0.07}, {0.20, 0.27}},
		Hi:    [][]float64{{-0.16, 0.01}, {0.06, 0.17}, {0.30, 0.37}},
		Level: 0.95,
		N:     [][]int{{400, 400}, {400, 400}, {400, 400}},
	}
	f, err := figures.HeatMapSigned(grid, "Reliance P", "Posturing π", "Δ P(breakthrough)", 0)
	if err != nil {
		log.Fatal(err)
	}
	lo, hi := f.Range()
	fmt.Printf("colour bar from %g to %g\n", lo, hi)
	var labels []string
	for _, t := range f.Ticks {
		labels = append(labels, t.Label)
	}
	fmt.Println(strings.Join(labels, " "))
	fmt.Println(f.Note)

	// figures.SaveFigure(f, dir, name, w, h) writes PNG, SVG and PDF files.
	if err := figures.Write(io.Discard, f, "svg", 12*vg.Centimeter, 9*vg.Centimeter); err != nil {
		log.Fatal(err)
	}
	// Output:
	// colour bar from -0.4 to 0.4
	// −0.4 −0.2 0 +0.2 +0.4
	// n = 400 per cell; hatched: 95% interval contains 0
}
