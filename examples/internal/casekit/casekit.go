// Package casekit holds the small helpers the case studies (iran-oman,
// mandela, oslo, transit) share: estimates at 95%, medians with
// distribution-free intervals, formatting and JSON output.
package casekit

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// Level is the confidence level of every interval the case studies report.
const Level = 0.95

// Proportion returns k/n with its Wilson 95% interval (NaN for n = 0).
func Proportion(k, n int) sim.Estimate {
	e, err := sim.NewEstimate(k, n, Level)
	if err != nil { // k outside [0, n]: a programming error in the study
		panic(fmt.Sprintf("casekit: Proportion(%d, %d): %v", k, n, err))
	}
	return e
}

// Mean returns the mean of m with its standard error and t 95% interval.
func Mean(m *metrics.Moments) sim.MeanEstimate { return sim.NewMeanEstimate(m, Level) }

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

// Options are the flags every case study takes.
type Options struct {
	Reps    int    // replications per arm
	Seed    uint64 // master seed
	Out     string // output directory
	Workers int    // worker goroutines (0: all processors)
}

// ParseFlags parses a case study's flags: --reps (default 2000), --seed
// (default 1), --out (default ./NAME-out) and --workers. Usage and errors
// go to w.
func ParseFlags(name string, args []string, w io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.IntVar(&o.Reps, "reps", 2000, "replications per arm")
	fs.Uint64Var(&o.Seed, "seed", 1, "master seed")
	fs.StringVar(&o.Out, "out", "./"+name+"-out", "output directory")
	fs.IntVar(&o.Workers, "workers", 0, "worker goroutines (0: all processors); results do not depend on it")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.Reps < 1:
		return o, fmt.Errorf("--reps %d: want ≥ 1", o.Reps)
	case o.Workers < 0:
		return o, fmt.Errorf("--workers %d: want ≥ 0", o.Workers)
	}
	return o, nil
}
