package main

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/internal/facts"
	"github.com/backchannel-sim/backchannel/sim"
)

// A tiny run writes both tables with a row per fact and per knockout.
func TestSmoke(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, config{scenarios: 2, reps: 3, seed: 1, margin: 2, spread: 0.3, workers: 2}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Latin hypercube scenarios", "| 8 a secure mediator", "## Knockouts", "| trust asymmetry"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if err := run(&buf, config{scenarios: 0, reps: 12, margin: 2, spread: 0.3}); err == nil {
		t.Error("0 scenarios accepted")
	}
}

// Every sampled scenario is valid, lies within the box around the defaults
// (before clamping to valid ranges) and differs from the defaults; the same
// seed gives the same design.
func TestSampleBox(t *testing.T) {
	t.Parallel()
	def := sim.DefaultScenario()
	dims := dimensions(def)
	if len(dims) < 60 {
		t.Fatalf("only %d sampled parameters", len(dims))
	}
	c := config{scenarios: 16, seed: 3, spread: 0.3}
	a, err := sample(dims, c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sample(dims, c)
	for k, sc := range a {
		if err := sc.Validate(); err != nil {
			t.Fatalf("scenario %d invalid: %v", k, err)
		}
		for _, d := range dims {
			v, v0 := d.get(sc)[0], d.get(def)[0]
			x, x0 := num(v), num(v0)
			if x > x0*1.3+1e-9+roundSlack(v) || x < x0*0.7-1e-9-roundSlack(v) {
				t.Errorf("scenario %d %s = %g outside ±30%% of %g", k, d.path, x, x0)
			}
		}
		if num(dims[0].get(sc)[0]) != num(dims[0].get(b[k])[0]) {
			t.Errorf("scenario %d differs between runs with the same seed", k)
		}
	}
	// Latin hypercube: each of the 16 strata of the first dimension's
	// interval (cut to its valid range) is hit once.
	lo, hi := factorRanges(dims, 0.3)
	seen := map[int]bool{}
	for _, sc := range a {
		x, x0 := num(dims[0].get(sc)[0]), num(dims[0].get(def)[0])
		u := (x/x0 - lo[0]) / (hi[0] - lo[0])
		seen[min(15, int(u*16))] = true
	}
	if len(seen) < 15 { // a joint constraint may move a point at a range edge
		t.Errorf("first dimension (%s) hits %d of 16 strata", dims[0].path, len(seen))
	}
}

func num(v reflect.Value) float64 {
	if v.Kind() == reflect.Int {
		return float64(v.Int())
	}
	return v.Float()
}

// roundSlack allows for rounding an integer field to the nearest integer.
func roundSlack(v reflect.Value) float64 {
	if v.Kind() == reflect.Int {
		return 0.5
	}
	return 0
}

// A parameter whose ±30% interval crosses its valid range (posturing: default
// 1.75, at most 2) is sampled uniformly inside the cut interval, one point
// per stratum, instead of piling the strata beyond the bound onto the bound.
func TestSampleCutRange(t *testing.T) {
	t.Parallel()
	def := sim.DefaultScenario()
	dims := dimensions(def)
	d := -1
	for i, dim := range dims {
		if dim.path == "parties[*].negotiator.posturing" {
			d = i
		}
	}
	if d < 0 {
		t.Fatal("posturing is not sampled")
	}
	const n = 32
	scs, err := sample(dims, config{scenarios: n, seed: 5, spread: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.7*1.75, 2.0 // the ±30% box cut to posturing's range [0, 2]
	strata := map[int]bool{}
	for k, sc := range scs {
		x := sc.Parties[0].Negotiator.Posturing
		if x < lo-1e-9 || x > hi+1e-9 {
			t.Fatalf("scenario %d: posturing %g outside [%g, %g]", k, x, lo, hi)
		}
		strata[min(n-1, int((x-lo)/(hi-lo)*n))] = true
	}
	if len(strata) != n {
		t.Errorf("posturing hits %d of %d strata of [%g, %g], want all", len(strata), n, lo, hi)
	}
}

// --facts selects facts by number and refuses anything else; --detail writes
// one row per scenario and check with every parameter's factor.
func TestFactsAndDetail(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"0", "9", "x", "3,"} {
		if _, err := parseFacts(bad); err == nil {
			t.Errorf("parseFacts(%q) accepted", bad)
		}
	}
	got, err := parseFacts("3, 5")
	if err != nil || !reflect.DeepEqual(got, []int{3, 5}) {
		t.Fatalf("parseFacts(\"3, 5\") = %v, %v; want [3 5]", got, err)
	}
	path := t.TempDir() + "/detail.csv"
	var buf bytes.Buffer
	if err := run(&buf, config{scenarios: 2, reps: 3, seed: 1, margin: 2, spread: 0.3, workers: 2, facts: []int{3}, detail: path}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "| 1 back channel") || !strings.Contains(buf.String(), "| 3 P(breakthrough)") {
		t.Errorf("want fact 3 alone in the facts table:\n%s", buf.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// Header plus 2 scenarios × fact 3's three checks.
	if len(lines) != 1+2*3 {
		t.Fatalf("detail has %d lines, want 7:\n%s", len(lines), b)
	}
	ncol := len(strings.Split(lines[0], ","))
	if want := 6 + len(dimensions(sim.DefaultScenario())); ncol != want {
		t.Errorf("header has %d columns, want %d", ncol, want)
	}
}

// Mid-ranks by hand: ties share the mean of their ranks.
func TestRanks(t *testing.T) {
	t.Parallel()
	got := ranks([]float64{3, 1, 3, 2, 5})
	want := []float64{3.5, 1, 3.5, 2, 5}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ranks = %v, want %v", got, want)
	}
}

// A check whose z rises with posturing alone (failing where posturing is
// low) is traced to posturing with ρ = +1, no failure in the top quarter
// and every scenario of the bottom quarter failing.
func TestDiscover(t *testing.T) {
	t.Parallel()
	dims := dimensions(sim.DefaultScenario())
	const n = 40
	scs, err := sample(dims, config{scenarios: n, seed: 9, spread: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]facts.Result, n)
	for k, sc := range scs {
		f := sc.Parties[0].Negotiator.Posturing / 1.75
		res[k] = []facts.Result{{Fact: 3, Name: "synthetic", Checks: []facts.Check{
			{Name: "rises with posturing", Estimate: 20 * (f - 0.85), SE: 1, N: 100},
		}}}
	}
	var buf bytes.Buffer
	if err := discover(&buf, dims, scs, res, 2); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	want := "| 3 | rises with posturing | "
	i := strings.Index(out, want)
	if i < 0 {
		t.Fatalf("no row for the check:\n%s", out)
	}
	row := out[i:]
	row = row[:strings.Index(row, "\n")]
	for _, s := range []string{"`parties[*].negotiator.posturing`", "+1.00", "10/10 [", "0/10 ["} {
		if !strings.Contains(row, s) {
			t.Errorf("first row lacks %q: %s", s, row)
		}
	}
}

// --require turns a short share into an error after every table is written
// (3 replications per arm cannot make fact 3 hold at 2 SE), and refuses a
// share outside [0, 1].
func TestRequire(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := run(&buf, config{scenarios: 2, reps: 3, seed: 1, margin: 2, spread: 0.3, workers: 2, facts: []int{3}, require: 1})
	if err == nil || !strings.Contains(err.Error(), "fact 3 holds in") {
		t.Fatalf("err = %v, want fact 3 below --require", err)
	}
	if !strings.Contains(buf.String(), "## Knockouts") {
		t.Errorf("tables not all written before the error:\n%s", buf.String())
	}
	if err := run(&buf, config{scenarios: 2, reps: 3, margin: 2, spread: 0.3, require: 1.5}); err == nil {
		t.Error("--require 1.5 accepted")
	}
}
