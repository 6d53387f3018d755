package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
)

// TestSmoke runs the study with -quick (a 68-point Sobol design and a
// 48-point Latin hypercube, 2 replications each) and checks that every
// table and figure is written.
func TestSmoke(t *testing.T) {
	smoke.Formats(t)
	dir, _ := smoke.Run(t, run, []string{"--quick", "--seed", "7", "--workers", "2"},
		"Sobol indices (", "points = 4 base samples ×", "parties.negotiator.initial_trust", "PRIM back_channel_helps", "PRIM back_channels_trap", "Directions on the Latin hypercube")
	smoke.Files(t, filepath.Join(dir, "sobol"),
		[]string{"points.json", "design.csv", "outputs.csv", "sobol.csv", "sobol_noise.csv"}, []string{"sobol_p_breakthrough"})
	smoke.Files(t, filepath.Join(dir, "prim"),
		[]string{"points.json", "design.csv", "outputs.csv", "prim_boxes.csv", "prim_limits.csv", "prim_trajectory.csv", "halves.csv"}, nil)
	b, err := os.ReadFile(filepath.Join(dir, "sobol", "sobol.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var spec designSpec
	if err := yaml.Unmarshal(designYAML, &spec); err != nil {
		t.Fatal(err)
	}
	// 4 outputs (some may be skipped as constant) × k parameters × 2 indices + a header.
	k := len(spec.Params)
	if rows := strings.Count(string(b), "\n"); rows > 1+4*k*2 || (rows-1)%(2*k) != 0 {
		t.Errorf("sobol.csv has %d lines, want a header and %d per analysed output", rows, 2*k)
	}
}

// TestFlags rejects bad arguments without running anything.
func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"--reps", "0"}, {"--n", "1"}, {"--lhs", "5"}, {"--resamples", "2"}, {"--prim-reps", "0"}, {"extra"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
