package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exploreCLI runs the command in-process and returns stdout, stderr and
// the exit code.
func exploreCLI(t *testing.T, ctx context.Context, a ...string) (string, string, int) {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	var o, e bytes.Buffer
	c := &cli{ctx: ctx, stdout: &o, stderr: &e, getenv: func(string) string { return "" }, now: time.Now}
	code := c.main(a)
	return o.String(), e.String(), code
}

// tinyExplore is a fast design: 4 parameters, 4 base samples (24 points),
// 3 replications, a 60-round horizon.
var tinyExplore = []string{"--n", "4", "--reps", "3", "--seed", "5", "--horizon", "60", "--within", "40",
	"--param", "parties.negotiator.initial_trust=0.05:0.5", "--param", "leaks.insiders=3:12",
	"--param", "ratification.vote_noise=0:0.15", "--param", "spoilers.progress_boost=1:8",
	"--resamples", "50", "--no-figures"}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExploreShardsMergeIdenticalToSingleRun runs a Sobol design in one
// process and in 1, 3 and 7 shards (more shards than some need), merges
// the shards in a shuffled order, analyses the merged file and compares
// every file byte for byte: the same seed gives the same indices whatever
// the sharding.
func TestExploreShardsMergeIdenticalToSingleRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	single := filepath.Join(dir, "single")
	_, stderr, code := exploreCLI(t, nil, append([]string{"explore", "sobol", "--out", single, "--save", filepath.Join(dir, "whole.json")}, tinyExplore...)...)
	if code != 0 {
		t.Fatalf("single run: exit %d: %s", code, stderr)
	}
	for _, n := range []int{1, 3, 7} {
		var files []string
		for i := range n {
			f := filepath.Join(dir, "s"+itoa(n)+"-"+itoa(i)+".json")
			_, stderr, code := exploreCLI(t, nil, append([]string{"explore", "sobol", "--shard", itoa(i) + "/" + itoa(n), "--save", f, "--workers", itoa(1 + i%2)}, tinyExplore...)...)
			if code != 0 {
				t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
			}
			files = append(files, f)
		}
		for i, j := 0, len(files)-1; i < j; i, j = i+1, j-1 {
			files[i], files[j] = files[j], files[i]
		}
		merged := filepath.Join(dir, "merged"+itoa(n)+".json")
		if _, stderr, code := exploreCLI(t, nil, append([]string{"merge", "--save", merged}, files...)...); code != 0 {
			t.Fatalf("merge of %d shards: exit %d: %s", n, code, stderr)
		}
		if !bytes.Equal(mustRead(t, merged), mustRead(t, filepath.Join(dir, "whole.json"))) {
			t.Errorf("%d shards: merged file differs from the single run's --save", n)
		}
		from := filepath.Join(dir, "from"+itoa(n))
		if _, stderr, code := exploreCLI(t, nil, "explore", "sobol", "--from", merged, "--out", from, "--resamples", "50", "--no-figures"); code != 0 {
			t.Fatalf("--from: exit %d: %s", code, stderr)
		}
		for _, name := range []string{"sobol.csv", "sobol_noise.csv", "outputs.csv", "design.csv", "points.json"} {
			if !bytes.Equal(mustRead(t, filepath.Join(single, name)), mustRead(t, filepath.Join(from, name))) {
				t.Errorf("%d shards: %s differs from the single run's", n, name)
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestExploreMethodsAndErrors runs Morris and PRIM and checks the exit
// codes and messages of bad input.
func TestExploreMethodsAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := []string{"--reps", "2", "--horizon", "60", "--no-figures", "--param", "leaks.insiders=3:12", "--param", "parties.negotiator.initial_trust=0.05:0.5"}
	cases := []struct {
		name string
		args []string
		code int
		want string // in stdout for code 0, stderr otherwise
	}{
		{"morris", append([]string{"explore", "morris", "--trajectories", "4", "--out", filepath.Join(dir, "m")}, base...), 0, "mu*"},
		{"prim lhs", append([]string{"explore", "prim", "--n", "40", "--target", "p_breakthrough>=0", "--out", filepath.Join(dir, "p")}, base...), 0, "40 of 40 points are cases of interest"},
		{"no method", []string{"explore"}, 2, "give a method"},
		{"bad method", []string{"explore", "anova"}, 2, `method "anova"`},
		{"bad param", []string{"explore", "sobol", "--param", "leaks.insiders=5"}, 2, "want FIELD=LO:HI"},
		{"empty range", []string{"explore", "sobol", "--param", "leaks.insiders=5:5"}, 2, "LO (5) must be < HI (5)"},
		{"unknown field", []string{"explore", "sobol", "--param", "talks.nope=0:1"}, 2, `no field "nope"`},
		{"policy param", []string{"explore", "sobol", "--param", "policy.reliance=0:1"}, 2, "policy parameters cannot be explored"},
		{"out of allowed range", []string{"explore", "sobol", "--n", "2", "--reps", "1", "--param", "ratification.vote_noise=0:3"}, 2, "vote_noise"},
		{"reps", []string{"explore", "sobol", "--reps", "0"}, 2, "--reps = 0"},
		{"impasse-k", []string{"explore", "sobol", "--impasse-k", "4"}, 2, "--impasse-k = 4: must be in 1..3"},
		{"odd levels", []string{"explore", "morris", "--levels", "3", "--param", "leaks.insiders=3:12"}, 2, "levels = 3"},
		{"bad target", append([]string{"explore", "prim", "--n", "10", "--target", "p_breakthrough~1", "--out", filepath.Join(dir, "t")}, base...), 2, "want OUTPUT>X"},
		{"unknown output", append([]string{"explore", "prim", "--n", "10", "--target", "p_win>0.5", "--out", filepath.Join(dir, "u")}, base...), 2, `output "p_win"`},
		{"shard without save", []string{"explore", "sobol", "--shard", "0/2"}, 2, "--shard needs --save"},
		{"from missing", []string{"explore", "sobol", "--from", filepath.Join(dir, "nope.json")}, 2, "nope.json"},
		{"sobol from lhs", []string{"explore", "sobol", "--from", filepath.Join(dir, "p")}, 2, "need a sobol design"},
		{"morris from lhs", []string{"explore", "morris", "--from", filepath.Join(dir, "p")}, 2, "holds a lhs design"},
	}
	for _, tc := range cases {
		// Sequential: later cases read the directories of earlier ones.
		stdout, stderr, code := exploreCLI(t, nil, tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr: %s", tc.name, code, tc.code, stderr)
			continue
		}
		got := stdout
		if tc.code != 0 {
			got = stderr
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: output lacks %q:\n%s", tc.name, tc.want, got)
		}
	}
	if _, err := os.Stat("explore-out"); err == nil { // the default --out, relative to the package directory

		t.Error("a failing run wrote the default output directory explore-out")
	}
}

// TestExploreCheckpointResumes interrupts a run after some points and
// resumes it from the checkpoint; the result equals an uninterrupted run.
func TestExploreCheckpointResumes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	if _, stderr, code := exploreCLI(t, nil, append([]string{"explore", "sobol", "--save", whole, "--out", ""}, tinyExplore...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cp := filepath.Join(dir, "cp.json")
	ctx, cancel := context.WithCancel(context.Background())
	var o, e bytes.Buffer
	c := &cli{ctx: ctx, stdout: &o, stderr: &e, getenv: func(string) string { return "" }, now: time.Now,
		onProgress: func(done, total int) {
			if done >= 10 {
				cancel()
			}
		}}
	code := c.main(append([]string{"explore", "sobol", "--checkpoint", cp, "--checkpoint-points", "4", "--workers", "1", "--out", ""}, tinyExplore...))
	if code != exitInterrupted {
		t.Fatalf("interrupted run: exit %d, want %d: %s", code, exitInterrupted, e.String())
	}
	resumed := filepath.Join(dir, "resumed.json")
	_, stderr, code := exploreCLI(t, nil, append([]string{"explore", "sobol", "--checkpoint", cp, "--checkpoint-points", "4", "--save", resumed, "--out", ""}, tinyExplore...)...)
	if code != 0 || !strings.Contains(stderr, "resumed") {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	if !bytes.Equal(mustRead(t, whole), mustRead(t, resumed)) {
		t.Error("resumed run differs from the uninterrupted run")
	}
}
