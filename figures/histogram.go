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

// ChannelsPanels draws the distributions of ChannelsHistogram as small
// multiples, one panel per series in a grid of cols columns (cols < 1
// means 1), on a common X range so that panels compare at a glance. Each
// value's bar spans 0.8 of the unit between values (never thin however many
// series there are), in the series' colour, with its Wilson score interval
// at ShareLevel as an error bar; the panel title names the series and its
// number of replications n.
//
// ChannelsPanels returns the errors of ChannelsHistogram.
func ChannelsPanels(series []HistogramSeries, cols int) (*Panels, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("figures: ChannelsPanels: no series: %w", ErrNoData)
	}
	vmax := 0
	for i, s := range series {
		if s.Counts == nil || s.Counts.N() == 0 {
			return nil, fmt.Errorf("figures: ChannelsPanels: series %d (%q) is empty: %w", i, s.Label, ErrNoData)
		}
		vmax = max(vmax, s.Counts.Max())
	}
	cols = max(cols, 1)
	var grid [][]*plot.Plot
	for i, s := range series {
		if i%cols == 0 {
			grid = append(grid, make([]*plot.Plot, cols))
		}
		p := newPlot("Back channels opened", "Share of replications")
		p.Title.Text = fmt.Sprintf("%s (n = %d)", s.Label, s.Counts.N())
		p.Title.TextStyle.Font.Size = legendSize
		p.X.Tick.Marker = fewIntTicks{}
		p.X.Min, p.X.Max = -0.5, float64(vmax)+0.5
		p.Y.Min = 0
		n := s.Counts.N()
		h := &plotter.Histogram{FillColor: SeriesColor(i), LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.3)}}
		var errs plotter.XYs
		var yerr plotter.YErrors
		ymax := 0.0
		for v := 0; v <= vmax; v++ {
			k := s.Counts.Count(v)
			share := float64(k) / float64(n)
			if k > 0 {
				h.Bins = append(h.Bins, plotter.HistogramBin{Min: float64(v) - 0.4, Max: float64(v) + 0.4, Weight: share})
			}
			iv, err := metrics.Wilson(k, n, ShareLevel)
			if err != nil {
				return nil, fmt.Errorf("figures: ChannelsPanels: series %d (%q): %w", i, s.Label, err)
			}
			if k > 0 {
				errs = append(errs, plotter.XY{X: float64(v), Y: share})
				yerr = append(yerr, struct{ Low, High float64 }{share - iv.Lo, iv.Hi - share})
			}
			ymax = max(ymax, iv.Hi)
		}
		h.Width = 0.8
		p.Add(h)
		if len(errs) > 0 {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{errs, yerr})
			if err != nil {
				return nil, fmt.Errorf("figures: ChannelsPanels: series %d (%q): %w", i, s.Label, err)
			}
			eb.LineStyle = draw.LineStyle{Color: color.Gray{Y: 0x30}, Width: vg.Points(0.6)}
			eb.CapWidth = vg.Points(2)
			p.Add(eb)
		}
		p.Y.Max = ymax * 1.05
		grid[len(grid)-1][i%cols] = p
	}
	f := NewPanels(grid)
	f.Note = fmt.Sprintf("Bars: share of replications; error bars: %g%% Wilson intervals", 100*ShareLevel)
	return f, nil
}
