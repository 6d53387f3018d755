package main

import (
	"fmt"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

const xLabel = "Back-channel reliance P (chance of a back channel at each opening)"

// figures writes the study's figures to dir and returns their base names.
func (a *analysis) figures(dir string, s *sim.Study, res *sim.StudyResult) ([]string, error) {
	var names []string
	// 1. Outcome shares with Wilson bars.
	sp := make([]figures.SharePoint, len(a.levels))
	for k, as := range res.Summary.Arms {
		sp[k] = figures.SharePoint{X: a.levels[k].P, N: int(as.Kinds[0] + as.Kinds[1] + as.Kinds[2]),
			Breakthrough: int(as.Kinds[sim.Breakthrough]), Collapse: int(as.Kinds[sim.Collapse]), Impasse: int(as.Kinds[sim.Impasse])}
	}
	p, err := figures.SharesVsParam(sp, xLabel)
	if err != nil {
		return names, err
	}
	if err := figures.Save(p, dir, "shares", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "shares")

	dx := 0.006 * (a.levels[len(a.levels)-1].P - a.levels[0].P)

	// 2. Ratified breakthrough within five years and by the horizon.
	p = figures.NewPlot(xLabel, "P(ratified breakthrough)")
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = figures.ProbabilityTicks
	var by5, byH []figures.Estimate
	for _, l := range a.levels {
		by5 = append(by5, figures.Estimate{X: l.P, Y: float64(l.Early.P), Lo: float64(l.Early.CI[0]), Hi: float64(l.Early.CI[1])})
		byH = append(byH, figures.Estimate{X: l.P, Y: float64(l.Breakthrough.P), Lo: float64(l.Breakthrough.CI[0]), Hi: float64(l.Breakthrough.CI[1])})
	}
	if err := figures.AddEstimates(p, 0, fmt.Sprintf("within 5 years (%d rounds)", early), by5, -dx); err != nil {
		return names, err
	}
	if err := figures.AddEstimates(p, 1, fmt.Sprintf("by the horizon (%d rounds)", a.horizon), byH, dx); err != nil {
		return names, err
	}
	if err := figures.Save(p, dir, "early", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "early")

	// 3. Channels beget channels: counts per replication.
	p = figures.NewPlot(xLabel, "Mean per replication")
	p.Y.Min = 0
	for i, c := range []struct {
		name string
		get  func(*level) sim.MeanEstimate
	}{
		{"back channels opened", func(l *level) sim.MeanEstimate { return l.Counts.BackChannels }},
		{"leaks", func(l *level) sim.MeanEstimate { return l.Counts.Leaks }},
		{"breakdowns", func(l *level) sim.MeanEstimate { return l.Counts.Breakdowns }},
		{"failed ratifications", func(l *level) sim.MeanEstimate { return l.Counts.FailedRatifications }},
	} {
		var pts []figures.Estimate
		for k := range a.levels {
			l := &a.levels[k]
			m := c.get(l)
			pts = append(pts, figures.Estimate{X: l.P, Y: float64(m.Mean), Lo: float64(m.CI[0]), Hi: float64(m.CI[1])})
		}
		if err := figures.AddEstimates(p, i, c.name, pts, float64(i-1)*dx); err != nil {
			return names, err
		}
	}
	p.Legend.Left = true
	p.Legend.XOffs = 4
	if err := figures.Save(p, dir, "channels", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "channels")

	// 4. Ratification pass rates of secret and public deals.
	p = figures.NewPlot(xLabel, "Ratification pass rate")
	p.Y.Min, p.Y.Max = 0, 1.15 // room for the legend above the public deals' rate of 1
	p.Y.Tick.Marker = figures.ProbabilityTicks
	var sec, pub []figures.Estimate
	for _, l := range a.levels {
		sec = append(sec, figures.Estimate{X: l.P, Y: float64(l.Secret.P), Lo: float64(l.Secret.CI[0]), Hi: float64(l.Secret.CI[1])})
		pub = append(pub, figures.Estimate{X: l.P, Y: float64(l.Public.P), Lo: float64(l.Public.CI[0]), Hi: float64(l.Public.CI[1])})
	}
	if err := figures.AddEstimates(p, 0, "deals made in public", pub, -dx); err != nil {
		return names, err
	}
	if err := figures.AddEstimates(p, 1, "deals made in secret", sec, dx); err != nil {
		return names, err
	}
	if err := figures.Save(p, dir, "ratification", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "ratification")

	// 5. Cumulative incidence at five levels (the palette has eight colours).
	var inc []figures.IncidenceSeries
	n := len(a.levels)
	seen := map[int]bool{}
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		k := int(f*float64(n-1) + 0.5)
		if seen[k] {
			continue
		}
		seen[k] = true
		cr, err := metrics.CumulativeIncidence(res.Summary.Arms[k].Events, conf, metrics.Log)
		if err != nil {
			return names, err
		}
		ser, err := studyout.Incidence(fmt.Sprintf("P = %.2f", a.levels[k].P), cr, a.horizon)
		if err != nil {
			return names, err
		}
		inc = append(inc, ser)
	}
	if p, err = figures.CumulativeIncidence(inc); err != nil {
		return names, err
	}
	if err := figures.Save(p, dir, "incidence", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "incidence")

	// 6. How quickly reliance leads to repeated impasse: P(2nd impasse by
	// one, two and five years and by the horizon) against P.
	if a.levels[0].Impasse2 == nil {
		return names, nil
	}
	p = figures.NewPlot(xLabel, fmt.Sprintf("P(%s impasse by round t)", studyout.Ordinal(repeatK)))
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = figures.ProbabilityTicks
	for i, r := range []int{52, 104, early, a.horizon} {
		if r >= a.horizon && i < 3 {
			continue // a milestone at or past the horizon: the horizon's series shows it
		}
		var pts []figures.Estimate
		for k := range a.levels {
			l := &a.levels[k]
			ip := l.impasseAt(repeatK, r)
			if r == a.horizon {
				bh := l.Impasse2.Kth[repeatK-1].ByHorizon
				ip = sim.IncidencePoint{Round: r, P: bh.P, CI: bh.CI}
			}
			pts = append(pts, figures.Estimate{X: l.P, Y: float64(ip.P), Lo: float64(ip.CI[0]), Hi: float64(ip.CI[1])})
		}
		if err := figures.AddEstimates(p, i, fmt.Sprintf("t = %d", r), pts, float64(2*i-3)*dx/2); err != nil {
			return names, err
		}
	}
	p.Legend.Left = true
	p.Legend.XOffs = 4
	if err := figures.Save(p, dir, "repeated", studyout.Width, studyout.Height); err != nil {
		return names, err
	}
	names = append(names, "repeated")

	// 7, 8. The library's impasse and occupancy figures at three levels.
	sub := &sim.Study{ImpasseK: repeatK}
	subRes := *res
	subRes.Outcomes = nil
	subRes.Summary = &sim.StudySummary{PairRounds: res.Summary.PairRounds}
	for _, f := range []float64{0, 0.5, 1} {
		k := int(f*float64(n-1) + 0.5)
		arm := s.Arms[k]
		arm.Label = fmt.Sprintf("P = %.2f", a.levels[k].P)
		sub.Arms = append(sub.Arms, arm)
		subRes.Summary.Arms = append(subRes.Summary.Arms, res.Summary.Arms[k])
		subRes.Summary.Paired = append(subRes.Summary.Paired, sim.PairedCounts{})
	}
	figs, err := studyout.BuildStudyFigures(sub, &subRes, studyout.Options{})
	if err != nil {
		return names, err
	}
	for _, f := range figs {
		name := map[string]string{"impasse": "impasse-kth", "occupancy": "occupancy"}[f.Name]
		if name == "" {
			continue
		}
		if err := figures.SaveFigure(f.Figure, dir, name, f.W, f.H); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}
