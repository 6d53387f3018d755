package results

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// fuzzSeeds returns small valid partial files: a run part (two arms with
// trajectories, horizon 6) and a sweep part (two points).
func fuzzSeeds(f testing.TB) [][]byte {
	f.Helper()
	s := partStudy(6)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 3, Replications: 6, BlockSize: 2})
	if err != nil {
		f.Fatal(err)
	}
	var run bytes.Buffer
	if err := SaveStudyResult(&run, &StudyPart{Study: s, Result: res, Run: mc.RepRange{Lo: 0, Hi: 6}}); err != nil {
		f.Fatal(err)
	}
	sc := sim.DefaultScenario()
	sc.Horizon = 6
	spec := SweepSpec{Params: []SweepParamSpec{{"talks.open_rate", 0.1, 0.2}}, Levels: []int{2}}
	d, err := spec.Design(4)
	if err != nil {
		f.Fatal(err)
	}
	base := sim.Arm{Scenario: sc}
	pts, err := sim.RunSweep(context.Background(), mc.RunConfig{Seed: 4, Replications: 3, BlockSize: 2}, d, base, 0, 2)
	if err != nil {
		f.Fatal(err)
	}
	var sweep bytes.Buffer
	part := &SweepPart{Base: base, Spec: spec, Design: d, Seed: 4, Replications: 3, BlockSize: 2, Lo: 0, Hi: 2, Points: pts, ModelVersion: sim.ModelVersion}
	if err := SaveSweepResult(&sweep, part); err != nil {
		f.Fatal(err)
	}
	return [][]byte{run.Bytes(), sweep.Bytes()}
}

// FuzzLoadPartial checks the loaders "backchannel merge" uses: any input
// is a part or an error wrapping ErrCorrupt, never a panic; an accepted
// part saves to the same bytes it loads from after one round trip, merges
// with itself as an overlap error, and reports without panicking. The
// input is tried as a whole file and, so that mutations get past the
// checksum, as the body of a run file and of a sweep file with the right
// checksum (the checksum guards against corruption, not forgery: the
// loaders' own checks must hold). The seed corpus in
// testdata/fuzz/FuzzLoadPartial runs with the normal tests.
func FuzzLoadPartial(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
		var env envelope
		if err := json.Unmarshal(s, &env); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(env.Body))
	}
	f.Add([]byte(`{"schema":"backchannel.partial/v1","sha256":"","body":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPartialInput(t, data)
		for _, schema := range []string{PartialSchema, SweepPartialSchema} {
			var file bytes.Buffer
			if err := writeEnvelope(&file, schema, data); err != nil {
				t.Fatal(err)
			}
			checkPartialInput(t, file.Bytes())
		}
	})
}

// checkPartialInput is the body of FuzzLoadPartial.
func checkPartialInput(t *testing.T, data []byte) {
	{
		if p, err := LoadStudyResult(bytes.NewReader(data)); err == nil {
			var out bytes.Buffer
			if err := SaveStudyResult(&out, p); err != nil {
				t.Fatalf("accepted part does not save: %v", err)
			}
			q, err := LoadStudyResult(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("saved part does not load: %v", err)
			}
			var again bytes.Buffer
			if err := SaveStudyResult(&again, q); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
				t.Fatalf("save/load is not a fixed point (%v)", err)
			}
			if p.Result.Replications > 0 {
				if _, err := MergeStudyResults(p, q); err == nil {
					t.Fatal("a part merged with itself: no overlap error")
				}
			}
			if m, err := MergeStudyResults(p); m != nil {
				_, _ = sim.NewReport(m.Study, m.Result, 0.95)
			} else if err == nil {
				t.Fatal("MergeStudyResults returned neither a part nor an error")
			}
		} else if p != nil {
			t.Fatalf("LoadStudyResult returned a part and an error: %v", err)
		}
		if p, err := LoadSweepResult(bytes.NewReader(data)); err == nil {
			var out bytes.Buffer
			if err := SaveSweepResult(&out, p); err != nil {
				t.Fatalf("accepted sweep part does not save: %v", err)
			}
			if _, err := LoadSweepResult(bytes.NewReader(out.Bytes())); err != nil {
				t.Fatalf("saved sweep part does not load: %v", err)
			}
			if _, err := MergeSweepResults(p); err != nil && p.Hi-p.Lo == len(p.Design.Points) {
				t.Fatalf("a whole sweep does not merge alone: %v", err)
			}
		}
	}
}
