package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// figOpts are the flags of run, compare and sweep for the figures, the
// data behind them and the report.
type figOpts struct {
	size         string
	labels       labelList
	title        string
	trajectories int
	noReport     bool
	cmdline      []string // the command and its arguments, for the report
}

// labelList is a repeatable --label FIELD=TEXT flag.
type labelList []string

func (l *labelList) String() string { return strings.Join(*l, " ") }
func (l *labelList) Set(s string) error {
	if k, _, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want FIELD=TEXT, got %q", s)
	}
	*l = append(*l, s)
	return nil
}

func (o *figOpts) register(fs *flag.FlagSet, study bool) {
	fs.StringVar(&o.size, "size", "", "size `WxH` of every figure in cm (e.g. 17x9; suffix mm, in or pt for other units; default: each figure's own)")
	fs.Var(&o.labels, "label", "axis label `FIELD=TEXT`, repeatable: FIELD is a swept field path (spoilers.capability) or a default axis label (\"Round (weeks)\")")
	fs.StringVar(&o.title, "title", "", "`TITLE` drawn above every figure")
	fs.BoolVar(&o.noReport, "no-report", false, "do not write report.html")
	if study {
		fs.IntVar(&o.trajectories, "trajectories", 0, "write trajectories.csv: every round of the first `N` replications of every arm (tidy CSV)")
	}
}

// check returns a usage error for a bad --size or --trajectories.
func (o *figOpts) check() error {
	if o.trajectories < 0 {
		return usagef("--trajectories = %d: must be ≥ 0", o.trajectories)
	}
	if o.size != "" {
		if _, _, err := parseSize(o.size); err != nil {
			return usageError{err}
		}
	}
	return nil
}

// parseSize parses WxH in cm, or with a unit suffix mm, cm, in or pt.
func parseSize(s string) (w, h vg.Length, err error) {
	unit, num := vg.Centimeter, strings.TrimSpace(s)
	for _, u := range []struct {
		suffix string
		l      vg.Length
	}{{"mm", vg.Millimeter}, {"cm", vg.Centimeter}, {"in", vg.Inch}, {"pt", vg.Points(1)}} {
		if strings.HasSuffix(num, u.suffix) {
			unit, num = u.l, strings.TrimSuffix(num, u.suffix)
			break
		}
	}
	ws, hs, ok := strings.Cut(strings.ToLower(num), "x")
	if !ok {
		return 0, 0, fmt.Errorf("--size %q: want WxH, e.g. 17x9 (cm) or 170x90mm", s)
	}
	var v [2]float64
	for i, x := range []string{ws, hs} {
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || !(f > 0) || math.IsInf(f, 0) {
			return 0, 0, fmt.Errorf("--size %q: %q is not a positive number", s, x)
		}
		v[i] = f
	}
	w, h = vg.Length(v[0])*unit, vg.Length(v[1])*unit
	if w > 2*vg.Inch*50 || h > 2*vg.Inch*50 {
		return 0, 0, fmt.Errorf("--size %q: at most 100 in (254 cm) each way", s)
	}
	return w, h, nil
}

// options returns the figure options: the size and title flags, axis
// labels from the field documentation for the swept fields, overridden by
// --label.
func (o *figOpts) options(params []string) studyout.Options {
	opt := studyout.Options{Title: o.title, Labels: map[string]string{}}
	if o.size != "" {
		opt.Width, opt.Height, _ = parseSize(o.size) // checked by check
	}
	for _, p := range params {
		opt.Labels[p] = fieldLabel(p)
	}
	for _, l := range o.labels {
		k, v, _ := strings.Cut(l, "=")
		opt.Labels[strings.TrimSpace(k)] = v
	}
	return opt
}

// studyExtras writes, after summary.json, the scenarios and outcomes.csv:
// the figures (unless --no-figures), the data behind them, trajectories.csv
// (with --trajectories) and report.html (unless --no-report).
func (c *cli) studyExtras(f *runFlags, s *sim.Study, res *sim.StudyResult, rep *sim.Report) error {
	if res.Succeeded() == 0 {
		fmt.Fprintln(c.stderr, "backchannel: no finished replications: no figures, no report")
		return nil
	}
	if _, err := studyout.StudyData(f.out, s, res); err != nil {
		return err
	}
	if f.fig.trajectories > 0 {
		if err := studyout.WriteFile(filepath.Join(f.out, "trajectories.csv"), func(w io.Writer) error {
			return studyout.TrajectoriesCSV(w, s, res.Seed, f.fig.trajectories)
		}); err != nil {
			return err
		}
	}
	var figs []studyout.NamedFigure
	if !f.noFigures || !f.fig.noReport {
		var err error
		figs, err = studyout.BuildStudyFigures(s, res, f.fig.options(nil))
		if err != nil && !errors.Is(err, figures.ErrNoData) {
			return err
		}
	}
	if !f.noFigures {
		if _, err := studyout.SaveFigures(f.out, figs); err != nil {
			return err
		}
	}
	if f.fig.noReport {
		return nil
	}
	var scen []studyout.ReportScenario
	for i, a := range s.Arms {
		y, err := a.Scenario.MarshalYAMLText()
		if err != nil {
			return err
		}
		if i > 0 && a.Scenario == s.Arms[0].Scenario {
			continue
		}
		scen = append(scen, studyout.ReportScenario{Name: a.Label, YAML: string(y)})
	}
	r := &studyout.HTMLReport{
		Title:        "backchannel " + f.fig.cmdline[0],
		Command:      commandLine(f.fig.cmdline),
		Seed:         res.Seed,
		ModelVersion: sim.ModelVersion,
		Scenarios:    scen,
		Tables:       studyout.StudyTables(rep),
		Caveats:      studyout.StudyCaveats(rep),
	}
	if err := r.AddFigures(figs); err != nil {
		return err
	}
	return studyout.WriteFile(filepath.Join(f.out, "report.html"), r.Write)
}

// sweepExtras writes the sweep's figure (unless --no-figures), the data
// behind it (sweep-data.csv) and report.html (unless --no-report).
func (c *cli) sweepExtras(f *runFlags, base *sim.Scenario, d *mc.Design[sim.Arm], points []sim.SweepPoint, grid bool) error {
	if err := studyout.WriteFile(filepath.Join(f.out, "sweep-data.csv"), func(w io.Writer) error {
		return studyout.SweepData(w, f.seed, d, points, Confidence)
	}); err != nil {
		return err
	}
	var names []string
	for _, p := range d.Params {
		names = append(names, p.Name)
	}
	var figs []studyout.NamedFigure
	if len(points) > 0 && (!f.noFigures || !f.fig.noReport) {
		var err error
		figs, err = studyout.SweepFigures(d, points, grid, Confidence, f.fig.options(names))
		if err != nil {
			if !errors.Is(err, figures.ErrNoData) {
				return err
			}
			fmt.Fprintf(c.stderr, "backchannel: no sweep figure: %v\n", err)
		}
	}
	if !f.noFigures {
		if _, err := studyout.SaveFigures(f.out, figs); err != nil {
			return err
		}
	}
	if f.fig.noReport {
		return nil
	}
	y, err := base.MarshalYAMLText()
	if err != nil {
		return err
	}
	cmd := f.fig.cmdline
	if len(cmd) == 0 {
		cmd = []string{"sweep"}
	}
	tables, err := studyout.SweepTables(d, points, Confidence)
	if err != nil {
		return err
	}
	r := &studyout.HTMLReport{
		Title:        "backchannel " + cmd[0],
		Command:      commandLine(cmd),
		Seed:         f.seed,
		ModelVersion: sim.ModelVersion,
		Scenarios:    []studyout.ReportScenario{{Name: "base scenario", YAML: string(y)}},
		Tables:       tables,
		Caveats:      studyout.SweepCaveats(Confidence),
	}
	if err := r.AddFigures(figs); err != nil {
		return err
	}
	return studyout.WriteFile(filepath.Join(f.out, "report.html"), r.Write)
}

// commandLine quotes args for a POSIX shell: "backchannel run --seed 7".
func commandLine(args []string) string {
	var b strings.Builder
	b.WriteString("backchannel")
	for _, a := range args {
		b.WriteByte(' ')
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ':' || r == ',' ||
				r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) < 0 {
			b.WriteString(a)
			continue
		}
		b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	return b.String()
}

// fieldLabel returns an axis label for a swept field from its
// documentation: the clause after "Name is the" when short ("Cost of no
// deal accrued per round"), otherwise the section and the field's Go name
// in words with its symbol ("Spoilers: capability c"); the path itself if
// the field is not documented.
func fieldLabel(path string) string {
	if strings.Contains(path, "[") {
		return fieldLabel(indexRe.ReplaceAllString(path, "")) + " (" + path + ")"
	}
	switch path {
	case "policy.reliance":
		return "Back-channel reliance P (share of rounds in secret)"
	case "policy.switch_trust":
		return "Trust at which back-then-front goes public"
	}
	doc := docOfPath(path)
	words := strings.Fields(doc)
	if len(words) == 0 {
		return path
	}
	if _, rest, ok := strings.Cut(doc, " is the "); ok && !strings.Contains(strings.TrimSuffix(words[0], ":"), " ") && strings.Index(doc, " is the ") == len(words[0]) {
		for _, sep := range []string{". ", "; ", " (", ", ", ": "} {
			if i := strings.Index(rest, sep); i > 0 {
				rest = rest[:i]
			}
		}
		rest = strings.TrimSuffix(rest, ".")
		if n := len([]rune(rest)); n > 0 && n <= 40 {
			r := []rune(rest)
			return strings.ToUpper(string(r[0])) + string(r[1:])
		}
	}
	// The Go name in words: "OpenRate" gives "open rate".
	var name []rune
	for i, r := range strings.TrimSuffix(words[0], ":") {
		if i > 0 && r >= 'A' && r <= 'Z' {
			name = append(name, ' ')
		}
		name = append(name, []rune(strings.ToLower(string(r)))...)
	}
	label := string(name)
	if len(words) > 1 {
		if sym := strings.TrimSuffix(words[1], ":"); len([]rune(sym)) <= 2 && sym != "is" && sym != "a" {
			label += " " + sym
		}
	}
	section := strings.SplitN(path, ".", 2)[0]
	if i := strings.IndexByte(section, '['); i >= 0 {
		section = section[:i]
	}
	if section == path {
		r := []rune(label)
		return strings.ToUpper(string(r[0])) + string(r[1:])
	}
	r := []rune(section)
	return strings.ToUpper(string(r[0])) + string(r[1:]) + ": " + label
}

// indexRe matches the index of a path element such as parties[1].
var indexRe = regexp.MustCompile(`\[[0-9]+\]`)

// docOfPath returns the documentation of the scenario field at path
// (talks.open_rate, parties[1].negotiator.cost_rate), or "".
func docOfPath(path string) string {
	t := reflect.TypeOf(sim.Scenario{})
	var doc string
	for _, part := range strings.Split(path, ".") {
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		fd, ok := fieldByTag(t, part)
		if !ok {
			return ""
		}
		doc = fieldDocs[docKey(t, part)]
		t = fd.Type
	}
	return doc
}
