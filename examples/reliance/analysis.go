package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// level holds the estimates of one reliance level, read from the report
// (sim.NewReport: Wilson intervals for shares, Aalen-Johansen intervals for
// the cumulative incidence, t intervals for means) and from the kept
// outcomes (where the deal was made).
type level struct {
	P                      float64
	Breakthrough, Collapse sim.Estimate
	Impasse                sim.Estimate
	Early                  sim.IncidencePoint // cumulative incidence of breakthrough at round `early`
	Median                 sim.TimeEstimate
	Counts                 sim.Counts[sim.MeanEstimate]
	Secret, Public         sim.Estimate       // ratification pass rates
	SecretDeals            sim.Estimate       // ratified deals made in a secret channel, of all ratified deals
	Impasse2               *sim.ImpasseReport // repeated impasse over time (the report's)
}

// pair is a paired difference of two levels on the same replications.
type pair struct {
	A, B                int // level indices: the difference is B − A
	Horizon, Early      metrics.PairedDiff
	HorizonOK, EarlyOK  bool
	VarRatio, EarlyVarR float64 // unpaired / paired variance
	// Repeated impasse (the repeatK-th impasse) by the horizon and by
	// `early`.
	Rep, RepEarly     metrics.PairedDiff
	RepOK, RepEarlyOK bool
}

// yield is the success of the k-th back channel at one level: of the
// replications that opened at least k back channels, the share whose
// ratified deal was made in the k-th (the channel open when the deal was
// struck is the last one opened).
type yield struct {
	Level, K    int
	Opened, Won int
	P, Lo, Hi   float64
}

// analysis is everything the study reports.
type analysis struct {
	levels  []level
	horizon int
	reps    int
	peak    int // level with the highest breakthrough share at the horizon
	peak5   int // level with the highest breakthrough incidence by `early`
	pairs   []pair
	vsPeak  []pair // peak against P = 0 and P = 1 (horizon), peak5 likewise (early)
	yields  []yield

	returns   []channelReturn // from the channel trace
	traceReps int
	traceMiss float64 // share of traced replications whose channel count the observer missed
}

func analyse(ps []float64, horizon int, rep *sim.Report, res *sim.StudyResult) *analysis {
	a := &analysis{horizon: horizon, reps: rep.Completed}
	for k, ar := range rep.Arms {
		l := level{
			P: ps[k], Breakthrough: ar.Outcomes.Breakthrough, Collapse: ar.Outcomes.Collapse,
			Impasse: ar.Outcomes.Impasse, Median: ar.TimeToBreakthrough, Counts: ar.Counts,
			Secret: ar.Ratification.Secret, Public: ar.Ratification.Public, Impasse2: ar.Impasse,
		}
		for _, ip := range ar.Incidence.Breakthrough {
			if ip.Round == min(early, horizon) {
				l.Early = ip
			}
		}
		a.levels = append(a.levels, l)
		if ar.Outcomes.Breakthrough.P > a.levels[a.peak].Breakthrough.P {
			a.peak = k
		}
		if l.Early.P > a.levels[a.peak5].Early.P {
			a.peak5 = k
		}
	}

	// From the kept outcomes: paired tables and where deals were made.
	nl := len(ps)
	// (A, B) → breakthrough by the horizon, by early; repeated impasse
	// likewise.
	tabs := make(map[[2]int]*[4]metrics.PairedTable)
	want := func(i, j int) {
		if i != j {
			tabs[[2]int{i, j}] = new([4]metrics.PairedTable)
		}
	}
	for k := 1; k < nl; k++ {
		want(k-1, k)
		want(0, k)
	}
	for _, pk := range []int{a.peak, a.peak5} {
		want(0, pk)
		want(nl-1, pk)
	}
	secretDeals := make([]int, nl)
	maxK := 0
	for _, ro := range res.Outcomes {
		for _, o := range ro.Arms {
			maxK = max(maxK, o.BackChannels)
		}
	}
	opened := make([][]int, nl) // opened[l][k]: replications with ≥ k back channels
	won := make([][]int, nl)    // won[l][k]: ratified deal made in the k-th back channel
	for l := range nl {
		opened[l] = make([]int, maxK+1)
		won[l] = make([]int, maxK+1)
	}
	for _, ro := range res.Outcomes {
		if len(ro.Arms) == 0 {
			continue // failed replication (none are expected)
		}
		for l, o := range ro.Arms {
			for k := 1; k <= o.BackChannels; k++ {
				opened[l][k]++
			}
			if o.Kind == sim.Breakthrough && (o.DealChannel == sim.Back || o.DealChannel == sim.Parallel) {
				secretDeals[l]++
				won[l][o.BackChannels]++
			}
		}
		for key, t := range tabs {
			x, y := &ro.Arms[key[1]], &ro.Arms[key[0]] // B first: D = p_B − p_A
			t[0].Add(x.Kind == sim.Breakthrough, y.Kind == sim.Breakthrough)
			t[1].Add(x.Kind == sim.Breakthrough && x.Round <= early, y.Kind == sim.Breakthrough && y.Round <= early)
			xi, yi := x.ImpasseTimes(), y.ImpasseTimes()
			t[2].Add(metrics.KthEventBy(xi, repeatK, horizon), metrics.KthEventBy(yi, repeatK, horizon))
			t[3].Add(metrics.KthEventBy(xi, repeatK, early), metrics.KthEventBy(yi, repeatK, early))
		}
	}
	for l := range nl {
		a.levels[l].SecretDeals = estimate(secretDeals[l], a.levels[l].Breakthrough.Count)
		for k := 1; k <= maxK; k++ {
			if opened[l][k] == 0 {
				break
			}
			y := yield{Level: l, K: k, Opened: opened[l][k], Won: won[l][k]}
			e := estimate(y.Won, y.Opened)
			y.P, y.Lo, y.Hi = float64(e.P), float64(e.CI[0]), float64(e.CI[1])
			a.yields = append(a.yields, y)
		}
	}
	mk := func(i, j int) pair {
		t := tabs[[2]int{i, j}]
		p := pair{A: i, B: j}
		var err error
		p.Horizon, err = metrics.PairedDifference(t[0], conf)
		p.HorizonOK = err == nil
		p.VarRatio = varRatio(p.Horizon)
		p.Early, err = metrics.PairedDifference(t[1], conf)
		p.EarlyOK = err == nil
		p.EarlyVarR = varRatio(p.Early)
		p.Rep, err = metrics.PairedDifference(t[2], conf)
		p.RepOK = err == nil
		p.RepEarly, err = metrics.PairedDifference(t[3], conf)
		p.RepEarlyOK = err == nil
		return p
	}
	for k := 1; k < nl; k++ {
		a.pairs = append(a.pairs, mk(k-1, k))
	}
	for k := 1; k < nl; k++ {
		if k > 1 {
			a.pairs = append(a.pairs, mk(0, k))
		}
	}
	for _, pk := range []int{a.peak, a.peak5} {
		for _, end := range []int{0, nl - 1} {
			if pk != end {
				a.vsPeak = append(a.vsPeak, mk(end, pk))
			}
		}
	}
	return a
}

// varRatio is the variance of the difference had the levels been run on
// independent replications, over the paired variance: the gain from common
// random numbers.
func varRatio(d metrics.PairedDiff) float64 {
	n := float64(d.N)
	if !(d.SE > 0) || n == 0 {
		return math.NaN()
	}
	return (d.P1*(1-d.P1) + d.P2*(1-d.P2)) / n / (d.SE * d.SE)
}

func estimate(k, n int) sim.Estimate {
	e := sim.Estimate{Count: k, N: n, P: sim.Num(math.NaN()), CI: [2]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN())}}
	if n == 0 {
		return e
	}
	iv, err := metrics.Wilson(k, n, conf)
	if err != nil {
		return e
	}
	e.P = sim.Num(float64(k) / float64(n))
	e.CI = [2]sim.Num{sim.Num(iv.Lo), sim.Num(iv.Hi)}
	return e
}

// Formatting.

func f3(x sim.Num) string { return fmtF(float64(x), 3) }

func fmtF(x float64, d int) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}

func pci(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
}

func passRate(e sim.Estimate) string {
	if e.N == 0 {
		return "– (0 votes)"
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f] of %d", float64(e.P), float64(e.CI[0]), float64(e.CI[1]), e.N)
}

func mci(m sim.MeanEstimate) string {
	return fmt.Sprintf("%.2f [%.2f, %.2f]", float64(m.Mean), float64(m.CI[0]), float64(m.CI[1]))
}

func median(t sim.TimeEstimate) string {
	if math.IsNaN(float64(t.Median)) {
		return "not reached"
	}
	return fmt.Sprintf("%s [%s, %s]", fmtF(float64(t.Median), 0), fmtF(float64(t.CI[0]), 0), fmtF(float64(t.CI[1]), 0))
}

func diff(d metrics.PairedDiff, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", d.D, d.Interval.Lo, d.Interval.Hi)
}

// writeTable writes the study's numbers as aligned text.
func (a *analysis) writeTable(w io.Writer, rep *sim.Report) error {
	fmt.Fprintf(w, "Back-channel reliance study: scenario %q, horizon %d rounds (weeks), model %s, seed %d\n",
		rep.Arms[0].Scenario, a.horizon, rep.ModelVersion, rep.Seed)
	fmt.Fprintf(w, "%d replications per level, the same replications (common random numbers) at every level; %g%% intervals\n",
		a.reps, 100*conf)
	fmt.Fprintf(w, "shares: Wilson; ≤%d rounds: Aalen-Johansen cumulative incidence; median: round where it reaches 0.5; means: t\n\n", early)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "reliance P\tbreakthrough by %d\tbreakthrough ≤ %d\tmedian time\tcollapse\timpasse\t\n", a.horizon, early)
	for _, l := range a.levels {
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\t%s\t\n", l.P, pci(l.Breakthrough),
			fmt.Sprintf("%s [%s, %s]", f3(l.Early.P), f3(l.Early.CI[0]), f3(l.Early.CI[1])),
			median(l.Median), pci(l.Collapse), pci(l.Impasse))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nmechanisms (means per replication; pass rates = votes passed / votes held, pooled over replications)\n\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "reliance P\tback channels\tleaks\tbreakdowns\tfailed ratifications\tsecret-deal pass rate\tpublic-deal pass rate\tdeals made in secret\t")
	for _, l := range a.levels {
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", l.P, mci(l.Counts.BackChannels), mci(l.Counts.Leaks),
			mci(l.Counts.Breakdowns), mci(l.Counts.FailedRatifications), passRate(l.Secret), passRate(l.Public), pci(l.SecretDeals))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := a.writeImpasseTable(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\npaired differences (Newcombe interval; variance ratio = unpaired/paired variance, the gain from common random numbers)\n\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "comparison\tΔ breakthrough by %d\tΔ breakthrough ≤ %d\tvariance ratio\tΔ %s impasse by %d\tΔ %s impasse ≤ %d\t\n", a.horizon, early, studyout.Ordinal(repeatK), a.horizon, studyout.Ordinal(repeatK), early)
	rows := append([]pair(nil), a.pairs[:len(a.levels)-1]...)
	rows = append(rows, a.vsPeak...)
	for _, p := range rows {
		fmt.Fprintf(tw, "P=%.2f − P=%.2f\t%s\t%s\t%s\t%s\t%s\t\n", a.levels[p.B].P, a.levels[p.A].P,
			diff(p.Horizon, p.HorizonOK), diff(p.Early, p.EarlyOK), fmtF(p.VarRatio, 1), diff(p.Rep, p.RepOK), diff(p.RepEarly, p.RepEarlyOK))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nreturns of the k-th back channel (%d replications replayed with a channel observer; Wilson intervals):\n", a.traceReps)
	fmt.Fprintf(w, "share of k-th channels that reached a tentative deal, deals per 52 rounds of talks in them, mean rounds of talks: as they emerge (the model imposes no curve)\n\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "reliance P\tk\topened\treached a deal\tdeals per year of talks\tmean rounds\t")
	for _, c := range a.returns {
		if c.K <= 8 {
			fmt.Fprintf(tw, "%.2f\t%d\t%d\t%s\t%.2f\t%.1f\t\n", c.P, c.K, c.Opened, pci(c.Share), c.PerYear, c.MeanRounds)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if a.traceMiss > 0 {
		fmt.Fprintf(w, "(the trace miscounted the back channels in %.1f%% of traced replications)\n", 100*a.traceMiss)
	}
	pk, pk5 := a.levels[a.peak], a.levels[a.peak5]
	fmt.Fprintf(w, "\npeak: breakthrough by %d highest at P=%.2f (%.3f); breakthrough ≤ %d highest at P=%.2f (%.3f)\n",
		a.horizon, pk.P, float64(pk.Breakthrough.P), early, pk5.P, float64(pk5.Early.P))
	return nil
}

func (a *analysis) writeLevelsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"reliance", "replications"}
	for _, k := range []string{"breakthrough", "collapse", "impasse"} {
		head = append(head, k+"_count", k+"_p", k+"_lo", k+"_hi")
	}
	head = append(head, "breakthrough_within_260_p", "breakthrough_within_260_lo", "breakthrough_within_260_hi",
		"median_time_to_breakthrough", "median_lo", "median_hi")
	for _, c := range countNames {
		head = append(head, c.name+"_mean", c.name+"_lo", c.name+"_hi")
	}
	head = append(head, "secret_votes", "secret_passes", "secret_pass_p", "secret_pass_lo", "secret_pass_hi",
		"public_votes", "public_passes", "public_pass_p", "public_pass_lo", "public_pass_hi",
		"secret_deal_share", "secret_deal_lo", "secret_deal_hi")
	if err := cw.Write(head); err != nil {
		return err
	}
	g := func(x sim.Num) string { return fmtG(float64(x)) }
	for _, l := range a.levels {
		row := []string{fmtG(l.P), strconv.Itoa(l.Breakthrough.N)}
		for _, e := range []sim.Estimate{l.Breakthrough, l.Collapse, l.Impasse} {
			row = append(row, strconv.Itoa(e.Count), g(e.P), g(e.CI[0]), g(e.CI[1]))
		}
		row = append(row, g(l.Early.P), g(l.Early.CI[0]), g(l.Early.CI[1]), g(l.Median.Median), g(l.Median.CI[0]), g(l.Median.CI[1]))
		for _, c := range countNames {
			m := c.get(&l.Counts)
			row = append(row, g(m.Mean), g(m.CI[0]), g(m.CI[1]))
		}
		for _, e := range []sim.Estimate{l.Secret, l.Public} {
			row = append(row, strconv.Itoa(e.N), strconv.Itoa(e.Count), g(e.P), g(e.CI[0]), g(e.CI[1]))
		}
		row = append(row, g(l.SecretDeals.P), g(l.SecretDeals.CI[0]), g(l.SecretDeals.CI[1]))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (a *analysis) writePairedCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"reliance_a", "reliance_b", "outcome", "diff_b_minus_a", "se", "lo", "hi", "n", "variance_ratio"}); err != nil {
		return err
	}
	for _, p := range append(append([]pair(nil), a.pairs...), a.vsPeak...) {
		for _, x := range []struct {
			name string
			d    metrics.PairedDiff
			ok   bool
			vr   float64
		}{{fmt.Sprintf("breakthrough_by_%d", a.horizon), p.Horizon, p.HorizonOK, p.VarRatio}, {fmt.Sprintf("breakthrough_within_%d", early), p.Early, p.EarlyOK, p.EarlyVarR},
			{fmt.Sprintf("impasse%d_by_%d", repeatK, a.horizon), p.Rep, p.RepOK, varRatio(p.Rep)}, {fmt.Sprintf("impasse%d_within_%d", repeatK, early), p.RepEarly, p.RepEarlyOK, varRatio(p.RepEarly)}} {
			if !x.ok {
				continue
			}
			if err := cw.Write([]string{fmtG(a.levels[p.A].P), fmtG(a.levels[p.B].P), x.name, fmtG(x.d.D), fmtG(x.d.SE),
				fmtG(x.d.Interval.Lo), fmtG(x.d.Interval.Hi), strconv.Itoa(x.d.N), fmtG(x.vr)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func (a *analysis) writeReturnsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"reliance", "k", "opened", "reached_deal", "share", "lo", "hi", "deals_per_52_rounds", "mean_rounds"}); err != nil {
		return err
	}
	for _, c := range a.returns {
		if err := cw.Write([]string{fmtG(c.P), strconv.Itoa(c.K), strconv.FormatInt(c.Opened, 10), strconv.FormatInt(c.Deals, 10),
			fmtG(float64(c.Share.P)), fmtG(float64(c.Share.CI[0])), fmtG(float64(c.Share.CI[1])), fmtG(c.PerYear), fmtG(c.MeanRounds)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (a *analysis) writeYieldCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"reliance", "k", "opened", "deal_ratified_in_it", "yield", "lo", "hi"}); err != nil {
		return err
	}
	for _, y := range a.yields {
		if err := cw.Write([]string{fmtG(a.levels[y.Level].P), strconv.Itoa(y.K), strconv.Itoa(y.Opened), strconv.Itoa(y.Won),
			fmtG(y.P), fmtG(y.Lo), fmtG(y.Hi)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// countNames are the counts of sim.ArmSummary in the table's column
// order, with their JSON names.
var countNames = []struct {
	name string
	get  func(*sim.Counts[sim.MeanEstimate]) sim.MeanEstimate
}{
	{"back_channels", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.BackChannels }},
	{"leaks", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.Leaks }},
	{"attacks", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.Attacks }},
	{"failed_ratifications", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.FailedRatifications }},
	{"breakdowns", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.Breakdowns }},
	{"gestures", func(c *sim.Counts[sim.MeanEstimate]) sim.MeanEstimate { return c.Gestures }},
}

func fmtG(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

// impasseAt returns the incidence point of the k-th impasse at round r of
// level l (zero, with NaN limits, if the report has none at r).
func (l *level) impasseAt(k, r int) sim.IncidencePoint {
	for _, ip := range l.Impasse2.Kth[k-1].Incidence {
		if ip.Round == r {
			return ip
		}
	}
	return sim.IncidencePoint{Round: r, P: sim.Num(math.NaN()), CI: [2]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN())}}
}

func ipci(ip sim.IncidencePoint) string {
	return fmt.Sprintf("%s [%s, %s]", f3(ip.P), f3(ip.CI[0]), f3(ip.CI[1]))
}

func pe(p sim.ProbEstimate) string {
	return fmt.Sprintf("%s [%s, %s]", f3(p.P), f3(p.CI[0]), f3(p.CI[1]))
}

// writeImpasseTable writes, per level, how quickly the negotiations reach
// the k-th impasse: P(2nd impasse) within one, two and five years and by
// the horizon, its median time, P(1st) and P(3rd) by the horizon and the
// mean number of impasses by the horizon, beside P(breakthrough).
func (a *analysis) writeImpasseTable(w io.Writer) error {
	if a.levels[0].Impasse2 == nil {
		return nil
	}
	fmt.Fprintf(w, "\nrepeated impasse: the %s impasse (breakdown not a collapse, exposed back channel abandoned for a fresh one, or failed vote; docs/MODEL.md 7.18)\n", studyout.Ordinal(repeatK))
	fmt.Fprintf(w, "Aalen-Johansen cumulative incidence, breakthrough and collapse competing; median: round where it reaches 0.5; mean impasses: t interval\n\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "reliance P\tbreakthrough by %d\t%s impasse ≤ 52\t≤ 104\t≤ %d\tby %d\tmedian time to it\t1st impasse by %d\t3rd by %d\timpasses by %d (mean)\t\n",
		a.horizon, studyout.Ordinal(repeatK), early, a.horizon, a.horizon, a.horizon, a.horizon)
	for i := range a.levels {
		l := &a.levels[i]
		ir := l.Impasse2
		mi := ir.MeanImpasses[len(ir.MeanImpasses)-1]
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f [%.2f, %.2f]\t\n", l.P, pci(l.Breakthrough),
			ipci(l.impasseAt(repeatK, 52)), ipci(l.impasseAt(repeatK, 104)), ipci(l.impasseAt(repeatK, min(early, a.horizon))),
			pe(ir.Kth[repeatK-1].ByHorizon), median(ir.Kth[repeatK-1].Median), pe(ir.Kth[0].ByHorizon), pe(ir.Kth[2].ByHorizon),
			float64(mi.Mean), float64(mi.CI[0]), float64(mi.CI[1]))
	}
	return tw.Flush()
}

// writeImpasseCSV writes one row per level and k = 1..3: P(k-th impasse)
// by 52, 104, 260 rounds and the horizon with intervals, the median time
// with its interval, and the mean numbers of impasses and back channels
// by the horizon.
func (a *analysis) writeImpasseCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"reliance", "k", "replications"}
	for _, r := range []string{"52", "104", "260", "horizon"} {
		head = append(head, "p_by_"+r, "lo_by_"+r, "hi_by_"+r)
	}
	head = append(head, "median", "median_lo", "median_hi", "mean_impasses_by_horizon", "mean_impasses_lo", "mean_impasses_hi",
		"mean_back_channels_by_horizon", "mean_back_channels_lo", "mean_back_channels_hi")
	if err := cw.Write(head); err != nil {
		return err
	}
	g := func(x sim.Num) string { return fmtG(float64(x)) }
	for i := range a.levels {
		l := &a.levels[i]
		ir := l.Impasse2
		if ir == nil {
			continue
		}
		mi, mb := ir.MeanImpasses[len(ir.MeanImpasses)-1], ir.MeanBackChannels[len(ir.MeanBackChannels)-1]
		for _, ke := range ir.Kth {
			row := []string{fmtG(l.P), strconv.Itoa(ke.K), strconv.Itoa(ke.ByHorizon.N)}
			for _, r := range []int{52, 104, early} {
				ip := l.impasseAt(ke.K, r)
				row = append(row, g(ip.P), g(ip.CI[0]), g(ip.CI[1]))
			}
			row = append(row, g(ke.ByHorizon.P), g(ke.ByHorizon.CI[0]), g(ke.ByHorizon.CI[1]),
				g(ke.Median.Median), g(ke.Median.CI[0]), g(ke.Median.CI[1]),
				g(mi.Mean), g(mi.CI[0]), g(mi.CI[1]), g(mb.Mean), g(mb.CI[0]), g(mb.CI[1]))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
