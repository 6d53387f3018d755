package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
)

var update = flag.Bool("update", false, "rewrite golden files")

// smallStudy is the default study on a shorter horizon, fast enough for
// the race detector.
func smallStudy() *Study {
	sc := DefaultScenario()
	sc.Horizon = 200
	sc.Parties[0].Constituents.Size, sc.Parties[1].Constituents.Size = 60, 60
	return PolicyStudy(sc, BuiltinPolicies())
}

func reportJSON(t *testing.T, s *Study, res *StudyResult) []byte {
	t.Helper()
	r, err := NewReport(s, res, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStudyWorkerInvariance(t *testing.T) {
	t.Parallel()
	s := smallStudy()
	var first *StudyResult
	var firstJSON []byte
	for _, w := range []int{1, 2, 7} {
		res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 11, Replications: 160, Workers: w, BlockSize: 16})
		if err != nil {
			t.Fatal(err)
		}
		j := reportJSON(t, s, res)
		if first == nil {
			first, firstJSON = res, j
			continue
		}
		if !first.Summary.Equal(res.Summary) || !reflect.DeepEqual(first.Summary, res.Summary) {
			t.Errorf("workers=%d: summary differs from workers=1", w)
		}
		if !bytes.Equal(j, firstJSON) {
			t.Errorf("workers=%d: report JSON differs from workers=1", w)
		}
	}
}

func TestStudyShardMergeEqualsWhole(t *testing.T) {
	t.Parallel()
	s := smallStudy()
	whole, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 5, Replications: 130, BlockSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	var merged *StudyResult
	for i := range 3 {
		start, n := mc.ShardRange(i, 3, 130)
		part, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 5, Start: start, Replications: n, BlockSize: 16})
		if err != nil {
			t.Fatal(err)
		}
		if merged == nil {
			merged = part
		} else if err := merged.Merge(part); err != nil {
			t.Fatal(err)
		}
	}
	if !whole.Summary.Equal(merged.Summary) {
		t.Error("merged shards differ from the whole run")
	}
	other, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 6, Replications: 130, BlockSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Summary.Equal(other.Summary) {
		t.Error("Equal does not tell apart runs with different seeds")
	}
	if !bytes.Equal(reportJSON(t, s, whole), reportJSON(t, s, merged)) {
		t.Error("merged report differs from the whole run's")
	}
}

// Arm k of replication i is exactly the arm's Replication.Run on the
// replication's generator: the arms share common random numbers.
func TestStudyArmsShareRandomNumbers(t *testing.T) {
	t.Parallel()
	s := smallStudy()
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 3, Replications: 40, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	for a, arm := range s.Arms {
		r := newRep(t, arm.Scenario, arm.Policy)
		for i, ro := range res.Outcomes {
			if got := r.Run(mc.ReplicationRand(3, uint64(i)), nil); got != ro.Arms[a] {
				t.Fatalf("arm %s rep %d: study outcome differs from a direct run", arm.Label, i)
			}
		}
	}
}

func TestStudyCancelReturnsPartial(t *testing.T) {
	t.Parallel()
	s := smallStudy()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := mc.RunConfig{Seed: 9, Replications: 2000, BlockSize: 16, Workers: 2,
		Progress: func(done, total int) {
			if done >= 48 {
				cancel()
			}
		}}
	res, err := RunStudy(ctx, s, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || !res.Partial || res.Done >= 2000 || res.Done < 48 {
		t.Fatalf("partial result: %+v", res)
	}
	covered := 0
	for _, r := range res.Covered {
		covered += int(r.Len())
	}
	got := res.Summary.Arms[0].Kinds
	if n := int(got[0] + got[1] + got[2]); n != covered || n != res.Done {
		t.Errorf("summary holds %d replications, covered ranges %d, done %d", n, covered, res.Done)
	}
	r, err := NewReport(s, res, 0.95)
	if err != nil || !r.Partial || r.Completed != res.Done {
		t.Errorf("report of a partial run: partial=%v completed=%d err=%v", r.Partial, r.Completed, err)
	}
}

// TestGoldenDefaultStudy pins the default study's summary for a fixed seed
// and replication count. A change that moves it must bump ModelVersion and
// regenerate the file (go test ./sim -run Golden -update) in the same
// commit, so published results stay reproducible by version.
func TestGoldenDefaultStudy(t *testing.T) {
	t.Parallel()
	s := DefaultStudy()
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 2026, Replications: 256})
	if err != nil {
		t.Fatal(err)
	}
	got := reportJSON(t, s, res)
	path := filepath.Join("testdata", "golden-default-study.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		var w Report
		_ = json.Unmarshal(want, &w)
		t.Errorf("default study summary moved (golden model_version %s, code %s): bump ModelVersion and regenerate %s with -update", w.ModelVersion, ModelVersion, path)
	}
}

// TestCheckOutcomeRefusesWhatAddWouldDrop: values an accumulator would
// refuse are reported (the study's replicator then fails the replication)
// instead of vanishing from the summary.
func TestCheckOutcomeRefusesWhatAddWouldDrop(t *testing.T) {
	t.Parallel()
	ok := Outcome{Kind: Breakthrough, Round: 10, Split: 0.5, Trust: [2]float64{0.4, 0.6}}
	cases := []struct {
		name string
		o    Outcome
		traj []trajPoint
		want string // "" for no error
	}{
		{"valid", ok, []trajPoint{{trust: 0.5, pressure: 2, mobilisation: 0}}, ""},
		{"negative count", func() Outcome { o := ok; o.Leaks = -1; return o }(), nil, "leaks"},
		{"NaN value", func() Outcome { o := ok; o.Approval[0] = math.NaN(); return o }(), nil, "approval"},
		{"NaN split of a breakthrough", func() Outcome { o := ok; o.Split = math.NaN(); return o }(), nil, "split"},
		{"NaN split of an impasse is not used", func() Outcome { o := ok; o.Kind = Impasse; o.Split = math.NaN(); return o }(), nil, ""},
		{"time beyond the horizon", func() Outcome { o := ok; o.Round = 101; return o }(), nil, "time"},
		{"trajectory trust above 1", ok, []trajPoint{{trust: 0.5}, {trust: 1.5}}, "round 2: trust"},
		{"trajectory mobilisation below 0", ok, []trajPoint{{mobilisation: -0.1}}, "round 1: mobilisation"},
	}
	for _, c := range cases {
		err := checkOutcome(&c.o, c.traj, 100)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: err = %v, want nil", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want one naming %q", c.name, err, c.want)
		}
	}
}

// TestNewReportRefusesBadConfidence: an invalid level is an error, not
// silently NaN intervals.
func TestNewReportRefusesBadConfidence(t *testing.T) {
	t.Parallel()
	s := smallStudy()
	res, err := RunStudy(context.Background(), s, mc.RunConfig{Seed: 1, Replications: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, conf := range []float64{0, 1, -0.5, 1.5, math.NaN()} {
		if _, err := NewReport(s, res, conf); err == nil {
			t.Errorf("NewReport(conf = %v): no error", conf)
		}
	}
}
