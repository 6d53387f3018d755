package figures

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/backchannel-sim/backchannel/metrics"
)

// Quantiles of the trajectory bands drawn by Trajectories.
const (
	BandLow  = 0.1
	BandHigh = 0.9
)

// TrajectorySeries is one policy's per-round summary of a variable.
type TrajectorySeries struct {
	// Label names the policy in the legend; it may be empty for a single
	// series.
	Label string
	// Bands holds the values of the variable per round over replications.
	Bands *metrics.Bands
}

// TrajectoryPanel is one panel of Trajectories: one variable, one series
// per policy.
type TrajectoryPanel struct {
	// Title is drawn above the panel, for example "Trust"; may be empty.
	Title string
	// YLabel names the variable and its units, for example
	// "Mean trust (0–1)".
	YLabel string
	// Series are the policies; series i takes SeriesColor(i) in every
	// panel.
	Series []TrajectorySeries
	// MinCount is the smallest number of replications a round must have
	// to be drawn; rounds with fewer (late rounds that few replications
	// reach) are skipped. Values below 1 mean 1.
	MinCount int
}

// Trajectories draws one panel per variable, side by side, with a shared
// X axis label "Round (weeks)". In each panel every series is drawn as its
// mean per round (a solid line, Bands.Mean) over a translucent band from
// the BandLow to the BandHigh quantile across replications
// (Bands.Quantile). Rounds with Count below the panel's MinCount are
// skipped; a run of skipped rounds splits the line and band rather than
// bridging it. Bands are drawn beneath all lines. The legend, naming the
// policies and the band, is one row above the panels (Panels.Legend),
// since the policies are the same in all panels. Each panel's Y axis
// starts at the lower end of its Bands' range (usually 0) and extends to
// the data; the X axis has integer ticks.
//
// The result is a *Panels with one row; rearrange its Plots to stack the
// panels differently.
//
// Trajectories returns an error wrapping ErrNoData if panels is empty, a
// panel has no series, a series has nil Bands or no round with enough
// data.
func Trajectories(panels []TrajectoryPanel) (*Panels, error) {
	if len(panels) == 0 {
		return nil, fmt.Errorf("figures: Trajectories: no panels: %w", ErrNoData)
	}
	row := make([]*plot.Plot, len(panels))
	var legend []LegendEntry
	for j, tp := range panels {
		p, entries, err := trajectoryPlot(tp)
		if err != nil {
			return nil, fmt.Errorf("figures: Trajectories: panel %d (%q): %w", j, tp.YLabel, err)
		}
		row[j] = p
		if len(entries) > len(legend) {
			legend = entries
		}
	}
	legend = append(legend, LegendEntry{
		Name: fmt.Sprintf("Mean, %g–%g%% of replications", 100*BandLow, 100*BandHigh),
		Thumbs: []plot.Thumbnailer{
			&plotter.Polygon{Color: translucent(color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xFF})},
			&plotter.Line{LineStyle: solid(color.Gray{Y: 0x40})},
		},
	})
	f := NewPanels([][]*plot.Plot{row})
	f.Legend = legend
	return f, nil
}

// trajectoryPlot builds one panel.
func trajectoryPlot(tp TrajectoryPanel) (*plot.Plot, []LegendEntry, error) {
	if len(tp.Series) == 0 {
		return nil, nil, fmt.Errorf("no series: %w", ErrNoData)
	}
	minCount := max(tp.MinCount, 1)
	p := newPlot("Round (weeks)", tp.YLabel)
	p.Title.Text = tp.Title
	p.X.Min = 0

	var lines []plot.Plotter
	var legend []LegendEntry
	for i, s := range tp.Series {
		if s.Bands == nil {
			return nil, nil, fmt.Errorf("series %d (%q): nil Bands: %w", i, s.Label, ErrNoData)
		}
		col := SeriesColor(i)
		runs := 0
		var key *plotter.Line
		var keyBand *plotter.Polygon
		for _, run := range bandRuns(s.Bands, minCount) {
			mean, lo, hi := run[0], run[1], run[2]
			ring := append(plotter.XYs{}, hi...)
			for k := len(lo) - 1; k >= 0; k-- {
				ring = append(ring, lo[k])
			}
			band, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, nil, fmt.Errorf("series %d (%q): %w", i, s.Label, err)
			}
			band.Color = translucent(col)
			band.LineStyle.Width = 0
			line, err := plotter.NewLine(mean)
			if err != nil {
				return nil, nil, fmt.Errorf("series %d (%q): %w", i, s.Label, err)
			}
			line.LineStyle = solid(col)
			p.Add(band)
			lines = append(lines, line)
			if key == nil {
				key, keyBand = line, band
			}
			runs++
		}
		if runs == 0 {
			return nil, nil, fmt.Errorf("series %d (%q): no round with at least %d replications: %w", i, s.Label, minCount, ErrNoData)
		}
		if s.Label != "" || len(tp.Series) > 1 {
			legend = append(legend, LegendEntry{Name: s.Label, Thumbs: []plot.Thumbnailer{keyBand, key}})
		}
	}
	p.Add(lines...)
	p.X.Tick.Marker = intTicks{}
	// Bounded variables: show the lower end of their range (usually 0).
	for _, s := range tp.Series {
		lo, _ := s.Bands.Range()
		p.Y.Min = min(p.Y.Min, lo)
	}
	return p, legend, nil
}

// bandRuns returns the maximal runs of consecutive rounds with at least
// minCount values, each as {mean, low quantile, high quantile} curves.
func bandRuns(b *metrics.Bands, minCount int) [][3]plotter.XYs {
	var runs [][3]plotter.XYs
	var cur [3]plotter.XYs
	flush := func() {
		if len(cur[0]) > 0 {
			runs = append(runs, cur)
		}
		cur = [3]plotter.XYs{}
	}
	for t := 0; t <= b.Horizon(); t++ {
		if b.Count(t) < minCount {
			flush()
			continue
		}
		m := b.Mean(t)
		lo, err1 := b.Quantile(t, BandLow)
		hi, err2 := b.Quantile(t, BandHigh)
		if err1 != nil || err2 != nil || !finite(m) || !finite(lo) || !finite(hi) {
			flush()
			continue
		}
		x := float64(t)
		cur[0] = append(cur[0], plotter.XY{X: x, Y: m})
		cur[1] = append(cur[1], plotter.XY{X: x, Y: lo})
		cur[2] = append(cur[2], plotter.XY{X: x, Y: hi})
	}
	flush()
	return runs
}

// TrajectoryGrid draws the panels in a grid of cols columns (rows as
// needed), for example one panel per policy with one series per variable
// when the variables share a scale. Every panel has its own title and axes;
// the legend, one row above the grid, is that of the panel with the most
// series, so series i should mean the same in every panel. All panels
// share one X and one Y range, so that they compare at a glance. note, if not
// empty, is drawn below the legend: state there which replications the
// bands summarise. cols < 1 means 1.
//
// TrajectoryGrid returns the errors of Trajectories.
func TrajectoryGrid(panels []TrajectoryPanel, cols int, note string) (*Panels, error) {
	f, err := Trajectories(panels)
	if err != nil {
		return nil, err
	}
	cols = max(cols, 1)
	row := f.Plots[0]
	var grid [][]*plot.Plot
	for i := 0; i < len(row); i += cols {
		r := make([]*plot.Plot, cols)
		copy(r, row[i:min(i+cols, len(row))])
		grid = append(grid, r)
	}
	f.Plots = grid
	f.Note = note
	// Common Y range, so that panels compare at a glance.
	lo, hi := row[0].Y.Min, row[0].Y.Max
	for _, p := range row {
		lo, hi = min(lo, p.Y.Min), max(hi, p.Y.Max)
	}
	xmax := row[0].X.Max
	for _, p := range row {
		xmax = max(xmax, p.X.Max)
	}
	for _, p := range row {
		p.Y.Min, p.Y.Max = lo, hi
		p.X.Max = xmax
		p.X.Tick.Marker = fewIntTicks{}
	}
	return f, nil
}
