package figures

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/metrics"
)

// HistogramSeries is one policy's distribution of back channels opened per
// replication.
type HistogramSeries struct {
	// Label names the policy in the legend; it may be empty for a single
	// series.
	Label string
	// Counts holds one value per replication.
	Counts *metrics.IntHistogram
}

// barSpan is the fraction of the unit interval around each integer
// covered by the bars of all series together.
const barSpan = 0.8

// ChannelsHistogram plots the distribution of the number of back channels
// opened per replication: for each integer value v from 0 to the largest
// value of any series, one bar per series, side by side within
// [v-0.4, v+0.4], of height Count(v)/N(), the share of that series'
// replications. Series i takes SeriesColor(i). The X axis, "Back channels
// opened per replication", has integer ticks; the Y axis, "Share of
// replications", starts at 0.
//
// ChannelsHistogram returns an error wrapping ErrNoData if series is
// empty or a series has a nil or empty histogram.
func ChannelsHistogram(series []HistogramSeries) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("figures: ChannelsHistogram: no series: %w", ErrNoData)
	}
	vmax := 0
	for i, s := range series {
		if s.Counts == nil || s.Counts.N() == 0 {
			return nil, fmt.Errorf("figures: ChannelsHistogram: series %d (%q) is empty: %w", i, s.Label, ErrNoData)
		}
		vmax = max(vmax, s.Counts.Max())
	}

	p := newPlot("Back channels opened per replication", "Share of replications")
	p.X.Tick.Marker = intTicks{}
	p.X.Min, p.X.Max = -0.5, float64(vmax)+0.5
	p.Y.Min = 0

	w := barSpan / float64(len(series))
	var curves []plotter.XYs
	ymax := 0.0
	for i, s := range series {
		n := float64(s.Counts.N())
		h := &plotter.Histogram{
			FillColor: SeriesColor(i),
			LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.3)},
		}
		var tops plotter.XYs
		for v := 0; v <= vmax; v++ {
			lo := float64(v) - barSpan/2 + float64(i)*w
			share := float64(s.Counts.Count(v)) / n
			if share > 0 {
				h.Bins = append(h.Bins, plotter.HistogramBin{Min: lo, Max: lo + w, Weight: share})
			}
			tops = append(tops, plotter.XY{X: lo, Y: share}, plotter.XY{X: lo + w, Y: share})
			ymax = max(ymax, share)
		}
		h.Width = w
		curves = append(curves, tops)
		p.Add(h)
		if s.Label != "" || len(series) > 1 {
			p.Legend.Add(s.Label, h)
		}
	}
	p.Y.Max = ymax * 1.05
	// Bars are solid below their tops: cover every bar with points down to 0.
	for _, tops := range curves {
		for _, t := range tops {
			for f := 0.0; f < t.Y; f += ymax / 20 {
				curves = append(curves, plotter.XYs{{X: t.X, Y: f}})
			}
		}
	}
	placeLegend(p, len(series), curves...)
	return p, nil
}
