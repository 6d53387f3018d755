package main

import (
	"errors"
	"fmt"

	"github.com/backchannel-sim/backchannel/sim"
)

const mergeUsage = `usage: backchannel merge [flags] FILE...

Combines partial-result files (backchannel.partial/v1) written by
"run --shard ... --save FILE" or "run --checkpoint FILE", in any order, into
the result of the whole run, and prints the table, or with --json the JSON
summary, byte-identical to that of "run" in one process with the same
scenario, policies, seed and replications. Refuses files from different
model versions, studies, seeds, block sizes or runs, overlapping files, and
(unless --allow-partial) files that leave replications uncovered, listing
the gaps. Writes summary.json, the scenario(s) and figures only with --out.
`

func (c *cli) mergeCmd(args []string) error {
	fs := c.newFlagSet("merge", mergeUsage)
	var f runFlags
	fs.BoolVar(&f.json, "json", false, "print the JSON summary on stdout instead of the table")
	fs.StringVar(&f.out, "out", "", "also write summary.json, the scenario(s) and figures to `DIR`")
	fs.BoolVar(&f.noFigures, "no-figures", false, "with --out, do not write figures")
	allowPartial := fs.Bool("allow-partial", false, "merge even if replications are missing; the result is marked \"partial\": true")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("merge: no files")
	}
	var parts []*sim.StudyPart
	for _, file := range pos {
		p, err := sim.LoadStudyFile(file)
		if err != nil {
			return usageError{err}
		}
		if p.ModelVersion != sim.ModelVersion {
			return usagef("%s: written by model version %s; this program is model version %s", file, p.ModelVersion, sim.ModelVersion)
		}
		parts = append(parts, p)
	}
	m, err := sim.MergeStudyResults(parts...)
	if err != nil {
		if !errors.Is(err, sim.ErrMissing) || !*allowPartial {
			return usageError{err}
		}
		fmt.Fprintf(c.stderr, "backchannel: %v; merging anyway (--allow-partial)\n", err)
	}
	if err := c.report(&f, m.Study, m.Result, false); err != nil {
		return err
	}
	return nil
}
