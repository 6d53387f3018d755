package main

import (
	"errors"
	"fmt"

	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
)

const mergeUsage = `usage: backchannel merge [flags] FILE...

Combines partial-result files, in any order, into the result of the whole
run or sweep. The kind is read from each file's schema; run and sweep files
cannot be merged together.

Run files (backchannel.partial/v2), written by "run --shard ... --save FILE"
or "run --checkpoint FILE": prints the table, or with --json the JSON
summary, byte-identical to that of "run" in one process with the same
scenario, policies, seed and replications. Refuses files from different
model versions, studies, seeds, block sizes or runs, overlapping files, and
(unless --allow-partial) files that leave replications uncovered, listing
the gaps. Writes summary.json, the scenario(s) and figures only with --out.

Sweep files (backchannel.sweep-partial/v1), written by "sweep --shard ...
--save FILE": prints the table of "sweep" in one process with the same flags,
byte-identical, and with --out writes its sweep.csv (byte-identical),
scenario.yaml and figures. The design is rebuilt from the files; no sweep
flags are needed. Refuses files from different model versions, seeds,
designs (scenario, policy, parameters, levels or --lhs), replications or
block sizes, a design point held by two files, and (unless --allow-partial)
missing design points, listing them. A sweep has no JSON summary, so --json
is refused.
`

func (c *cli) mergeCmd(args []string) error {
	fs := c.newFlagSet("merge", mergeUsage)
	var f runFlags
	f.fig.cmdline = append([]string{"merge"}, args...)
	fs.BoolVar(&f.json, "json", false, "print the JSON summary on stdout instead of the table (run files only)")
	fs.StringVar(&f.out, "out", "", "also write summary.json (run) or sweep.csv (sweep), the scenario(s) and figures to `DIR`")
	fs.BoolVar(&f.noFigures, "no-figures", false, "with --out, do not write figures")
	allowPartial := fs.Bool("allow-partial", false, "merge even if replications (run) or design points (sweep) are missing; a run's result is marked \"partial\": true")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("merge: no files")
	}
	if err := checkWritable(output{"--out", f.out, true}); err != nil {
		return err
	}
	if err := checkFigureEnv(f.out, f.noFigures); err != nil {
		return err
	}
	sweep, err := sweepFiles(pos)
	if err != nil {
		return err
	}
	if sweep {
		return c.mergeSweep(&f, pos, *allowPartial)
	}
	var parts []*results.StudyPart
	for _, file := range pos {
		p, err := results.LoadStudyFile(file)
		if err != nil {
			return usageError{err}
		}
		if p.ModelVersion != sim.ModelVersion {
			return usagef("%s: written by model version %s; this program is model version %s", file, p.ModelVersion, sim.ModelVersion)
		}
		parts = append(parts, p)
	}
	m, err := results.MergeStudyResults(parts...)
	if errors.Is(err, results.ErrIncompatible) {
		err = fmt.Errorf("%w (were the parts run with different flags, such as --reps or --seed?)", err)
	}
	if err != nil {
		if !errors.Is(err, results.ErrMissing) || !*allowPartial {
			return usageError{err}
		}
		fmt.Fprintf(c.stderr, "backchannel: %v; merging anyway (--allow-partial)\n", err)
	}
	if err := c.report(&f, m.Study, m.Result, false); err != nil {
		return err
	}
	return nil
}

// sweepFiles reports whether to merge the files as sweep files: some are
// (schema backchannel.sweep-partial/v1) and none is a run file (schema
// backchannel.partial/v2). Files whose schema cannot be read or is unknown
// go to the loader of the others' kind, which reports them. Mixing the two
// kinds is an error.
func sweepFiles(files []string) (bool, error) {
	var run, sweep string
	for _, file := range files {
		schema, err := results.PartialFileSchema(file)
		switch {
		case err != nil && !errors.Is(err, results.ErrCorrupt):
			return false, usageError{err}
		case err != nil:
		case schema == results.SweepPartialSchema && sweep == "":
			sweep = file
		case schema == results.PartialSchema && run == "":
			run = file
		}
	}
	if run != "" && sweep != "" {
		return false, usagef("merge: cannot merge run and sweep partial files together: %s is a run file (%s), %s is a sweep file (%s)",
			run, results.PartialSchema, sweep, results.SweepPartialSchema)
	}
	return sweep != "", nil
}

// mergeSweep merges sweep partial files and writes what "sweep" writes:
// the table on stdout and, with --out, sweep.csv, scenario.yaml and the
// figures.
func (c *cli) mergeSweep(f *runFlags, files []string, allowPartial bool) error {
	if f.json {
		return usagef("merge --json: sweep files have no JSON summary (a sweep prints a table and writes sweep.csv); drop --json and use --out DIR for sweep.csv")
	}
	var parts []*results.SweepPart
	for _, file := range files {
		p, err := results.LoadSweepFile(file)
		if err != nil {
			return usageError{err}
		}
		if p.ModelVersion != sim.ModelVersion {
			return usagef("%s: written by model version %s; this program is model version %s", file, p.ModelVersion, sim.ModelVersion)
		}
		parts = append(parts, p)
	}
	m, err := results.MergeSweepResults(parts...)
	if err != nil {
		if !errors.Is(err, results.ErrMissing) || !allowPartial {
			return usageError{err}
		}
		fmt.Fprintf(c.stderr, "backchannel: %v; merging anyway (--allow-partial)\n", err)
	}
	f.seed = m.Seed
	return c.sweepOutputs(f, m.Base, m.Design, m.Points, m.Spec.LHS == 0)
}
