package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/backchannel-sim/backchannel/metrics"
)

// IncidenceSeries is the input of CumulativeIncidence for one policy: the
// cumulative incidence curves of breakthrough and collapse.
type IncidenceSeries struct {
	// Label names the policy in the legend; it may be empty for a single
	// series.
	Label string

	// Breakthrough and Collapse are the curves to draw. Either may be nil
	// (that outcome is then not drawn for this policy), not both.
	Breakthrough, Collapse *metrics.IncidenceCurve

	// Horizon is the last round observed, in the units of the curves'
	// times. The step curves are extended flat to the largest Horizon of
	// all series (or to the last event time if that is later), so the
	// last step is drawn. Zero means the last event time.
	Horizon int
}

// IncidenceFromRisks returns the IncidenceSeries of a policy from its
// Aalen-Johansen estimate, taking causes breakthrough and collapse of cr as
// the two outcomes (the caller passes its model's cause numbers, for
// example int(sim.Breakthrough), so figures cannot drift from them; see
// studyout.Incidence). It returns an error wrapping ErrNoData if cr is nil
// and one wrapping ErrMismatch if cr lacks either cause.
func IncidenceFromRisks(label string, cr *metrics.CompetingRisks, breakthrough, collapse, horizon int) (IncidenceSeries, error) {
	if cr == nil {
		return IncidenceSeries{}, fmt.Errorf("figures: IncidenceFromRisks %q: nil CompetingRisks: %w", label, ErrNoData)
	}
	for _, c := range []int{breakthrough, collapse} {
		if c < 1 || c > len(cr.Causes) {
			return IncidenceSeries{}, fmt.Errorf("figures: IncidenceFromRisks %q: cause %d outside 1..%d: %w", label, c, len(cr.Causes), ErrMismatch)
		}
	}
	return IncidenceSeries{
		Label:        label,
		Breakthrough: cr.Cause(breakthrough),
		Collapse:     cr.Cause(collapse),
		Horizon:      horizon,
	}, nil
}

// CumulativeIncidence plots, for each policy, the cumulative incidence of
// breakthrough (solid line) and collapse (dashed line) over rounds as
// right-continuous step functions starting at 0 at round 0, each with its
// pointwise confidence band (the curves' Lo and Hi, at their Level)
// drawn as a translucent step-shaped polygon beneath the lines. Policy i
// takes SeriesColor(i). Limits that are NaN (undefined where the
// incidence is 0) are drawn as the estimate itself, so the band has zero
// width there.
//
// The X axis is "Round (weeks)", the Y axis "Cumulative incidence" fixed
// to [0, 1]; the legend names the policies and the two line styles (top
// left inside the axes; Save and Outside draw it beside them).
//
// CumulativeIncidence returns an error wrapping ErrNoData if series is
// empty or a series has neither curve, ErrMismatch if a curve's slices
// differ in length, and ErrDomain if an estimate is NaN or outside
// [0, 1] or a time is negative or not increasing.
func CumulativeIncidence(series []IncidenceSeries) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("figures: CumulativeIncidence: no series: %w", ErrNoData)
	}
	horizon := 0.0
	level := math.NaN()
	for i, s := range series {
		if s.Breakthrough == nil && s.Collapse == nil {
			return nil, fmt.Errorf("figures: CumulativeIncidence: series %d (%q) has no curve: %w", i, s.Label, ErrNoData)
		}
		for _, c := range []*metrics.IncidenceCurve{s.Breakthrough, s.Collapse} {
			if c == nil {
				continue
			}
			if err := checkIncidence(c); err != nil {
				return nil, fmt.Errorf("figures: CumulativeIncidence: series %d (%q) cause %d: %w", i, s.Label, c.Cause, err)
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

	p := newPlot("Round (weeks)", "Cumulative incidence")
	probAxis(&p.Y)
	p.X.Min, p.X.Max = 0, horizon
	p.X.Tick.Marker = intTicks{}
	legendTopLeft(p)

	var lines []plot.Plotter
	for i, s := range series {
		col := SeriesColor(i)
		var key plot.Thumbnailer
		for _, c := range []*metrics.IncidenceCurve{s.Breakthrough, s.Collapse} {
			if c == nil {
				continue
			}
			band, line, err := incidencePlotters(c, horizon)
			if err != nil {
				return nil, fmt.Errorf("figures: CumulativeIncidence: series %d (%q): %w", i, s.Label, err)
			}
			band.Color = translucent(col)
			line.LineStyle = solid(col)
			if c == s.Collapse {
				line.LineStyle = dashed(col)
			}
			p.Add(band)
			lines = append(lines, line)
			if key == nil {
				key = &plotter.Line{LineStyle: solid(col)}
			}
		}
		if s.Label != "" || len(series) > 1 {
			p.Legend.Add(s.Label, key)
		}
	}
	p.Add(lines...)

	ink := color.Gray{Y: 0x40}
	p.Legend.Add("Breakthrough", &plotter.Line{LineStyle: solid(ink)})
	p.Legend.Add("Collapse", &plotter.Line{LineStyle: dashed(ink)})
	if finite(level) && level > 0 && level < 1 {
		p.Legend.Add(fmt.Sprintf("%g%% pointwise CI", 100*level), &plotter.Polygon{Color: translucent(color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xFF})})
	}
	return p, nil
}

// checkIncidence validates the slices of c.
func checkIncidence(c *metrics.IncidenceCurve) error {
	n := len(c.T)
	if len(c.F) != n || len(c.Lo) != n || len(c.Hi) != n {
		return fmt.Errorf("len(T)=%d, len(F)=%d, len(Lo)=%d, len(Hi)=%d: %w", n, len(c.F), len(c.Lo), len(c.Hi), ErrMismatch)
	}
	for i := range n {
		if c.T[i] < 0 || (i > 0 && c.T[i] <= c.T[i-1]) {
			return fmt.Errorf("time T[%d]=%d negative or not increasing: %w", i, c.T[i], ErrDomain)
		}
		if !(c.F[i] >= 0 && c.F[i] <= 1) {
			return fmt.Errorf("estimate F[%d]=%v not in [0, 1]: %w", i, c.F[i], ErrDomain)
		}
	}
	return nil
}

// incidencePlotters returns the band polygon and the PostStep line of c,
// from 0 at time 0 to the horizon.
func incidencePlotters(c *metrics.IncidenceCurve, horizon float64) (*plotter.Polygon, *plotter.Line, error) {
	// Step knots: value ys[k] holds on [xs[k], xs[k+1]), the last one up
	// to the horizon.
	xs := []float64{0}
	ys, los, his := []float64{0}, []float64{0}, []float64{0}
	for i, t := range c.T {
		x := float64(t)
		lo, hi := c.Lo[i], c.Hi[i]
		if !finite(lo) {
			lo = c.F[i]
		}
		if !finite(hi) {
			hi = c.F[i]
		}
		lo = math.Max(0, math.Min(lo, c.F[i]))
		hi = math.Min(1, math.Max(hi, c.F[i]))
		if x == xs[len(xs)-1] { // an event at time 0 replaces the origin
			ys[len(ys)-1], los[len(los)-1], his[len(his)-1] = c.F[i], lo, hi
			continue
		}
		xs = append(xs, x)
		ys, los, his = append(ys, c.F[i]), append(los, lo), append(his, hi)
	}

	pts := make(plotter.XYs, 0, len(xs)+1)
	for k := range xs {
		pts = append(pts, plotter.XY{X: xs[k], Y: ys[k]})
	}
	// Terminal point, without which PostStep omits the last flat segment.
	pts = append(pts, plotter.XY{X: horizon, Y: ys[len(ys)-1]})
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, nil, err
	}
	line.StepStyle = plotter.PostStep

	upper, lower := stepVertices(xs, his, horizon), stepVertices(xs, los, horizon)
	ring := make(plotter.XYs, 0, len(upper)+len(lower))
	ring = append(ring, upper...)
	for k := len(lower) - 1; k >= 0; k-- {
		ring = append(ring, lower[k])
	}
	band, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, nil, err
	}
	band.LineStyle.Width = 0
	return band, line, nil
}

// stepVertices expands the step function with values ys on [xs[k],
// xs[k+1]) (the last up to end) into explicit polygon vertices.
func stepVertices(xs, ys []float64, end float64) plotter.XYs {
	v := make(plotter.XYs, 0, 2*len(xs))
	for k := range xs {
		next := end
		if k+1 < len(xs) {
			next = xs[k+1]
		}
		v = append(v, plotter.XY{X: xs[k], Y: ys[k]}, plotter.XY{X: next, Y: ys[k]})
	}
	return v
}
