package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// fuzzSeeds returns small valid files of today's schemas, so that the
// fuzzer starts past the schema check and reaches every decoding path:
//   - a whole run (PartialSchema, two arms with trajectories, horizon 6, 6
//     replications: bands, paired tables, repeated-impasse summaries);
//   - a shard of a run left by a checkpoint (one arm without trajectories,
//     horizon 4, shard 1 of 2 of [0,16), replications [8,12) of [8,16)
//     done: Partial, a gap in Covered, no paired tables);
//   - a sweep (SweepPartialSchema, two points of 3 replications);
//   - the same sweep with its points' results in partial schema v1, which
//     a sweep still reads (a point holds no repeated-impasse summary).
//
// refused holds files that must be refused with a clear error: the run
// relabelled as partial schema v1.
func fuzzSeeds(f testing.TB) (seeds, refused [][]byte) {
	f.Helper()
	s := partStudy(6)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 3, Replications: 6, BlockSize: 2})
	if err != nil {
		f.Fatal(err)
	}
	run := saveStudySeed(f, &StudyPart{Study: s, Result: res, Run: mc.RepRange{Lo: 0, Hi: 6}})

	// A checkpoint of shard 1 of 2 interrupted after 4 of its 8
	// replications, as RunStudyCheckpointed saves it on cancellation.
	sc := sim.DefaultScenario()
	sc.Horizon = 4
	one := &sim.Study{Arms: []sim.Arm{{Label: "reliance", Scenario: sc, Policy: sim.Reliance{P: 0.5}}}}
	ck, err := sim.RunStudy(context.Background(), one, mc.RunConfig{Seed: 5, Start: 8, Replications: 4, BlockSize: 2})
	if err != nil {
		f.Fatal(err)
	}
	ck.Replications, ck.Partial = 8, true
	ckpt := saveStudySeed(f, &StudyPart{Study: one, Result: ck, Run: mc.RepRange{Lo: 0, Hi: 16}, Shard: 1, Shards: 2})

	sc = sim.DefaultScenario()
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

	// The sweep with its points re-signed as partial schema v1.
	var sb sweepBody
	if err := json.Unmarshal(envelopeBody(f, sweep.Bytes()), &sb); err != nil {
		f.Fatal(err)
	}
	for i := range sb.Points {
		var inner bytes.Buffer
		if err := writeEnvelope(&inner, partialSchemaV1, envelopeBody(f, sb.Points[i].Result)); err != nil {
			f.Fatal(err)
		}
		sb.Points[i].Result = inner.Bytes()
	}
	raw, err := json.Marshal(sb)
	if err != nil {
		f.Fatal(err)
	}
	var sweepV1 bytes.Buffer
	if err := writeEnvelope(&sweepV1, SweepPartialSchema, raw); err != nil {
		f.Fatal(err)
	}

	var runV1 bytes.Buffer
	if err := writeEnvelope(&runV1, partialSchemaV1, envelopeBody(f, run)); err != nil {
		f.Fatal(err)
	}
	return [][]byte{run, ckpt, sweep.Bytes(), sweepV1.Bytes()}, [][]byte{runV1.Bytes()}
}

// saveStudySeed returns p saved as a partial-result file.
func saveStudySeed(f testing.TB, p *StudyPart) []byte {
	f.Helper()
	var buf bytes.Buffer
	if err := SaveStudyResult(&buf, p); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// envelopeBody returns the body of the file data.
func envelopeBody(f testing.TB, data []byte) []byte {
	f.Helper()
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		f.Fatal(err)
	}
	return env.Body
}

// TestFuzzSeeds checks that the seeds of FuzzLoadPartial are what they
// claim to be: the valid ones load (as a run or as a sweep), so that the
// fuzzer starts from today's schemas, and the refused ones are refused.
func TestFuzzSeeds(t *testing.T) {
	t.Parallel()
	seeds, refused := fuzzSeeds(t)
	for i, s := range seeds {
		_, errRun := LoadStudyResult(bytes.NewReader(s))
		_, errSweep := LoadSweepResult(bytes.NewReader(s))
		if (errRun == nil) == (errSweep == nil) {
			t.Errorf("seed %d: loads as a run: %v, as a sweep: %v; want exactly one", i, errRun, errSweep)
		}
	}
	for i, s := range refused {
		if _, err := LoadStudyResult(bytes.NewReader(s)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), partialSchemaV1) {
			t.Errorf("refused seed %d: got %v, want ErrCorrupt naming %s", i, err, partialSchemaV1)
		}
	}
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
	seeds, refused := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s)
		f.Add(envelopeBody(f, s))
	}
	for _, s := range refused {
		f.Add(s)
	}
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
