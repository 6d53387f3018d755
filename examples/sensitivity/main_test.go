package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
)

// TestSmoke runs the study in-process on a small design with a short
// horizon and checks that every table and figure is written.
func TestSmoke(t *testing.T) {
	smoke.Formats(t)
	dir, _ := smoke.Run(t, run, []string{"--points", "13", "--reps", "4", "--horizon", "52", "--boot", "10", "--seed", "7", "--workers", "2"},
		[]string{"13 points × 4 replications", "SRC [95% CI]", "policy.reliance", "R² linear"}...)
	smoke.Files(t, dir,
		[]string{"table.txt", "points.csv", "sweep.csv", "coefficients.csv", "sensitivity.json"},
		[]string{"sensitivity", "scatter"})
	b, err := os.ReadFile(filepath.Join(dir, "points.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(b), "\n"); rows != 14 {
		t.Errorf("points.csv has %d lines, want a header and 13 points", rows)
	}
}

// TestFlags rejects bad arguments without running anything.
func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"--reps", "0"}, {"--points", "5"}, {"--boot", "1"}, {"--horizon", "-1"}, {"extra"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}

// TestSRCRecoversLinearModel checks the regression on a known linear model
// without noise: SRC_i = b_i·s_i/s_y, R² = 1, and PRCC near ±1 (ranks are not linear).
func TestSRCRecoversLinearModel(t *testing.T) {
	n := 40
	x := make([][]float64, n)
	y := make([]float64, n)
	for r := range n {
		a, b := float64(r)/float64(n), math.Mod(float64(r)*0.618, 1)
		x[r] = []float64{a, b}
		y[r] = 3*a - b
	}
	f, err := sensitivity([]string{"a", "b"}, x, y, [2]uint64{1, 2}, 50, -1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.R2-1) > 1e-9 {
		t.Errorf("R² = %v, want 1", f.R2)
	}
	sa, sb, sy := sd(x, 0), sd(x, 1), sd1(y)
	for i, want := range []float64{3 * sa / sy, -sb / sy} {
		if got := f.Coefs[i].SRC; math.Abs(got-want) > 1e-9 {
			t.Errorf("SRC[%d] = %v, want %v", i, got, want)
		}
	}
	if f.Coefs[0].PRCC < 0.9 || f.Coefs[1].PRCC > -0.9 {
		t.Errorf("PRCC = %v, %v, want near ±1", f.Coefs[0].PRCC, f.Coefs[1].PRCC)
	}
}

func sd(x [][]float64, c int) float64 {
	v := make([]float64, len(x))
	for r := range x {
		v[r] = x[r][c]
	}
	return sd1(v)
}

func sd1(v []float64) float64 {
	var m, s float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)-1))
}
