package studyout

import (
	"fmt"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// PageWidth is the width of the multi-panel figures: the text width of a
// journal page (17 cm), at which their 9 and 10 pt text prints at size.
var PageWidth = 17 * vg.Centimeter

// Options are the cosmetic settings of the standard figures. The zero
// value gives the defaults.
type Options struct {
	// Width and Height, if both positive, are the size of every figure;
	// otherwise each figure has its own default size (NamedFigure.W, H).
	Width, Height vg.Length
	// Title, if not empty, is drawn above every figure.
	Title string
	// Labels replaces axis labels: a key is a swept field's path (as
	// given to sweep, "spoilers.capability") or a default axis label
	// ("Round (weeks)"), its value the text to draw instead.
	Labels map[string]string
}

// label returns the replacement of key in o.Labels, or def.
func (o Options) label(key, def string) string {
	if t, ok := o.Labels[key]; ok {
		return t
	}
	return def
}

// NamedFigure is a figure with the base name of its files and its size.
type NamedFigure struct {
	Name   string
	Figure figures.Figure
	W, H   vg.Length
}

// StudyFigures writes the standard figures of a study to dir (PNG at 300
// dpi, SVG with embedded fonts, PDF) with the default Options and returns
// the base names written; see BuildStudyFigures.
func StudyFigures(dir string, s *sim.Study, res *sim.StudyResult) ([]string, error) {
	figs, err := BuildStudyFigures(s, res, Options{})
	if err != nil {
		return nil, err
	}
	return SaveFigures(dir, figs)
}

// SaveFigures writes every figure to dir in every format of
// figures.Formats and returns the base names written.
func SaveFigures(dir string, figs []NamedFigure) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, f := range figs {
		if err := figures.SaveFigure(f.Figure, dir, f.Name, f.W, f.H); err != nil {
			return written, err
		}
		written = append(written, f.Name)
	}
	return written, nil
}

// BuildStudyFigures returns the standard figures of a study: incidence
// (cumulative incidence of breakthrough and collapse per arm with 95%
// pointwise bands, legend beside the axes), channels (the distribution of
// back channels opened, one panel per arm, with Wilson intervals) and,
// if the study kept trajectories, trajectories (one panel per arm at page
// width: mean trust, audience pressure and spoiler mobilisation with
// 10-90% bands over the replications still undecided at each round, as
// stated on the figure); and, if the summary holds repeated impasse,
// impasse (one panel per k = 1..sim.MaxImpasses: the cumulative incidence
// of the k-th impasse per arm with 95% pointwise bands, breakthrough and
// collapse competing) and occupancy (one stacked-area panel per arm: the
// share of replications in each sim.State at every round, the largest
// half-width of the 95% Goodman simultaneous intervals stated on the
// figure). It returns an error wrapping figures.ErrNoData if
// no replication finished.
func BuildStudyFigures(s *sim.Study, res *sim.StudyResult, opt Options) ([]NamedFigure, error) {
	d, err := studyData(s, res)
	if err != nil {
		return nil, err
	}
	var out []NamedFigure
	p, err := figures.CumulativeIncidence(d.inc)
	if err != nil {
		return nil, err
	}
	relabel(p, opt)
	out = append(out, NamedFigure{"incidence", figures.Outside{Plot: p}, PageWidth, 9 * vg.Centimeter})
	cols := min(3, len(d.hist))
	rows := (len(d.hist) + cols - 1) / cols
	ch, err := figures.ChannelsPanels(d.hist, cols)
	if err != nil {
		return nil, err
	}
	relabelPanels(ch, opt)
	out = append(out, NamedFigure{"channels", ch, PageWidth, vg.Length(rows)*5*vg.Centimeter + vg.Centimeter})
	if len(d.traj) > 0 {
		var panels []figures.TrajectoryPanel
		for _, a := range d.traj {
			panels = append(panels, figures.TrajectoryPanel{
				Title: a.label, YLabel: "Value (0–1)", MinCount: d.minCount,
				Series: []figures.TrajectorySeries{
					{Label: "Trust (mean of both sides)", Bands: a.trust},
					{Label: "Audience pressure", Bands: a.press},
					{Label: "Spoiler mobilisation (max. of both)", Bands: a.mob},
				},
			})
		}
		note := fmt.Sprintf("Replications still undecided at each round only; rounds with fewer than %d omitted", d.minCount)
		tr, err := figures.TrajectoryGrid(panels, cols, note)
		if err != nil {
			return nil, err
		}
		relabelPanels(tr, opt)
		out = append(out, NamedFigure{"trajectories", tr, PageWidth, vg.Length(rows)*5.5*vg.Centimeter + 1.5*vg.Centimeter})
	}
	if len(d.imp) > 0 {
		figs, err := impasseFigures(d, s.RepeatedK(), cols)
		if err != nil {
			return nil, err
		}
		for _, f := range figs {
			relabelPanels(f.Figure.(*figures.Panels), opt)
		}
		out = append(out, figs...)
	}
	return finish(out, opt), nil
}

// finish applies the size and title of opt.
func finish(figs []NamedFigure, opt Options) []NamedFigure {
	for i := range figs {
		if opt.Width > 0 && opt.Height > 0 {
			figs[i].W, figs[i].H = opt.Width, opt.Height
		}
		if opt.Title != "" {
			figs[i].Figure = Titled{Figure: figs[i].Figure, Title: opt.Title}
		}
	}
	return figs
}

func relabel(p *plot.Plot, opt Options) {
	if p == nil {
		return
	}
	p.X.Label.Text = opt.label(p.X.Label.Text, p.X.Label.Text)
	p.Y.Label.Text = opt.label(p.Y.Label.Text, p.Y.Label.Text)
}

func relabelPanels(f *figures.Panels, opt Options) {
	for _, row := range f.Plots {
		for _, p := range row {
			relabel(p, opt)
		}
	}
}

// Titled is a figure with a title line (Liberation Sans, 11 pt) above it.
type Titled struct {
	Figure figures.Figure
	Title  string
}

// Draw draws the title at the top of c and the figure below it.
func (t Titled) Draw(c draw.Canvas) {
	sty := draw.TextStyle{Color: color.Black, Font: font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 11),
		Handler: plot.DefaultTextHandler, XAlign: draw.XCenter, YAlign: draw.YTop}
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, t.Title)
	t.Figure.Draw(draw.Crop(c, 0, 0, 0, -(sty.FontExtents().Height + vg.Points(4))))
}

// armTraj are one arm's trajectory bands.
type armTraj struct {
	label, policy     string
	trust, press, mob *metrics.Bands
}

// studyFigData is what the study figures draw, shared with the CSV data.
type studyFigData struct {
	inc      []figures.IncidenceSeries
	hist     []figures.HistogramSeries
	policies []string
	traj     []armTraj
	minCount int
	imp      []armImpasse // arms with repeated-impasse accumulators
}

// armImpasse is one arm's repeated impasse over time at 95%.
type armImpasse struct {
	label        string
	kth          []*metrics.IncidenceCurve // kth[k-1]: cumulative incidence of the k-th impasse
	horizon      int
	shares       *metrics.OccupancyShares
	imp, channel *metrics.MeanCountCurve // mean cumulative impasses and back channels opened
}

// occupancyOrder is the order in which the occupancy figure stacks the
// states from the bottom: the absorbing states first, so that their
// monotone growth reads directly, then the talks, no talks on top.
var occupancyOrder = [sim.NumStates]sim.State{sim.StateBreakthrough, sim.StateCollapse, sim.StateRatifying,
	sim.StateBoth, sim.StateFront, sim.StateBack, sim.StateNoTalks}

// stateLabels are the states' names in figures.
var stateLabels = [sim.NumStates]string{"No talks", "Back channel", "Front channel", "Both channels", "Ratifying", "Breakthrough", "Collapse"}

func impasseData(label string, as *sim.ArmSummary) (armImpasse, error) {
	ai := armImpasse{label: label, horizon: as.Impasse.Horizon()}
	for k := 1; k <= as.Impasse.MaxK(); k++ {
		ke, err := as.Impasse.Kth(k, 0.95, metrics.Log)
		if err != nil {
			return ai, fmt.Errorf("studyout: %s: impasse %d: %w", label, k, err)
		}
		ai.kth = append(ai.kth, ke.Incidence.Cause(1))
	}
	var err error
	if ai.shares, err = as.States.Shares(0.95); err != nil {
		return ai, fmt.Errorf("studyout: %s: occupancy: %w", label, err)
	}
	if ai.imp, err = as.ImpasseCount.Curve(0.95); err != nil {
		return ai, fmt.Errorf("studyout: %s: impasses: %w", label, err)
	}
	if ai.channel, err = as.ChannelCount.Curve(0.95); err != nil {
		return ai, fmt.Errorf("studyout: %s: back channels: %w", label, err)
	}
	return ai, nil
}

// impasseFigures returns the figures impasse (one panel per k: the
// cumulative incidence of the k-th impasse per arm with 95% pointwise
// bands) and occupancy (one stacked-area panel per arm: where the
// negotiations stand at every round; the largest half-width of the 95%
// Goodman simultaneous intervals stated under the legend), at page width.
func impasseFigures(d *studyFigData, repeated int, cols int) ([]NamedFigure, error) {
	var ks []figures.KthSeries
	var os []figures.OccupancySeries
	half := 0.0
	n := 0
	for _, a := range d.imp {
		ks = append(ks, figures.KthSeries{Label: a.label, Curves: a.kth, Horizon: a.horizon})
		sh := *a.shares
		sh.Share = make([][]float64, sim.NumStates)
		for i, st := range occupancyOrder {
			sh.Share[i] = a.shares.Share[st]
			for t := range a.shares.T {
				half = math.Max(half, math.Max(a.shares.Hi[st][t]-a.shares.Share[st][t], a.shares.Share[st][t]-a.shares.Lo[st][t]))
			}
		}
		n = a.shares.N
		os = append(os, figures.OccupancySeries{Label: a.label, Shares: &sh})
	}
	titles := make([]string, len(ks[0].Curves))
	for k := range titles {
		titles[k] = Ordinal(k+1) + " impasse"
		if k+1 == repeated {
			titles[k] += " (repeated)"
		}
	}
	kf, err := figures.KthIncidencePanels(ks, titles)
	if err != nil {
		return nil, err
	}
	states := make([]figures.OccupancyState, sim.NumStates)
	for i, st := range occupancyOrder {
		states[i] = figures.OccupancyState{Name: stateLabels[st], Color: figures.StateColors[st]}
	}
	note := fmt.Sprintf("n = %d per arm; every share's 95%% simultaneous (Goodman) interval within ±%.3f", n, half)
	of, err := figures.OccupancyPanels(os, states, cols, note)
	if err != nil {
		return nil, err
	}
	rows := (len(os) + cols - 1) / cols
	return []NamedFigure{
		{"impasse", kf, PageWidth, 7 * vg.Centimeter},
		{"occupancy", of, PageWidth, vg.Length(rows)*5*vg.Centimeter + 2*vg.Centimeter},
	}, nil
}

func studyData(s *sim.Study, res *sim.StudyResult) (*studyFigData, error) {
	labels := s.Labels()
	pols, err := s.Policies()
	if err != nil {
		return nil, err
	}
	d := &studyFigData{minCount: max(10, res.Succeeded()/100)}
	for a, as := range res.Summary.Arms {
		if as.Events.N() == 0 {
			continue
		}
		cr, err := metrics.CumulativeIncidence(as.Events, 0.95, metrics.Log)
		if err != nil {
			return nil, fmt.Errorf("studyout: %s: %w", labels[a], err)
		}
		ser, err := Incidence(labels[a], cr, s.Arms[a].Scenario.Horizon)
		if err != nil {
			return nil, err
		}
		d.inc = append(d.inc, ser)
		d.policies = append(d.policies, pols[a].Name())
		d.hist = append(d.hist, figures.HistogramSeries{Label: labels[a], Counts: as.Counts.BackChannels})
		if as.Trust != nil {
			d.traj = append(d.traj, armTraj{labels[a], pols[a].Name(), as.Trust, as.Pressure, as.Mobilisation})
		}
		if as.Impasse != nil && as.Impasse.N() > 0 {
			ai, err := impasseData(labels[a], as)
			if err != nil {
				return nil, err
			}
			d.imp = append(d.imp, ai)
		}
	}
	if len(d.inc) == 0 {
		return nil, fmt.Errorf("studyout: no finished replications to plot: %w", figures.ErrNoData)
	}
	return d, nil
}

// SweepFigures returns the figure of a sweep: with one parameter, shares
// (the outcome shares against it with Wilson intervals); with two on a
// grid (grid true), heatmap (the breakthrough probability over the grid,
// ticks at the levels, n per cell stated and cells whose 95% interval is
// wider than figures.HatchWidth hatched). Axis labels are opt.Labels of
// the parameters' paths, or the paths. Other designs have no figure: it
// returns nil and an error wrapping figures.ErrNoData that says why.
func SweepFigures(d *mc.Design[sim.Arm], points []sim.SweepPoint, grid bool, conf float64, opt Options) ([]NamedFigure, error) {
	var full []sim.SweepPoint
	for _, p := range points {
		if p.Result.Succeeded() > 0 {
			full = append(full, p)
		}
	}
	if len(full) == 0 {
		return nil, fmt.Errorf("studyout: no finished design point: %w", figures.ErrNoData)
	}
	switch {
	case len(d.Params) == 1:
		name := d.Params[0].Name
		p, err := figures.SharesVsParam(SharePoints(full, 0), opt.label(name, name))
		if err != nil {
			return nil, err
		}
		relabel(p, opt)
		return finish([]NamedFigure{{"shares", figures.Outside{Plot: p}, 14 * vg.Centimeter, 8 * vg.Centimeter}}, opt), nil
	case len(d.Params) == 2 && grid:
		g, err := HeatGrid(d, points, conf)
		if err != nil {
			return nil, err
		}
		x, y := d.Params[0].Name, d.Params[1].Name
		hm, err := figures.HeatMap(g, opt.label(x, x), opt.label(y, y), "P(breakthrough)")
		if err != nil {
			return nil, err
		}
		return finish([]NamedFigure{{"heatmap", hm, 13 * vg.Centimeter, 10 * vg.Centimeter}}, opt), nil
	case len(d.Params) == 2:
		return nil, fmt.Errorf("studyout: a Latin hypercube has no figure (sweep.csv holds its points): %w", figures.ErrNoData)
	default:
		return nil, fmt.Errorf("studyout: %d swept parameters have no figure (sweep.csv holds every point; draw the slices you need): %w", len(d.Params), figures.ErrNoData)
	}
}

// HeatGrid arranges the breakthrough shares of a two-parameter grid with
// their Wilson intervals at conf and n: point i·ny + j is (X[i], Y[j]);
// missing or empty points are NaN with n = 0.
func HeatGrid(d *mc.Design[sim.Arm], points []sim.SweepPoint, conf float64) (figures.Grid2D, error) {
	var xs, ys []float64
	seen := [2]map[float64]bool{{}, {}}
	for _, pt := range d.Points {
		if !seen[0][pt[0]] {
			seen[0][pt[0]] = true
			xs = append(xs, pt[0])
		}
		if !seen[1][pt[1]] {
			seen[1][pt[1]] = true
			ys = append(ys, pt[1])
		}
	}
	nan := func() [][]float64 {
		z := make([][]float64, len(xs))
		for i := range z {
			z[i] = make([]float64, len(ys))
			for j := range z[i] {
				z[i][j] = math.NaN()
			}
		}
		return z
	}
	g := figures.Grid2D{X: xs, Y: ys, Z: nan(), Lo: nan(), Hi: nan(), Level: conf, N: make([][]int, len(xs))}
	for i := range g.N {
		g.N[i] = make([]int, len(ys))
	}
	for _, p := range points {
		k := p.Result.Summary.Arms[0].Kinds
		n := int(k[0] + k[1] + k[2])
		if n == 0 {
			continue
		}
		i, j := p.Index/len(ys), p.Index%len(ys)
		iv, err := metrics.Wilson(int(k[sim.Breakthrough]), n, conf)
		if err != nil {
			return g, err
		}
		g.Z[i][j] = float64(k[sim.Breakthrough]) / float64(n)
		g.Lo[i][j], g.Hi[i][j], g.N[i][j] = iv.Lo, iv.Hi, n
	}
	return g, nil
}
