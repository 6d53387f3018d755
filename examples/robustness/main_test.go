package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

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
	// Latin hypercube: each of the 16 strata of the first dimension is hit once.
	seen := map[int]bool{}
	for _, sc := range a {
		x, x0 := num(dims[0].get(sc)[0]), num(dims[0].get(def)[0])
		u := ((x/x0-1)/0.3 + 1) / 2
		seen[int(u*16)] = true
	}
	if len(seen) < 15 { // clamping may move a point at a range edge
		t.Errorf("first dimension hits %d of 16 strata", len(seen))
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
