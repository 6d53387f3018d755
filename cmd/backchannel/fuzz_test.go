package main

import (
	"bytes"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

// FuzzParseScenario checks that any input yields a valid scenario or an
// error, never a panic, and that an accepted scenario survives
// both YAML renderings (plain and commented) unchanged. The seed corpus in
// testdata/fuzz/FuzzParseScenario runs as part of the normal tests. A hang
// is caught by the test timeout (and, when fuzzing, by the fuzzer's own
// hang detection), not by timing each call. The added seeds are the
// default scenario in both renderings, every field of the current model.
func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("horizon: 52\n"))
	// Every field of model 2.0.0, plain and commented, so that mutations
	// start from today's field names rather than only from unknown ones.
	full, err := sim.DefaultScenario().MarshalYAMLText()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	commented, err := commentedYAML(sim.DefaultScenario())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(commented)
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := sim.ParseScenario(data)
		if err != nil {
			if sc != nil {
				t.Fatalf("ParseScenario returned a scenario and an error: %v", err)
			}
			return
		}
		if sc == nil {
			t.Fatal("ParseScenario returned neither a scenario nor an error")
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("accepted scenario does not validate: %v", err)
		}
		y, err := sc.MarshalYAMLText()
		if err != nil {
			t.Fatalf("MarshalYAMLText: %v", err)
		}
		back, err := sim.ParseScenario(y)
		if err != nil {
			t.Fatalf("ParseScenario rejects its own YAML: %v\n%s", err, y)
		}
		// The YAML text is a fixed point (a null list and an empty one
		// both mean "none", so compare texts rather than Go values).
		y2, err := back.MarshalYAMLText()
		if err != nil || !bytes.Equal(y2, y) {
			t.Fatalf("YAML round trip changed the scenario (%v):\n%s\n---\n%s", err, y, y2)
		}
		cy, err := commentedYAML(sc)
		if err != nil {
			t.Fatalf("commentedYAML: %v", err)
		}
		back, err = sim.ParseScenario(cy)
		if err != nil {
			t.Fatalf("ParseScenario rejects the commented YAML: %v", err)
		}
		if y3, _ := back.MarshalYAMLText(); !bytes.Equal(y3, y) {
			t.Fatalf("commented YAML round trip changed the scenario:\n%s", cy)
		}
	})
}
