// Package studyout turns study and sweep results into the files a
// researcher keeps: a readable table, the JSON summary (sim.Report), tidy
// CSV data and the standard figures. It is shared by the backchannel
// command and the example studies; it sits on top of sim, metrics and
// figures, and nothing below imports it.
//
// Functions write to the io.Writer or directory they are given and return
// errors; they never print on their own or exit.
package studyout

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// Standard figure sizes.
var (
	Width  = 12 * vg.Centimeter
	Height = 8 * vg.Centimeter
)

// WriteJSON writes the report as indented JSON with a final newline. The
// bytes depend only on the report, so the same seed gives the same file
// whatever the number of workers.
func WriteJSON(w io.Writer, r *sim.Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func fmtP(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
}

func fmtNum(n sim.Num) string {
	if math.IsNaN(float64(n)) {
		return "–"
	}
	return strconv.FormatFloat(float64(n), 'f', -1, 64)
}

// WriteTable writes the report as an aligned text table: per arm the
// outcome shares with their intervals, the median time to breakthrough
// with its interval, and the mean number of back channels opened; then,
// if the report has them, P(repeated impasse by the horizon) beside
// P(breakthrough), with the median time to repeated impasse and the mean
// number of impasses; and the paired differences against the first arm,
// repeated impasse by the last compared round included.
func WriteTable(w io.Writer, r *sim.Report) error {
	fmt.Fprintf(w, "backchannel model %s  seed %d  replications %d", r.ModelVersion, r.Seed, r.Completed)
	if r.Partial {
		fmt.Fprintf(w, " of %d (PARTIAL: interrupted)", r.Replications)
	}
	if r.Failures > 0 {
		fmt.Fprintf(w, "  failed replications %d", r.Failures)
	}
	fmt.Fprintf(w, "\nshares with %g%% Wilson intervals; median time to breakthrough in rounds (weeks) from the cumulative incidence\n\n", 100*r.Confidence)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tbreakthrough\tcollapse\timpasse\tmedian time to breakthrough\tback channels (mean)")
	for _, a := range r.Arms {
		t := a.TimeToBreakthrough
		med := "not reached"
		if !math.IsNaN(float64(t.Median)) {
			med = fmt.Sprintf("%s [%s, %s]", fmtNum(t.Median), fmtNum(t.CI[0]), fmtNum(t.CI[1]))
		}
		bc := a.Counts.BackChannels
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.2f [%.2f, %.2f]\n", a.Label,
			fmtP(a.Outcomes.Breakthrough), fmtP(a.Outcomes.Collapse), fmtP(a.Outcomes.Impasse),
			med, float64(bc.Mean), float64(bc.CI[0]), float64(bc.CI[1]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeImpasseTable(w, r); err != nil {
		return err
	}
	if len(r.Arms) > 1 {
		fmt.Fprintf(w, "\npaired differences against %s (common random numbers; variance ratio = unpaired/paired variance)\n\n", r.Arms[0].Label)
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		k, last := repeatedColumn(r)
		head := "arm\tΔ breakthrough\tΔ collapse\tvariance ratio"
		if last > 0 {
			head += fmt.Sprintf("\tΔ %s impasse by %d", Ordinal(k), last)
		}
		fmt.Fprintln(tw, head)
		for _, a := range r.Arms[1:] {
			d, c := a.VsReference.Breakthrough, a.VsReference.Collapse
			fmt.Fprintf(tw, "%s\t%+.3f [%+.3f, %+.3f]\t%+.3f [%+.3f, %+.3f]\t%s", a.Label,
				float64(d.Diff), float64(d.CI[0]), float64(d.CI[1]),
				float64(c.Diff), float64(c.CI[0]), float64(c.CI[1]), fmtRatio(d.VarianceRatio))
			if ri := a.VsReference.RepeatedImpasse; last > 0 && len(ri) > 0 {
				x := ri[len(ri)-1]
				fmt.Fprintf(tw, "\t%+.3f [%+.3f, %+.3f]", float64(x.Diff), float64(x.CI[0]), float64(x.CI[1]))
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// repeatedColumn returns the order of repeated impasse and the round of
// the last paired comparison of the k-th impasse (0 if the report has
// none).
func repeatedColumn(r *sim.Report) (k, round int) {
	for _, a := range r.Arms {
		if a.Impasse != nil {
			k = a.Impasse.RepeatedK
		}
		if a.VsReference != nil && len(a.VsReference.RepeatedImpasse) > 0 {
			round = a.VsReference.RepeatedImpasse[len(a.VsReference.RepeatedImpasse)-1].Round
		}
	}
	return k, round
}

// Ordinal returns the English ordinal of k ≥ 1: "1st", "2nd", "3rd", "4th",
// …, "11th", "12th", "13th", "21st", … (as in "the 2nd impasse").
func Ordinal(k int) string {
	switch {
	case k%100 >= 11 && k%100 <= 13:
		return fmt.Sprintf("%dth", k)
	case k%10 == 1:
		return fmt.Sprintf("%dst", k)
	case k%10 == 2:
		return fmt.Sprintf("%dnd", k)
	case k%10 == 3:
		return fmt.Sprintf("%drd", k)
	}
	return fmt.Sprintf("%dth", k)
}

// writeImpasseTable writes, per arm, P(breakthrough) beside P(repeated
// impasse by the horizon) and its median time, and the mean number of
// impasses by the horizon; nothing if the report has no impasse section.
func writeImpasseTable(w io.Writer, r *sim.Report) error {
	k, _ := repeatedColumn(r)
	if k == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nrepeated impasse: time to the %s impasse (a breakdown not a collapse, an exposed back channel abandoned for a fresh one, or a failed vote),\n"+
		"Aalen-Johansen with breakthrough and collapse competing; P by the horizon H with its interval, median in rounds [%g%% interval]\n\n", Ordinal(k), 100*r.Confidence)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "arm\tH\tbreakthrough\t%s impasse by H\tmedian time to it\timpasses by H (mean)\n", Ordinal(k))
	for _, a := range r.Arms {
		if a.Impasse == nil || len(a.Impasse.Kth) < k {
			continue
		}
		ke := a.Impasse.Kth[k-1]
		p := ke.ByHorizon
		med := "not reached"
		if !math.IsNaN(float64(ke.Median.Median)) {
			med = fmt.Sprintf("%s [%s, %s]", fmtNum(ke.Median.Median), fmtNum(ke.Median.CI[0]), fmtNum(ke.Median.CI[1]))
		}
		mi := "–"
		if n := len(a.Impasse.MeanImpasses); n > 0 {
			m := a.Impasse.MeanImpasses[n-1]
			mi = fmt.Sprintf("%.2f [%.2f, %.2f]", float64(m.Mean), float64(m.CI[0]), float64(m.CI[1]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.3f [%.3f, %.3f]\t%s\t%s\n", a.Label, a.Horizon, fmtP(a.Outcomes.Breakthrough),
			float64(p.P), float64(p.CI[0]), float64(p.CI[1]), med, mi)
	}
	return tw.Flush()
}

func fmtRatio(n sim.Num) string {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(n))
}

// CSVHeader is the header of WriteCSV: one row per replication and arm.
var CSVHeader = []string{
	"replication", "arm", "policy", "outcome", "round", "back_channels", "front_channels", "leaks",
	"attacks", "failed_ratifications", "breakdowns", "gestures", "rounds_closed", "rounds_back",
	"rounds_front", "rounds_parallel", "first_talks", "first_leak", "first_attack", "deal_channel",
	"split", "trust_a", "trust_b", "approval_a", "approval_b", "preparedness_a", "preparedness_b",
	"hawkishness_a", "hawkishness_b", "polarisation_a", "polarisation_b",
	"impasses", "impasse_1", "impasse_2", "impasse_3",
}

// WriteCSV writes tidy data, one row per replication and arm, from a
// result run with KeepOutcomes. Empty first_* fields mean the event never
// happened; impasse_k is empty if there was no k-th impasse.
func WriteCSV(w io.Writer, s *sim.Study, res *sim.StudyResult) error {
	if res.Outcomes == nil && res.Done > 0 {
		return fmt.Errorf("studyout: the run did not keep outcomes (RunConfig.KeepOutcomes)")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	labels := s.Labels()
	pols, err := s.Policies()
	if err != nil {
		return err
	}
	covered := map[uint64]bool{}
	for _, r := range res.Covered {
		for i := r.Lo; i < r.Hi; i++ {
			covered[i] = true
		}
	}
	failed := map[uint64]bool{}
	for _, f := range res.Failures {
		failed[f.Rep] = true
	}
	itoa := strconv.Itoa
	ftoa := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	opt := func(x int) string {
		if x == 0 {
			return ""
		}
		return itoa(x)
	}
	for i, ro := range res.Outcomes {
		rep := res.Start + uint64(i)
		if !covered[rep] || failed[rep] {
			continue
		}
		for a, o := range ro.Arms {
			row := []string{
				strconv.FormatUint(rep, 10), labels[a], pols[a].Name(), o.Kind.String(), itoa(o.Round),
				itoa(o.BackChannels), itoa(o.FrontChannels), itoa(o.Leaks), itoa(o.Attacks),
				itoa(o.FailedRatifications), itoa(o.Breakdowns), itoa(o.Gestures), itoa(o.RoundsClosed),
				itoa(o.RoundsBack), itoa(o.RoundsFront), itoa(o.RoundsParallel),
				opt(o.FirstTalks), opt(o.FirstLeak), opt(o.FirstAttack), o.DealChannel.String(),
				ftoa(o.Split), ftoa(o.Trust[0]), ftoa(o.Trust[1]), ftoa(o.Approval[0]), ftoa(o.Approval[1]),
				ftoa(o.Preparedness[0]), ftoa(o.Preparedness[1]), ftoa(o.Hawkishness[0]), ftoa(o.Hawkishness[1]),
				ftoa(o.Polarisation[0]), ftoa(o.Polarisation[1]),
				itoa(o.Impasses), opt(o.ImpasseRounds[0]), opt(o.ImpasseRounds[1]), opt(o.ImpasseRounds[2]),
			}
			if o.Kind != sim.Breakthrough {
				row[20] = ""
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// SharePoints converts sweep points over one parameter to figure points:
// X is the value of parameter param (an index into the design's
// parameters).
func SharePoints(points []sim.SweepPoint, param int) []figures.SharePoint {
	out := make([]figures.SharePoint, 0, len(points))
	for _, p := range points {
		k := p.Result.Summary.Arms[0].Kinds
		out = append(out, figures.SharePoint{
			X: p.Values[param], N: int(k[0] + k[1] + k[2]),
			Breakthrough: int(k[sim.Breakthrough]), Collapse: int(k[sim.Collapse]), Impasse: int(k[sim.Impasse]),
		})
	}
	return out
}

// SweepCSV writes one row per design point: the parameter values, the
// replications, and each outcome's count, share and Wilson interval, the
// mean number of back channels and failed ratifications with their
// standard errors, and the median time to breakthrough with its interval.
func SweepCSV(w io.Writer, d *mc.Design[sim.Arm], points []sim.SweepPoint, conf float64) error {
	cw := csv.NewWriter(w)
	head := []string{"point"}
	for _, p := range d.Params {
		head = append(head, p.Name)
	}
	head = append(head, "replications")
	for _, k := range []string{"breakthrough", "collapse", "impasse"} {
		head = append(head, k+"_count", k+"_p", k+"_lo", k+"_hi")
	}
	head = append(head, "back_channels_mean", "back_channels_se", "failed_ratifications_mean", "failed_ratifications_se",
		"median_time_to_breakthrough", "median_lo", "median_hi")
	if err := cw.Write(head); err != nil {
		return err
	}
	ftoa := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', 10, 64)
	}
	for _, pt := range points {
		s := &sim.Study{Arms: []sim.Arm{pt.Params}}
		rep, err := sim.NewReport(s, pt.Result, conf)
		if err != nil {
			return err
		}
		a := rep.Arms[0]
		row := []string{strconv.Itoa(pt.Index)}
		for _, v := range pt.Values {
			row = append(row, ftoa(v))
		}
		row = append(row, strconv.Itoa(rep.Completed))
		for _, e := range []sim.Estimate{a.Outcomes.Breakthrough, a.Outcomes.Collapse, a.Outcomes.Impasse} {
			row = append(row, strconv.Itoa(e.Count), ftoa(float64(e.P)), ftoa(float64(e.CI[0])), ftoa(float64(e.CI[1])))
		}
		bc, fr := a.Counts.BackChannels, a.Counts.FailedRatifications
		t := a.TimeToBreakthrough
		row = append(row, ftoa(float64(bc.Mean)), ftoa(float64(bc.SE)), ftoa(float64(fr.Mean)), ftoa(float64(fr.SE)),
			ftoa(float64(t.Median)), ftoa(float64(t.CI[0])), ftoa(float64(t.CI[1])))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteFile creates path (and its directory) and calls write on it.
func WriteFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Incidence returns the incidence series of an arm from the Aalen-Johansen
// estimate of its event table (causes numbered by sim.Kind).
func Incidence(label string, cr *metrics.CompetingRisks, horizon int) (figures.IncidenceSeries, error) {
	return figures.IncidenceFromRisks(label, cr, int(sim.Breakthrough), int(sim.Collapse), horizon)
}
