package studyout

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// HTMLReport is a self-contained HTML report of a run: everything needed
// to read and reproduce it in one file that needs no network access to
// view (inline CSS, every figure inline as SVG with embedded fonts, no
// scripts, no external links). Fill its fields, add figures with
// AddFigures and write it with Write.
type HTMLReport struct {
	Title        string
	Command      string // the command line that reproduces the run
	Seed         uint64
	ModelVersion string
	Scenarios    []ReportScenario
	Tables       []Table
	Figures      []ReportFigure
	Caveats      []string
}

// ReportScenario is a scenario shown in a report as YAML.
type ReportScenario struct {
	Name, YAML string
}

// Table is a table of a report: a caption, a header and rows of cells.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// ReportFigure is a figure of a report: its name and inline SVG.
type ReportFigure struct {
	Name string
	SVG  template.HTML
}

// AddFigures renders every figure as inline SVG at its size and appends it
// to r.Figures.
func (r *HTMLReport) AddFigures(figs []NamedFigure) error {
	for _, f := range figs {
		var buf bytes.Buffer
		if err := figures.Write(&buf, f.Figure, "svg", f.W, f.H); err != nil {
			return fmt.Errorf("studyout: report figure %s: %w", f.Name, err)
		}
		s := buf.String()
		if i := strings.Index(s, "<svg"); i > 0 {
			s = s[i:] // drop the XML declaration and doctype
		}
		// The SVG comes from our own renderer, not from user input.
		r.Figures = append(r.Figures, ReportFigure{Name: f.Name, SVG: template.HTML(s)})
	}
	return nil
}

// Write writes the report as one HTML document.
func (r *HTMLReport) Write(w io.Writer) error {
	return reportTmpl.Execute(w, r)
}

var reportTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.4; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
code, pre { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f5f5f5; padding: 0.6rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #eee; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>Reproduce with: <code id="command">{{.Command}}</code></p>
<p>Master seed <code id="seed">{{.Seed}}</code>, model version <code id="model-version">{{.ModelVersion}}</code>.</p>
<h2>Results</h2>
{{range .Tables}}<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}<h2>Caveats</h2>
<ul>
{{range .Caveats}}<li>{{.}}</li>
{{end}}</ul>
<h2>Figures</h2>
{{range .Figures}}<figure id="fig-{{.Name}}">
{{.SVG}}
<figcaption>{{.Name}} (also written as {{.Name}}.png, .svg and .pdf unless --no-figures)</figcaption>
</figure>
{{else}}<p>No figures.</p>
{{end}}<h2>Scenario</h2>
{{range .Scenarios}}<h3>{{.Name}}</h3>
<pre>{{.YAML}}</pre>
{{end}}</body>
</html>
`))

func fmtShare(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
}

// StudyTables returns the tables of a study report: per arm the outcome
// shares with their intervals and n, the median time to breakthrough and
// the mean number of back channels; if the report has them, repeated
// impasse (P of the k-th impasse by the horizon for k = 1..3 beside
// P(breakthrough), the median time to the repeated one, the mean numbers
// of impasses and back channels); and, with two arms or more, the paired
// differences against the first arm, of the repeated impasse at the
// compared rounds included.
func StudyTables(r *sim.Report) []Table {
	pc := strconv.FormatFloat(100*r.Confidence, 'g', -1, 64) + "%"
	t := Table{
		Caption: fmt.Sprintf("Outcome shares with %s Wilson intervals; median time to breakthrough (rounds, weeks) from the cumulative incidence", pc),
		Head:    []string{"arm", "policy", "n", "breakthrough", "collapse", "impasse (censored at horizon)", "median time to breakthrough", "back channels (mean)"},
	}
	for _, a := range r.Arms {
		tm := a.TimeToBreakthrough
		med := "not reached"
		if !math.IsNaN(float64(tm.Median)) {
			med = fmt.Sprintf("%s [%s, %s]", fmtNum(tm.Median), fmtNum(tm.CI[0]), fmtNum(tm.CI[1]))
		}
		bc := a.Counts.BackChannels
		t.Rows = append(t.Rows, []string{a.Label, a.Policy, strconv.Itoa(a.Outcomes.Breakthrough.N),
			fmtShare(a.Outcomes.Breakthrough), fmtShare(a.Outcomes.Collapse), fmtShare(a.Outcomes.Impasse), med,
			fmt.Sprintf("%.2f [%.2f, %.2f]", float64(bc.Mean), float64(bc.CI[0]), float64(bc.CI[1]))})
	}
	out := []Table{t}
	if it, ok := impasseTable(r, pc); ok {
		out = append(out, it)
	}
	if len(r.Arms) > 1 {
		d := Table{
			Caption: fmt.Sprintf("Paired differences against %s on common random numbers, %s intervals; variance ratio = unpaired / paired variance of the difference (above 1: pairing helped)", r.Arms[0].Label, pc),
			Head:    []string{"arm", "n", "Δ breakthrough", "Δ collapse", "variance ratio"},
		}
		for _, a := range r.Arms[1:] {
			if a.VsReference == nil {
				continue
			}
			b, c := a.VsReference.Breakthrough, a.VsReference.Collapse
			row := []string{a.Label, strconv.Itoa(a.Outcomes.Breakthrough.N),
				fmt.Sprintf("%+.3f [%+.3f, %+.3f]", float64(b.Diff), float64(b.CI[0]), float64(b.CI[1])),
				fmt.Sprintf("%+.3f [%+.3f, %+.3f]", float64(c.Diff), float64(c.CI[0]), float64(c.CI[1])),
				fmtRatio(b.VarianceRatio)}
			for _, x := range a.VsReference.RepeatedImpasse {
				row = append(row, fmt.Sprintf("%+.3f [%+.3f, %+.3f]", float64(x.Diff), float64(x.CI[0]), float64(x.CI[1])))
			}
			d.Rows = append(d.Rows, row)
		}
		if k, _ := repeatedColumn(r); k > 0 && len(r.Arms[1].VsReference.RepeatedImpasse) > 0 {
			for _, x := range r.Arms[1].VsReference.RepeatedImpasse {
				d.Head = append(d.Head, fmt.Sprintf("Δ %s impasse by %d", Ordinal(k), x.Round))
			}
		}
		out = append(out, d)
	}
	return out
}

// impasseTable returns the repeated-impasse table of a report: per arm
// P(breakthrough) beside P(k-th impasse by the horizon) for k = 1..3, the
// median time to the repeated one and the mean numbers of impasses and
// back channels by the horizon; ok is false if the report has none.
func impasseTable(r *sim.Report, pc string) (Table, bool) {
	k, _ := repeatedColumn(r)
	if k == 0 {
		return Table{}, false
	}
	t := Table{
		Caption: fmt.Sprintf("Repeated impasse (the %s impasse; an impasse is a breakdown that is not a collapse, an exposed back channel abandoned for a fresh one, or a failed ratification): P(k-th impasse by the horizon H), Aalen-Johansen with breakthrough and collapse competing, %s intervals; median time to the %s impasse (rounds); mean cumulative counts by H with t intervals", Ordinal(k), pc, Ordinal(k)),
		Head:    []string{"arm", "H", "breakthrough", "1st impasse by H", "2nd impasse by H", "3rd impasse by H", fmt.Sprintf("median time to %s impasse", Ordinal(k)), "impasses by H (mean)", "back channels by H (mean)"},
	}
	for _, a := range r.Arms {
		ir := a.Impasse
		if ir == nil || len(ir.Kth) < sim.MaxImpasses {
			continue
		}
		row := []string{a.Label, strconv.Itoa(a.Horizon), fmtShare(a.Outcomes.Breakthrough)}
		for _, ke := range ir.Kth {
			p := ke.ByHorizon
			row = append(row, fmt.Sprintf("%.3f [%.3f, %.3f]", float64(p.P), float64(p.CI[0]), float64(p.CI[1])))
		}
		med := "not reached"
		if m := ir.Kth[k-1].Median; !math.IsNaN(float64(m.Median)) {
			med = fmt.Sprintf("%s [%s, %s]", fmtNum(m.Median), fmtNum(m.CI[0]), fmtNum(m.CI[1]))
		}
		row = append(row, med)
		for _, cs := range [][]sim.CountPoint{ir.MeanImpasses, ir.MeanBackChannels} {
			c := cs[len(cs)-1]
			row = append(row, fmt.Sprintf("%.2f [%.2f, %.2f]", float64(c.Mean), float64(c.CI[0]), float64(c.CI[1])))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, len(t.Rows) > 0
}

// StudyCaveats returns what a reader of a study report must know to read
// its numbers.
func StudyCaveats(r *sim.Report) []string {
	pc := strconv.FormatFloat(100*r.Confidence, 'g', -1, 64) + "%"
	c := []string{
		fmt.Sprintf("Every interval is a %s confidence interval for the model's probability or mean given the scenario: it measures Monte Carlo error only, not uncertainty about the scenario's parameters or the model's fit to the world.", pc),
		"Replications still undecided at the horizon are right-censored (impasse): the cumulative incidence curves and median times are Aalen-Johansen estimates that treat them as censored, and a median not reached by the horizon is reported as such, not imputed.",
		fmt.Sprintf("Incidence bands are pointwise, not simultaneous: the curve as a whole can leave them at some round with probability above %.3g%%.", 100*(1-r.Confidence)),
		"An impasse is counted at a breakdown that is not a collapse, at an exposed back channel abandoned for a fresh one and at a failed ratification; setbacks with no round of bargaining in between count once (docs/MODEL.md, 7.18). Nothing is counted after a breakthrough or collapse: those compete with the k-th impasse, and negotiations still undecided are censored at the horizon.",
		"The state-occupancy figure stacks shares that add up to 1 in every round; its intervals (Goodman, simultaneous over the states of a round, not across rounds) are stated on the figure, not drawn.",
		"Trajectory bands are 10–90% quantiles across the replications still undecided at each round (a changing population), not confidence intervals.",
		"Arms share common random numbers: replication i of every arm starts from the same generator, so paired differences are more precise than the arms' separate intervals suggest.",
	}
	if r.Partial {
		c = append(c, fmt.Sprintf("PARTIAL: the run was interrupted after %d of %d replications.", r.Completed, r.Replications))
	}
	if r.Failures > 0 {
		c = append(c, fmt.Sprintf("%d replications failed and are excluded.", r.Failures))
	}
	return c
}

// SweepTables returns the table of a sweep report: one row per design
// point with its parameter values, n and outcome shares with Wilson
// intervals at conf.
func SweepTables(d *mc.Design[sim.Arm], points []sim.SweepPoint, conf float64) ([]Table, error) {
	t := Table{Caption: fmt.Sprintf("Outcome shares per design point with %g%% Wilson intervals", 100*conf)}
	t.Head = []string{"point"}
	for _, p := range d.Params {
		t.Head = append(t.Head, p.Name)
	}
	t.Head = append(t.Head, "policy", "n", "breakthrough", "collapse", "impasse (censored at horizon)")
	for _, pt := range points {
		rep, err := sim.NewReport(&sim.Study{Arms: []sim.Arm{pt.Params}}, pt.Result, conf)
		if err != nil {
			return nil, err
		}
		row := []string{strconv.Itoa(pt.Index)}
		for _, v := range pt.Values {
			row = append(row, strconv.FormatFloat(v, 'g', 6, 64))
		}
		a := rep.Arms[0]
		row = append(row, a.Policy, strconv.Itoa(rep.Completed), fmtShare(a.Outcomes.Breakthrough), fmtShare(a.Outcomes.Collapse), fmtShare(a.Outcomes.Impasse))
		t.Rows = append(t.Rows, row)
	}
	return []Table{t}, nil
}

// SweepCaveats returns what a reader of a sweep report must know.
func SweepCaveats(conf float64) []string {
	return []string{
		fmt.Sprintf("Every interval is a %g%% Wilson interval for the model's probability at that design point: Monte Carlo error only. Intervals are pointwise, one per point, not simultaneous over the design.", 100*conf),
		"Replications still undecided at the horizon count as impasse: they are censored, not failures.",
		"Each design point runs its own seed stream (StreamSeed(seed, point)), so neighbouring points are independent estimates, not paired ones.",
	}
}
