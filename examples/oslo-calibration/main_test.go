package main

import (
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
)

// TestSmoke runs the whole study at a tiny size (20 particles, 2
// generations, 4 posterior draws) and checks that the tables and files are
// written (SVG only under -race; smoke.Formats changes a global, so the
// tests of this package do not run in parallel).
func TestSmoke(t *testing.T) {
	smoke.Formats(t)
	dir, _ := smoke.Run(t, run, []string{"--particles", "20", "--generations", "2", "--draws", "4", "--reps", "10", "--ref-reps", "40", "--workers", "2"},
		"parties.negotiator.concession_rate", "weeks_to_accord", "front-only", "hand-set")
	smoke.Files(t, dir, []string{"calibration.json"}, []string{"pairs", "predictive"})
}

// TestWorkers checks that the study's numbers do not depend on the number
// of workers.
func TestWorkers(t *testing.T) {
	args := []string{"--particles", "12", "--generations", "2", "--draws", "3", "--reps", "5", "--ref-reps", "10", "--no-figures"}
	_, a := smoke.Run(t, run, append(args, "--workers", "1"))
	_, b := smoke.Run(t, run, append(args, "--workers", "3"))
	if a != b {
		t.Errorf("tables differ between 1 and 3 workers:\n%s\n---\n%s", a, b)
	}
}
