package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
	"github.com/backchannel-sim/backchannel/sim"
)

// readCSV reads a CSV file of dir and checks that every row has the
// header's number of fields (encoding/csv does).
func readCSV(t *testing.T, dir, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows
}

// TestSmoke runs the quick study in-process and checks that every file and
// figure is written and that the tables have one row per cell and level
// (map.csv) and per cell (cells.csv).
func TestSmoke(t *testing.T) {
	smoke.Formats(t)
	dir, _ := smoke.Run(t, run, []string{"--quick", "--reps", "12", "--seed", "7", "--workers", "2"},
		"front_min_trust", "B5 at P=0", "hump holds", "9 cells × 5 levels × 12 replications")
	smoke.Files(t, dir, []string{"map.csv", "cells.csv", "table.txt"},
		[]string{"best-level", "gain", "repeated-impasse", "cells"})
	cells := len(quickTrust) * len(quickPost)
	for _, c := range []struct {
		name string
		rows int
	}{{"map.csv", cells * len(levels)}, {"cells.csv", cells}} {
		rows := readCSV(t, dir, c.name)
		if got := len(rows) - 1; got != c.rows {
			t.Errorf("%s: %d data rows, want %d", c.name, got, c.rows)
		}
		if rows[1][2] != sim.ModelVersion || rows[1][0] != "7" || rows[1][1] != "secrecy-map-default" {
			t.Errorf("%s: seed, scenario, model = %q, want 7, secrecy-map-default, %s", c.name, rows[1][:3], sim.ModelVersion)
		}
	}
}

// TestDeterminism runs the quick study with one and with two workers: the
// CSV files must be identical byte for byte.
func TestDeterminism(t *testing.T) {
	smoke.Formats(t)
	var got [2]map[string][]byte
	for k, w := range []string{"1", "2"} {
		dir, _ := smoke.Run(t, run, []string{"--quick", "--reps", "10", "--seed", "11", "--workers", w})
		got[k] = map[string][]byte{}
		for _, name := range []string{"map.csv", "cells.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			got[k][name] = b
		}
	}
	for name, b := range got[0] {
		if !bytes.Equal(b, got[1][name]) {
			t.Errorf("%s differs between --workers 1 and 2", name)
		}
	}
}

// TestFlags rejects bad arguments without running anything.
func TestFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--reps", "0"}, {"--reps", "1"}, {"--workers", "-1"}, {"extra"}, {"--nosuch"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}

// TestAnalyseCell checks the estimators on hand-made outcomes of four
// replications whose shares, differences and standard errors are computed
// by hand from the 2 × 2 tables.
func TestAnalyseCell(t *testing.T) {
	t.Parallel()
	const horizon = 520
	bt := func(round int) sim.Outcome { return sim.Outcome{Kind: sim.Breakthrough, Round: round} }
	none := sim.Outcome{Kind: sim.Impasse, Round: horizon}
	twice := func(o sim.Outcome, r1, r2 int) sim.Outcome {
		o.Impasses = 2
		o.ImpasseRounds[0], o.ImpasseRounds[1] = r1, r2
		return o
	}
	var outs []sim.RepOutcome
	for i := range 4 {
		l1 := none // P = 0.25: a five-year breakthrough in replications 0 and 1
		if i < 2 {
			l1 = bt(100)
		}
		outs = append(outs, sim.RepOutcome{Arms: []sim.Outcome{
			none,                   // P = 0: nothing
			l1,                     //
			twice(bt(200), 50, 80), // P = 0.5: breakthrough within five years after two impasses
			twice(none, 100, 300),  // P = 0.75: the second impasse after five years
			bt(300),                // P = 1: breakthrough after five years
		}})
	}
	c, err := analyseCell(0.1, 1, 42, horizon, outs)
	if err != nil {
		t.Fatal(err)
	}
	// Shares within five years 0, 0.5, 1, 0, 0; by the horizon 0, 0.5, 1, 0, 1;
	// second impasse by the horizon 0, 0, 1, 1, 0, within five years 0, 0, 1, 0, 0.
	want := [nOutcomes][]float64{{0, 0.5, 1, 0, 0}, {0, 0.5, 1, 0, 1}, {0, 0, 1, 1, 0}, {0, 0, 1, 0, 0}}
	for k := range nOutcomes {
		for l, w := range want[k] {
			if got := float64(c.Levels[l].Est[k].P); math.Abs(got-w) > 1e-12 {
				t.Errorf("%s at P=%g: got %g, want %g", outcomeNames[k], levels[l], got, w)
			}
			// Against P = 0, which has no event of any kind: D = share.
			if got := c.Levels[l].VsZero[k].D; math.Abs(got-w) > 1e-12 {
				t.Errorf("%s at P=%g − P=0: got %g, want %g", outcomeNames[k], levels[l], got, w)
			}
		}
	}
	// P = 0.5 − P = 0.25 within five years: b = 2, c = 0, n = 4, so
	// D = 0.5 and SE = √(2 − 4/4)/4 = 0.25: D = 2 SE, clearly worse.
	if c.Best != 2 || c.PlausibleLo != 0.5 || c.PlausibleHi != 0.5 {
		t.Errorf("best %d, plausible [%g, %g]; want 2, [0.5, 0.5]", c.Best, c.PlausibleLo, c.PlausibleHi)
	}
	// Held out: on replications 0 and 2, P = 0.25 has 0.5 and P = 0.5 has
	// 1, so P = 0.5 is chosen and on 1 and 3 its gain is 1 with n = 2.
	if c.Gain.Level != 0.5 || c.Gain.D.D != 1 || c.Gain.D.N != 2 {
		t.Errorf("held-out gain: level %g, D %g, n %d; want 0.5, 1, 2", c.Gain.Level, c.Gain.D.D, c.Gain.D.N)
	}
	if c.Fixed.D.D != 1 || c.Fixed.D.N != 4 || c.Naive.Level != 0.5 {
		t.Errorf("fixed gain %g (n %d), naive level %g; want 1 (4), 0.5", c.Fixed.D.D, c.Fixed.D.N, c.Naive.Level)
	}
	if !c.Hump || c.HumpLevel != 0.5 || !c.HumpHeldOut || c.HumpHeldOutLevel != 0.5 {
		t.Errorf("hump %v at %g, held out %v at %g; want true at 0.5 both", c.Hump, c.HumpLevel, c.HumpHeldOut, c.HumpHeldOutLevel)
	}
}

// TestCellSeed checks that a cell's seed depends on its values and the
// master seed only, and differs between neighbouring cells.
func TestCellSeed(t *testing.T) {
	t.Parallel()
	a := cellSeed(2026, 0.35, 1.75)
	if b := cellSeed(2026, fullTrust[7], fullPosturing[7]); a != b {
		t.Errorf("cell (0.35, 1.75) of the full grid: seed %d, want %d", b, a)
	}
	for _, o := range []uint64{cellSeed(2026, 0.3, 1.75), cellSeed(2026, 0.35, 1.5), cellSeed(2027, 0.35, 1.75)} {
		if o == a {
			t.Errorf("distinct cells or seeds share seed %d", a)
		}
	}
}
