package figures_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

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
