package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// smallStudy is a fast two-arm study with trajectories.
func partStudy(horizon int) *sim.Study {
	sc := sim.DefaultScenario()
	sc.Horizon = horizon
	return sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.Reliance{P: 0.5}})
}

func partReport(t *testing.T, s *sim.Study, res *sim.StudyResult) []byte {
	t.Helper()
	rep, err := sim.NewReport(s, res, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func saveLoad(t *testing.T, p *StudyPart) *StudyPart {
	t.Helper()
	var buf bytes.Buffer
	if err := SaveStudyResult(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := LoadStudyResult(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := SaveStudyResult(&again, q); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("saving a loaded part gives different bytes")
	}
	return q
}

func TestShardRangesCoverOnce(t *testing.T) {
	t.Parallel()
	for _, total := range []int{0, 1, 2, 7, 100, 1001, 2000} {
		for n := 1; n <= 25; n++ {
			next := uint64(0)
			for i := range n {
				start, count := mc.ShardRange(i, n, total)
				if start != next || count < 0 {
					t.Fatalf("total %d, %d shards: shard %d starts at %d (count %d), want %d", total, n, i, start, count, next)
				}
				next += uint64(count)
			}
			if next != uint64(total) {
				t.Fatalf("total %d, %d shards: cover [0,%d)", total, n, next)
			}
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	s := partStudy(30)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 4, Start: 10, Replications: 50, BlockSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	p := &StudyPart{Study: s, Result: res, Run: mc.RepRange{Lo: 0, Hi: 100}, Shard: 1, Shards: 3}
	q := saveLoad(t, p)
	if !q.Result.Summary.Equal(res.Summary) {
		t.Error("summary differs after save and load")
	}
	if q.Run != p.Run || q.Shard != 1 || q.Shards != 3 || q.ModelVersion != sim.ModelVersion ||
		q.Result.Start != 10 || q.Result.Replications != 50 || q.Result.Done != 50 || q.Result.BlockSize != 8 || q.Result.Seed != 4 {
		t.Errorf("metadata differs: %+v %+v", q, q.Result)
	}
	if !bytes.Equal(partReport(t, q.Study, q.Result), partReport(t, s, res)) {
		t.Error("report differs after save and load")
	}
	h1, _ := StudyHash(s)
	h2, _ := StudyHash(q.Study)
	if h1 != h2 {
		t.Error("study hash differs")
	}
}

// shards runs the study's [0, total) as n shards and returns them saved
// and loaded.
func shards(t *testing.T, s *sim.Study, seed uint64, total, n, block int) []*StudyPart {
	t.Helper()
	var parts []*StudyPart
	for i := range n {
		start, count := mc.ShardRange(i, n, total)
		res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: seed, Start: start, Replications: count, BlockSize: block, Workers: 1 + i%2})
		if err != nil {
			t.Fatal(err)
		}
		p := saveLoad(t, &StudyPart{Study: s, Result: res, Run: mc.RepRange{Lo: 0, Hi: uint64(total)}, Shard: i, Shards: n})
		p.Source = fmt.Sprintf("shard-%d", i)
		parts = append(parts, p)
	}
	return parts
}

func TestMergeShardsInAnyOrderEqualsWholeRun(t *testing.T) {
	t.Parallel()
	s := partStudy(40)
	whole, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 9, Replications: 90, BlockSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := partReport(t, s, whole)
	parts := shards(t, s, 9, 90, 3, 8)
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}} {
		in := []*StudyPart{parts[order[0]], parts[order[1]], parts[order[2]]}
		m, err := MergeStudyResults(in...)
		if err != nil {
			t.Fatalf("order %v: %v", order, err)
		}
		if !m.Result.Summary.Equal(whole.Summary) || m.Result.Done != 90 || m.Result.Partial ||
			len(m.Result.Covered) != 1 || m.Result.Covered[0] != (mc.RepRange{Lo: 0, Hi: 90}) {
			t.Errorf("order %v: merged result differs from the whole run", order)
		}
		if got := partReport(t, m.Study, m.Result); !bytes.Equal(got, want) {
			t.Errorf("order %v: report differs from the whole run's", order)
		}
	}
}

func TestMergeRefusals(t *testing.T) {
	t.Parallel()
	s := partStudy(30)
	parts := shards(t, s, 5, 60, 3, 8)
	other := func(mut func(*sim.Study), seed uint64, total, block int) *StudyPart {
		s2 := partStudy(30)
		if mut != nil {
			mut(s2)
		}
		return shards(t, s2, seed, total, 3, block)[1]
	}
	version := *parts[1]
	version.ModelVersion = "0.9.0"
	for _, c := range []struct {
		name  string
		parts []*StudyPart
		is    error
		want  string
	}{
		{"model version", []*StudyPart{parts[0], &version, parts[2]}, ErrIncompatible, "model versions differ: " + sim.ModelVersion + " in shard-0, 0.9.0 in shard-1"},
		{"seed", []*StudyPart{parts[0], other(nil, 6, 60, 8), parts[2]}, ErrIncompatible, "seeds differ: 5 in shard-0, 6 in shard-1"},
		{"block size", []*StudyPart{parts[0], other(nil, 5, 60, 4), parts[2]}, ErrIncompatible, "block sizes differ: 8 in shard-0, 4 in shard-1"},
		{"run", []*StudyPart{parts[0], other(nil, 5, 61, 8), parts[2]}, ErrIncompatible, "runs differ"},
		{"policy", []*StudyPart{parts[0], other(func(s *sim.Study) { s.Arms[1].Policy = sim.BackOnly{} }, 5, 60, 8), parts[2]}, ErrIncompatible, "policies differ: arm 1 is reliance=0.5 in shard-0, back-only in shard-1"},
		{"scenario", []*StudyPart{parts[0], other(func(s *sim.Study) {
			sc := s.Arms[1].Scenario.Clone()
			sc.Leaks.Insiders = 9
			s.Arms[1].Scenario = sc
		}, 5, 60, 8), parts[2]}, ErrIncompatible, "scenarios of arm 1 (reliance=0.5) differ"},
		{"trajectories", []*StudyPart{parts[0], other(func(s *sim.Study) { s.Trajectories = false }, 5, 60, 8), parts[2]}, ErrIncompatible, "trajectories"},
		{"overlap", []*StudyPart{parts[0], parts[1], parts[1], parts[2]}, ErrIncompatible, "ranges overlap: [20,40) in shard-1 and [20,40) in shard-1"},
		{"missing middle", []*StudyPart{parts[2], parts[0]}, ErrMissing, "20 of 60 replications of the run [0,60) are not covered: [20,40)"},
		{"missing ends", []*StudyPart{parts[1]}, ErrMissing, "[0,20) [40,60)"},
	} {
		m, err := MergeStudyResults(c.parts...)
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %v containing %q", c.name, err, c.is, c.want)
		}
		if c.is == ErrMissing && (m == nil || !m.Result.Partial) {
			t.Errorf("%s: no partial result", c.name)
		}
	}
}

// TestLoadRefusesPartialV1: a file of the previous schema (before the
// repeated-impasse accumulators) is refused with a message that names both
// versions and says what to do.
func TestLoadRefusesPartialV1(t *testing.T) {
	t.Parallel()
	s := partStudy(10)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 2, Replications: 4})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := SaveStudyResult(&buf, &StudyPart{Study: s, Result: res}); err != nil {
		t.Fatal(err)
	}
	old := bytes.Replace(buf.Bytes(), []byte(PartialSchema), []byte("backchannel.partial/v1"), 1)
	_, err = LoadStudyResult(bytes.NewReader(old))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v, want ErrCorrupt", err)
	}
	for _, want := range []string{"backchannel.partial/v1", PartialSchema, "repeated-impasse", "re-run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLoadRejectsCorruptFiles(t *testing.T) {
	t.Parallel()
	s := partStudy(20)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 2, Replications: 20, BlockSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := SaveStudyResult(&buf, &StudyPart{Study: s, Result: res}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	// resign replaces the body and recomputes its checksum, to test the
	// checks behind the checksum.
	resign := func(edit func(string) string) []byte { return resealed(t, good, PartialSchema, edit) }

	cases := map[string][]byte{
		"empty":          nil,
		"flipped byte":   bytes.Replace(good, []byte(`"done":20`), []byte(`"done":21`), 1),
		"wrong schema":   bytes.Replace(good, []byte(PartialSchema), []byte("backchannel.partial/v0"), 1),
		"trailing junk":  append(append([]byte(nil), good...), "{}"...),
		"unknown field":  resign(func(b string) string { return strings.Replace(b, `"seed":`, `"sede":1,"seed":`, 1) }),
		"kinds mismatch": resign(func(b string) string { return strings.Replace(b, `"kinds":[`, `"kinds":[1`, 1) }),
		"done mismatch":  resign(func(b string) string { return strings.Replace(b, `"done":20`, `"done":19`, 1) }),
		"bad scenario":   resign(func(b string) string { return strings.Replace(b, `"horizon":20`, `"horizon":0`, 1) }),
		"hash mismatch":  resign(func(b string) string { return strings.Replace(b, `"study_hash":"`, `"study_hash":"0`, 1) }),
		"bad policy":     resign(func(b string) string { return strings.Replace(b, `"policy":"front-only"`, `"policy":"sideways"`, 1) }),
		"huge impasse horizon": resign(func(b string) string {
			return strings.Replace(b, `"max_k":3,"causes":2,"horizon":20`, `"max_k":3,"causes":2,"horizon":1099511627776`, 1)
		}),
		"impasse of another horizon": resign(func(b string) string {
			return strings.Replace(b, `"states":{"horizon":20`, `"states":{"horizon":0`, 1)
		}),
		"no impasse in any arm": resign(func(b string) string {
			var body map[string]any
			if err := json.Unmarshal([]byte(b), &body); err != nil {
				t.Fatal(err)
			}
			for _, arm := range body["summary"].([]any) {
				delete(arm.(map[string]any), "impasse")
			}
			out, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}),
		"impasse in one arm only": resign(func(b string) string {
			var body map[string]any
			if err := json.Unmarshal([]byte(b), &body); err != nil {
				t.Fatal(err)
			}
			arm1 := body["summary"].([]any)[1].(map[string]any)
			if _, ok := arm1["impasse"]; !ok {
				t.Fatal("no impasse accumulators in arm 1")
			}
			delete(arm1, "impasse")
			out, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}),
	}
	for n := 0; n < len(good); n += 1 + len(good)/37 {
		cases[fmt.Sprintf("truncated at %d", n)] = good[:n]
	}
	for name, data := range cases {
		_, err := LoadStudyResult(bytes.NewReader(data))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v, want ErrCorrupt", name, err)
		}
	}
	if _, err := LoadStudyResult(bytes.NewReader(good)); err != nil {
		t.Errorf("good file: %v", err)
	}
}

func TestCheckpointResumeEqualsUninterrupted(t *testing.T) {
	t.Parallel()
	s := partStudy(40)
	cfg := mc.RunConfig{Seed: 12, Replications: 200, BlockSize: 8, Workers: 2}
	whole, err := sim.RunStudy(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.ckpt")
	cp := Checkpoint{Path: path, EveryBlocks: 1}

	// First attempt: cancelled after some blocks; the file holds them.
	ctx, cancel := context.WithCancel(context.Background())
	c1 := cfg
	c1.Progress = func(done, _ int) {
		if done >= 50 {
			cancel()
		}
	}
	part, resumed, err := RunStudyCheckpointed(ctx, s, c1, cp)
	if !errors.Is(err, context.Canceled) || part == nil || resumed != 0 {
		t.Fatalf("cancelled run: %v, resumed %d", err, resumed)
	}
	saved, err := LoadStudyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Result.Partial || saved.Result.Done < 50 || saved.Result.Done >= 200 {
		t.Fatalf("checkpoint holds %d replications, partial %v", saved.Result.Done, saved.Result.Partial)
	}

	// A different run must not use it.
	other := cfg
	other.Seed = 13
	if _, _, err := RunStudyCheckpointed(context.Background(), s, other, cp); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "seed 12, this run 13") {
		t.Errorf("other seed: %v", err)
	}
	if _, _, err := RunStudyCheckpointed(context.Background(), partStudy(41), cfg, cp); !errors.Is(err, ErrIncompatible) {
		t.Errorf("other study: %v", err)
	}

	// Resume: the result equals the uninterrupted run.
	part, resumed, err = RunStudyCheckpointed(context.Background(), s, cfg, cp)
	if err != nil {
		t.Fatal(err)
	}
	if resumed != saved.Result.Done {
		t.Errorf("resumed %d, checkpoint held %d", resumed, saved.Result.Done)
	}
	if !part.Result.Summary.Equal(whole.Summary) || part.Result.Partial || part.Result.Done != 200 {
		t.Error("resumed result differs from the uninterrupted run")
	}
	if !bytes.Equal(partReport(t, s, part.Result), partReport(t, s, whole)) {
		t.Error("resumed report differs from the uninterrupted run's")
	}
	final, err := LoadStudyFile(path)
	if err != nil || final.Result.Partial || !final.Result.Summary.Equal(whole.Summary) {
		t.Errorf("final checkpoint: %v", err)
	}

	// A truncated checkpoint is detected, never used.
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RunStudyCheckpointed(context.Background(), s, cfg, cp); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated checkpoint: %v", err)
	}
}

func TestAddRangeAndGaps(t *testing.T) {
	t.Parallel()
	var cs []mc.RepRange
	for _, r := range []mc.RepRange{{Lo: 10, Hi: 20}, {Lo: 30, Hi: 40}, {Lo: 0, Hi: 5}, {Lo: 20, Hi: 25}, {Lo: 5, Hi: 10}, {Lo: 25, Hi: 30}} {
		cs = addRange(cs, r)
	}
	if len(cs) != 1 || cs[0] != (mc.RepRange{Lo: 0, Hi: 40}) {
		t.Errorf("addRange: %v", cs)
	}
	got := mc.Gaps(mc.RepRange{Lo: 0, Hi: 100}, []mc.RepRange{{Lo: 10, Hi: 20}, {Lo: 30, Hi: 40}, {Lo: 90, Hi: 120}})
	want := []mc.RepRange{{Lo: 0, Hi: 10}, {Lo: 20, Hi: 30}, {Lo: 40, Hi: 90}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Gaps = %v, want %v", got, want)
	}
	if g := mc.Gaps(mc.RepRange{Lo: 5, Hi: 5}, nil); len(g) != 0 {
		t.Errorf("empty run has gaps %v", g)
	}
}

// TestCustomBehavioursAreNotSaved: a file can only describe the default
// rules, so saving (or hashing) an arm or a sweep base with custom hooks
// is an error rather than a file that silently describes a default arm.
func TestCustomBehavioursAreNotSaved(t *testing.T) {
	t.Parallel()
	s := partStudy(20)
	s.Arms[1].NewHooks = func() sim.Hooks { return sim.Hooks{} }
	if _, err := StudyHash(s); err == nil || !strings.Contains(err.Error(), "NewHooks") {
		t.Errorf("StudyHash of an arm with NewHooks: err = %v, want a refusal naming NewHooks", err)
	}
	base := s.Arms[1]
	d := &mc.Design[sim.Arm]{}
	if _, err := sweepDesignToWire(base, SweepSpec{}, d); err == nil || !strings.Contains(err.Error(), "NewHooks") {
		t.Errorf("sweep base with NewHooks: err = %v, want a refusal naming NewHooks", err)
	}
}
