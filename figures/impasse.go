package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/backchannel-sim/backchannel/metrics"
)

// KthSeries is the input of KthIncidencePanels for one arm: the cumulative
// incidence of its k-th event for k = 1, 2, ... (Curves[k-1]), for example
// from metrics.RecurrentEvents.Kth.
type KthSeries struct {
	// Label names the arm in the legend.
	Label string
	// Curves[k-1] is the cumulative incidence of the k-th event; all
	// series must have the same number of curves.
	Curves []*metrics.IncidenceCurve
	// Horizon is the last round observed; the step curves are drawn flat
	// to the largest horizon of all series.
	Horizon int
}

// KthIncidencePanels draws one panel per order k, side by side: in panel
// k, every arm's cumulative incidence of its k-th event as a step line in
// SeriesColor(i) with its pointwise band (translucent), on a Y axis fixed
// to [0, 1] and the X axis "Round (weeks)". Titles[k-1] titles panel k
// ("" for none). The legend above the panels names the arms and the band's
// level. It returns an error wrapping ErrNoData if series is empty or has
// no curve, ErrMismatch if the series have different numbers of curves or
// len(titles) differs from it, and ErrDomain for an invalid curve (see
// CumulativeIncidence).
func KthIncidencePanels(series []KthSeries, titles []string) (*Panels, error) {
	if len(series) == 0 || len(series[0].Curves) == 0 {
		return nil, fmt.Errorf("figures: KthIncidencePanels: no series or no curve: %w", ErrNoData)
	}
	K := len(series[0].Curves)
	if len(titles) != K {
		return nil, fmt.Errorf("figures: KthIncidencePanels: %d titles for %d orders: %w", len(titles), K, ErrMismatch)
	}
	horizon := 0.0
	level := math.NaN()
	for i, s := range series {
		if len(s.Curves) != K {
			return nil, fmt.Errorf("figures: KthIncidencePanels: series %d (%q) has %d curves, series 0 has %d: %w", i, s.Label, len(s.Curves), K, ErrMismatch)
		}
		for k, c := range s.Curves {
			if c == nil {
				return nil, fmt.Errorf("figures: KthIncidencePanels: series %d (%q) has no curve for k = %d: %w", i, s.Label, k+1, ErrNoData)
			}
			if err := checkIncidence(c); err != nil {
				return nil, fmt.Errorf("figures: KthIncidencePanels: series %d (%q), k = %d: %w", i, s.Label, k+1, err)
			}
			if n := len(c.T); n > 0 {
				horizon = math.Max(horizon, float64(c.T[n-1]))
			}
			if math.IsNaN(level) {
				level = c.Level
			}
		}
		horizon = math.Max(horizon, float64(s.Horizon))
	}
	if horizon == 0 {
		horizon = 1
	}
	row := make([]*plot.Plot, K)
	for k := range K {
		p := newPlot("Round (weeks)", "Cumulative incidence")
		probAxis(&p.Y)
		p.X.Min, p.X.Max = 0, horizon
		p.X.Tick.Marker = fewIntTicks{}
		p.Title.Text = titles[k]
		var lines []plot.Plotter
		for i, s := range series {
			band, line, err := incidencePlotters(s.Curves[k], horizon)
			if err != nil {
				return nil, fmt.Errorf("figures: KthIncidencePanels: series %d (%q): %w", i, s.Label, err)
			}
			col := SeriesColor(i)
			band.Color = translucent(col)
			line.LineStyle = solid(col)
			p.Add(band)
			lines = append(lines, line)
		}
		p.Add(lines...)
		row[k] = p
	}
	f := NewPanels([][]*plot.Plot{row})
	for i, s := range series {
		f.Legend = append(f.Legend, LegendEntry{Name: s.Label, Thumbs: []plot.Thumbnailer{&plotter.Line{LineStyle: solid(SeriesColor(i))}}})
	}
	if finite(level) && level > 0 && level < 1 {
		f.Legend = append(f.Legend, LegendEntry{Name: fmt.Sprintf("%g%% pointwise CI", 100*level),
			Thumbs: []plot.Thumbnailer{&plotter.Polygon{Color: translucent(color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xFF})}}})
	}
	return f, nil
}

// OccupancySeries is the input of OccupancyPanels for one arm.
type OccupancySeries struct {
	// Label titles the arm's panel.
	Label string
	// Shares are the arm's state shares by round (metrics.Occupancy.Shares).
	Shares *metrics.OccupancyShares
}

// OccupancyState names a state of OccupancyPanels and gives its colour.
type OccupancyState struct {
	Name  string
	Color color.NRGBA
}

// OccupancyPanels draws one panel per arm (cols per row): the share of
// replications in each state at every round as stacked areas, states[0] at
// the bottom, so that every round's column adds up to 1. The states'
// names and colours are given by the caller (in the order of the shares'
// states); the legend above the panels names them. The intervals of the
// shares cannot be drawn on stacked areas: note, if not empty, is printed
// under the legend to state them. It returns an error wrapping ErrNoData
// if series is empty or a series has no shares, ErrMismatch if a series'
// states differ from len(states) or their rounds differ in length, and
// ErrDomain if a share is NaN or outside [0, 1].
func OccupancyPanels(series []OccupancySeries, states []OccupancyState, cols int, note string) (*Panels, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("figures: OccupancyPanels: no series: %w", ErrNoData)
	}
	cols = max(1, min(cols, len(series)))
	var grid [][]*plot.Plot
	horizon := 0
	for i, s := range series {
		if s.Shares == nil || len(s.Shares.T) == 0 {
			return nil, fmt.Errorf("figures: OccupancyPanels: series %d (%q) has no shares: %w", i, s.Label, ErrNoData)
		}
		horizon = max(horizon, s.Shares.T[len(s.Shares.T)-1])
	}
	for i, s := range series {
		sh := s.Shares
		if len(sh.Share) != len(states) {
			return nil, fmt.Errorf("figures: OccupancyPanels: series %d (%q) has %d states, want %d: %w", i, s.Label, len(sh.Share), len(states), ErrMismatch)
		}
		p := newPlot("Round (weeks)", "Share of replications")
		probAxis(&p.Y)
		p.X.Min, p.X.Max = 0, float64(horizon)
		p.X.Tick.Marker = fewIntTicks{}
		p.Title.Text = s.Label
		rings, err := stackedAreas(sh.Share, sh.T)
		if err != nil {
			return nil, fmt.Errorf("figures: OccupancyPanels: series %d (%q): %w", i, s.Label, err)
		}
		for st, ring := range rings {
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, err
			}
			poly.Color = states[st].Color
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		if i%cols == 0 {
			grid = append(grid, nil)
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], p)
	}
	for len(grid[len(grid)-1]) < cols {
		grid[len(grid)-1] = append(grid[len(grid)-1], nil)
	}
	f := NewPanels(grid)
	for _, st := range states {
		f.Legend = append(f.Legend, LegendEntry{Name: st.Name, Thumbs: []plot.Thumbnailer{&plotter.Polygon{Color: st.Color}}})
	}
	f.Note = note
	return f, nil
}

// stackedAreas returns, for each row of shares (shares[s][i] at round
// t[i]), the polygon of its stacked area: its upper edge Σ_{j<=s} forward
// over the rounds, then its lower edge Σ_{j<s} backward. It returns an
// error wrapping ErrMismatch if a row's length differs from len(t) and
// one wrapping ErrDomain for a share that is NaN or outside [0, 1].
func stackedAreas(shares [][]float64, t []int) ([]plotter.XYs, error) {
	n := len(t)
	lower := make([]float64, n)
	var out []plotter.XYs
	for st, row := range shares {
		if len(row) != n {
			return nil, fmt.Errorf("state %d: %d rounds, want %d: %w", st, len(row), n, ErrMismatch)
		}
		ring := make(plotter.XYs, 0, 2*n)
		upper := make([]float64, n)
		for i, x := range row {
			if !(x >= 0 && x <= 1) {
				return nil, fmt.Errorf("state %d, round %d: share %v: %w", st, t[i], x, ErrDomain)
			}
			upper[i] = math.Min(1, lower[i]+x)
			ring = append(ring, plotter.XY{X: float64(t[i]), Y: upper[i]})
		}
		for i := n - 1; i >= 0; i-- {
			ring = append(ring, plotter.XY{X: float64(t[i]), Y: lower[i]})
		}
		out = append(out, ring)
		lower = upper
	}
	return out, nil
}

// StateColors are the colours of the negotiation states in occupancy
// figures, from the Okabe-Ito palette with grey for "no talks": no talks
// (light grey), back channel (blue), front channel (sky blue), both
// (reddish purple), ratifying (yellow), breakthrough (bluish green, as in
// every figure) and collapse (vermillion, likewise).
var StateColors = [7]color.NRGBA{
	{R: 0xBB, G: 0xBB, B: 0xBB, A: 0xFF},
	OkabeIto[4],
	OkabeIto[1],
	OkabeIto[6],
	OkabeIto[3],
	breakthroughColor,
	collapseColor,
}
