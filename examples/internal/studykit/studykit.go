// Package studykit holds what the worked studies in examples/ share: their
// common flags, estimates at 95%, medians with distribution-free intervals,
// formatting, and the files the case studies (iran-oman, mandela, oslo,
// transit) write.
package studykit

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// Level is the confidence level of every interval the case studies report.
const Level = 0.95

// Proportion returns k/n with its Wilson 95% interval (NaN for n = 0).
func Proportion(k, n int) sim.Estimate {
	e, err := sim.NewEstimate(k, n, Level)
	if err != nil { // k outside [0, n]: a programming error in the study
		panic(fmt.Sprintf("studykit: Proportion(%d, %d): %v", k, n, err))
	}
	return e
}

// Mean returns the mean of m with its standard error and t 95% interval.
func Mean(m *metrics.Moments) sim.MeanEstimate {
	e, err := sim.NewMeanEstimate(m, Level)
	if err != nil { // Level is a valid confidence level
		panic(fmt.Sprintf("studykit: Mean: %v", err))
	}
	return e
}

// MedianCI returns the sample median of v and a distribution-free 95%
// interval from the order statistics at ranks n/2 ∓ 1.96·√n/2 (NaN for an
// empty sample).
func MedianCI(v []float64) [3]sim.Num {
	n := len(v)
	if n == 0 {
		return [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	h := 1.96 * math.Sqrt(float64(n)) / 2
	lo := max(0, int(math.Floor(float64(n)/2-h)))
	hi := min(n-1, int(math.Ceil(float64(n)/2+h)))
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return [3]sim.Num{sim.Num(med), sim.Num(v[lo]), sim.Num(v[hi])}
}

// FmtTriple formats an estimate and its interval as "x [lo, hi]" with the
// given verb; NaN prints as "–".
func FmtTriple(v [3]sim.Num, format string) string {
	f := func(x sim.Num) string {
		if math.IsNaN(float64(x)) {
			return "–"
		}
		return fmt.Sprintf(format, float64(x))
	}
	return fmt.Sprintf("%s [%s, %s]", f(v[0]), f(v[1]), f(v[2]))
}

// FmtEst formats a proportion as "p [lo, hi] (n=N)", or "–" without data.
func FmtEst(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f] (n=%d)", float64(e.P), float64(e.CI[0]), float64(e.CI[1]), e.N)
}

// WriteJSON writes v as indented JSON with a final newline.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Options are the flags every study takes.
type Options struct {
	Reps    int    // replications (per arm, level or design point)
	Seed    uint64 // master seed
	Out     string // output directory
	Workers int    // worker goroutines (0: all processors)
}

// Register defines --reps (default reps, described by repsHelp), --seed
// (default seed), --out (default ./NAME-out) and --workers on fs.
func (o *Options) Register(fs *flag.FlagSet, name string, reps int, seed uint64, repsHelp string) {
	fs.IntVar(&o.Reps, "reps", reps, repsHelp)
	fs.Uint64Var(&o.Seed, "seed", seed, "master seed")
	fs.StringVar(&o.Out, "out", "./"+name+"-out", "output directory")
	fs.IntVar(&o.Workers, "workers", 0, "worker goroutines (0: all processors); results do not depend on it")
}

// Check reports leftover arguments of the parsed fs and invalid values of
// the common flags.
func (o *Options) Check(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.Reps < 1:
		return fmt.Errorf("--reps %d: want ≥ 1", o.Reps)
	case o.Workers < 0:
		return fmt.Errorf("--workers %d: want ≥ 0", o.Workers)
	}
	return nil
}

// ParseFlags parses a case study's flags: --reps (default 2000), --seed
// (default 1), --out (default ./NAME-out) and --workers. Usage and errors
// go to w.
func ParseFlags(name string, args []string, w io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	o.Register(fs, name, 2000, 1, "replications per arm")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	return o, o.Check(fs)
}

// Figure is a study-specific figure: its base name and the function that
// writes it (in every format of figures.Formats) into a directory.
type Figure struct {
	Name  string
	Write func(dir string) error
}

// WriteOutputs writes what every case study leaves in dir: summary.json
// (the Report), case.json (the study's numbers against the record), the
// standard figures of studyout.StudyFigures and the study's own figures,
// then prints one line saying what it wrote.
func WriteOutputs(stdout io.Writer, dir string, study *sim.Study, res *sim.StudyResult, rep *sim.Report, caseNumbers any, extra ...Figure) error {
	if err := studyout.WriteFile(filepath.Join(dir, "summary.json"), func(w io.Writer) error { return studyout.WriteJSON(w, rep) }); err != nil {
		return err
	}
	if err := studyout.WriteFile(filepath.Join(dir, "case.json"), func(w io.Writer) error { return WriteJSON(w, caseNumbers) }); err != nil {
		return err
	}
	names, err := studyout.StudyFigures(dir, study, res)
	if err != nil {
		return err
	}
	for _, f := range extra {
		if err := f.Write(dir); err != nil {
			return fmt.Errorf("figure %s: %w", f.Name, err)
		}
		names = append(names, f.Name)
	}
	_, err = fmt.Fprintf(stdout, "\nwrote %s: summary.json, case.json, figures %v (%s)\n", dir, names, strings.Join(figures.Formats, ", "))
	return err
}

// Main runs a study's run function on the command-line arguments and
// standard output, and exits with status 1 after printing "NAME: error" if
// it fails; -h (flag.ErrHelp, after the usage is printed) exits with 0.
func Main(name string, run func(args []string, stdout io.Writer) error) {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the flag set has printed the usage
		}
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Case is what a case study adds to the sequence they all share.
type Case struct {
	// Name names the study (flags, default output directory).
	Name string
	// Scenario is the study's scenario file (strict YAML).
	Scenario []byte
	// Study builds the study's arms from the parsed scenario.
	Study func(sc *sim.Scenario) *sim.Study
	// Numbers reads the study's numbers against the record from the
	// result; o gives the run's flags (for second passes).
	Numbers func(o Options, study *sim.Study, res *sim.StudyResult) (CaseNumbers, error)
}

// CaseNumbers are a case study's own results.
type CaseNumbers struct {
	// Numbers is written to case.json.
	Numbers any
	// Table prints them after the report's table.
	Table func(w io.Writer) error
	// Figures are the study's own figures.
	Figures []Figure
}

// Run is the sequence every case study follows: parse the common flags,
// parse the scenario, run the study (keeping outcomes), print the
// report's table and the case table, and write the outputs (see
// WriteOutputs).
func (c Case) Run(args []string, stdout io.Writer) error {
	o, err := ParseFlags(c.Name, args, stdout)
	if err != nil {
		return err
	}
	sc, err := sim.ParseScenario(c.Scenario)
	if err != nil {
		return err
	}
	study := c.Study(sc)
	res, err := sim.RunStudy(context.Background(), study, mc.RunConfig{
		Seed: o.Seed, Replications: o.Reps, Workers: o.Workers, KeepOutcomes: true,
	})
	if err != nil {
		return err
	}
	rep, err := sim.NewReport(study, res, Level)
	if err != nil {
		return err
	}
	if err := studyout.WriteTable(stdout, rep); err != nil {
		return err
	}
	cn, err := c.Numbers(o, study, res)
	if err != nil {
		return err
	}
	if err := cn.Table(stdout); err != nil {
		return err
	}
	return WriteOutputs(stdout, o.Out, study, res, rep, cn.Numbers, cn.Figures...)
}

// SpanQuantiles returns the 10%, 50% and 90% quantiles (v[⌊p·n⌋] of the
// sorted values) of the rounds from first talks to the ratified deal, or
// NaN without breakthroughs.
func SpanQuantiles(v []float64) [3]sim.Num {
	if len(v) == 0 {
		return [3]sim.Num{sim.Num(math.NaN()), sim.Num(math.NaN()), sim.Num(math.NaN())}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	q := func(p float64) sim.Num { return sim.Num(v[min(len(v)-1, int(p*float64(len(v))))]) }
	return [3]sim.Num{q(0.1), q(0.5), q(0.9)}
}

// WriteSpans prints the quantiles of the rounds from first talks to the
// ratified deal per arm (breakthroughs only).
func WriteSpans(w io.Writer, labels []string, q [][3]sim.Num, n []int) {
	fmt.Fprintln(w, "\nfirst talks → ratified deal, breakthroughs only (rounds, 10% / 50% / 90% quantiles)")
	for i, l := range labels {
		if math.IsNaN(float64(q[i][1])) {
			fmt.Fprintf(w, "  %s: – (n=0)\n", l)
			continue
		}
		fmt.Fprintf(w, "  %s: %.0f / %.0f / %.0f (n=%d)\n", l, float64(q[i][0]), float64(q[i][1]), float64(q[i][2]), n[i])
	}
}

// ParallelFor runs f(i) for every i in [0, n) on up to workers goroutines
// (at least one) and returns when all are done. f stores its result by
// index, so the outcome does not depend on scheduling.
func ParallelFor(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(workers, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
