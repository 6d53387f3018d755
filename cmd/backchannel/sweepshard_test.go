package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/results"
)

// sweepGrid is a 3×2 grid sweep (6 points) with a short horizon.
var sweepGrid = []string{"sweep", "--reps", "8", "--horizon", "120", "--block-size", "4", "--seed", "5",
	"--param", "talks.open_rate=0.1:0.5:0.2", "--param", "leaks.insiders=2:6:4"}

// sweepLHS is a Latin hypercube sweep of 4 points over a policy parameter.
var sweepLHS = []string{"sweep", "--reps", "8", "--horizon", "120", "--block-size", "4", "--seed", "5",
	"--lhs", "4", "--param", "policy.reliance=0:1", "--param", "leaks.insiders=2:8"}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sweepShards runs shards 0..n-1 of the sweep flags and returns the files.
func sweepShards(t *testing.T, dir, prefix string, flags []string, n int, extra ...string) []string {
	t.Helper()
	var files []string
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("%s-%d.json", prefix, i))
		r := runCLI(t, nil, nil, nil, args(flags, "--shard", fmt.Sprintf("%d/%d", i, n), "--save", p, extra)...)
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("%s shard %d/%d: exit %d, stdout %q, stderr %s", prefix, i, n, r.code, r.stdout, r.stderr)
		}
		files = append(files, p)
	}
	return files
}

func TestSweepShardsMergeIdenticalToSingleSweep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"grid", sweepGrid},
		{"latin hypercube", sweepLHS},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			single := filepath.Join(dir, "single")
			s := runCLI(t, nil, nil, nil, args(c.flags, "--out", single, "--no-figures", "--workers", "2")...)
			if s.code != 0 {
				t.Fatalf("single sweep: exit %d: %s", s.code, s.stderr)
			}
			// Shard 0 by flags, shard 1 as a Slurm array task, shard 2
			// as a Kubernetes indexed-job pod, each with other workers.
			envs := []map[string]string{
				nil,
				{"SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "3"},
				{"JOB_COMPLETION_INDEX": "2"},
			}
			shardArgs := [][]string{{"--shard", "0/3"}, {"--shard", "auto"}, {"--shard", "auto", "--shard-count", "3"}}
			files := make([]string, 3)
			for i := range 3 {
				files[i] = filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
				r := runCLI(t, nil, envs[i], nil, args(c.flags, shardArgs[i], "--save", files[i], "--workers", fmt.Sprint(i+1))...)
				if r.code != 0 || r.stdout != "" {
					t.Fatalf("shard %d: exit %d, stdout %q, stderr %s", i, r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, fmt.Sprintf("shard %d/3: design points", i)) {
					t.Errorf("shard %d: stderr %s", i, r.stderr)
				}
			}
			for k, order := range [][]int{{2, 0, 1}, {1, 2, 0}, {0, 1, 2}} {
				out := filepath.Join(dir, fmt.Sprintf("merged-%d", k))
				m := runCLI(t, nil, nil, nil, args("merge", "--out", out, "--no-figures", files[order[0]], files[order[1]], files[order[2]])...)
				if m.code != 0 {
					t.Fatalf("merge %v: exit %d: %s", order, m.code, m.stderr)
				}
				if m.stdout != s.stdout {
					t.Errorf("merge %v: table differs from the single sweep's:\n%s\n%s", order, m.stdout, s.stdout)
				}
				for _, f := range []string{"sweep.csv", "scenario.yaml"} {
					if got, want := readFile(t, filepath.Join(out, f)), readFile(t, filepath.Join(single, f)); got != want {
						t.Errorf("merge %v: %s differs:\n%s\n%s", order, f, got, want)
					}
				}
			}
			// The whole sweep saved by "sweep --save" merges alone to the same.
			whole := filepath.Join(dir, "whole.json")
			if r := runCLI(t, nil, nil, nil, args(c.flags, "--out", "", "--save", whole)...); r.code != 0 || r.stdout != s.stdout {
				t.Fatalf("sweep --save: exit %d: %s", r.code, r.stderr)
			}
			if m := runCLI(t, nil, nil, nil, "merge", whole); m.code != 0 || m.stdout != s.stdout {
				t.Errorf("merge of the whole sweep file: exit %d: %s", m.code, m.stderr)
			}
		})
	}
}

// TestSweepShardFigures checks that merge --out writes the figure of the
// single-process sweep.
func TestSweepShardFigures(t *testing.T) {
	if raceEnabled {
		t.Skip("figure rendering is slow under -race")
	}
	t.Parallel()
	dir := t.TempDir()
	files := sweepShards(t, dir, "s", sweepGrid, 2)
	out := filepath.Join(dir, "out")
	if m := runCLI(t, nil, nil, nil, args("merge", "--out", out, files)...); m.code != 0 {
		t.Fatalf("merge: %s", m.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "heatmap.png")); err != nil {
		t.Error(err)
	}
}

// TestSweepShardCoverage runs every shard of N = 1..points+3 and checks
// that each design point is in exactly one file, that shards beyond the
// points write valid empty files, and that every layout merges to the
// single sweep.
func TestSweepShardCoverage(t *testing.T) {
	t.Parallel()
	flags := args(sweepLHS, "--reps", "2", "--horizon", "20", "--lhs", "5")
	single := runCLI(t, nil, nil, nil, args(flags, "--out", "")...)
	if single.code != 0 {
		t.Fatal(single.stderr)
	}
	const points = 5
	for n := 1; n <= points+3; n++ {
		dir := t.TempDir()
		files := sweepShards(t, dir, "s", flags, n)
		seen := make([]int, points)
		for i, f := range files {
			p, err := results.LoadSweepFile(f)
			if err != nil {
				t.Fatalf("N=%d shard %d: %v", n, i, err)
			}
			if p.Shard != i || p.Shards != n || len(p.Points) != p.Hi-p.Lo {
				t.Errorf("N=%d shard %d: file says shard %d/%d, %d points for [%d,%d)", n, i, p.Shard, p.Shards, len(p.Points), p.Lo, p.Hi)
			}
			if i >= points && len(p.Points) != 0 {
				t.Errorf("N=%d shard %d: %d points, want none", n, i, len(p.Points))
			}
			for _, pt := range p.Points {
				seen[pt.Index]++
			}
		}
		for j, k := range seen {
			if k != 1 {
				t.Errorf("N=%d: point %d in %d files", n, j, k)
			}
		}
		if m := runCLI(t, nil, nil, nil, args("merge", files)...); m.code != 0 || m.stdout != single.stdout {
			t.Errorf("N=%d: merge: exit %d: %s", n, m.code, m.stderr)
		}
	}
	// ShardRange over points, more widely: contiguous, in order, complete.
	for total := 1; total <= 12; total++ {
		for n := 1; n <= 20; n++ {
			next := 0
			for i := range n {
				lo, cnt := mc.ShardRange(i, n, total)
				if int(lo) != next || cnt < 0 {
					t.Fatalf("ShardRange(%d, %d, %d) = %d, %d; want start %d", i, n, total, lo, cnt, next)
				}
				next += cnt
			}
			if next != total {
				t.Fatalf("%d shards of %d points cover %d", n, total, next)
			}
		}
	}
}

func TestMergeRefusesBadSweepParts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shard := func(name, spec string, flags []string, extra ...string) string {
		p := filepath.Join(dir, name)
		r := runCLI(t, nil, nil, nil, args(flags, "--shard", spec, "--save", p, extra)...)
		if r.code != 0 {
			t.Fatalf("%s: %s", name, r.stderr)
		}
		return p
	}
	s0, s1, s2 := shard("s0", "0/3", sweepGrid), shard("s1", "1/3", sweepGrid), shard("s2", "2/3", sweepGrid)
	half := shard("half", "0/2", sweepGrid) // points 0-2: overlaps s0 and s1
	seed := shard("seed", "1/3", sweepGrid, "--seed", "6")
	reps := shard("reps", "1/3", sweepGrid, "--reps", "9")
	block := shard("block", "1/3", sweepGrid, "--block-size", "8")
	pol := shard("pol", "1/3", sweepGrid, "--policy", "parallel")
	horizon := shard("horizon", "1/3", sweepGrid, "--horizon", "121")
	param := shard("param", "1/3", args(sweepGrid, "--param", "talks.open_rate=0.1:0.5:0.2", "--param", "leaks.insiders=2:8:6")) // same level counts
	lhs := shard("lhs", "0/1", sweepLHS)
	run := filepath.Join(dir, "run")
	if r := runCLI(t, nil, nil, nil, args("run", study, "--shard", "0/3", "--save", run)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b := []byte(readFile(t, s1))
	truncated := writeFile(t, dir, "truncated", string(b[:len(b)/2]))
	edited := writeFile(t, dir, "edited", strings.Replace(string(b), `"replications":8`, `"replications":9`, 1))
	empty := writeFile(t, dir, "empty", "")
	other := writeFile(t, dir, "other", `{"schema":"backchannel.summary/v1","sha256":"","body":{}}`)
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"missing shard", []string{s2, s0}, "2 of 6 design points are not in any file: 2-3"},
		{"missing shards", []string{s1}, "4 of 6 design points are not in any file: 0-1, 4-5"},
		{"same shard twice", []string{s0, s1, s1, s2}, "design point 2 is in both " + s1 + " and " + s1},
		{"overlapping layouts", []string{s2, half, s0}, "design point 0 is in both " + half + " and " + s0},
		{"other seed", []string{s0, seed, s2}, "seeds differ: 5 in " + s0 + ", 6 in " + seed},
		{"other reps", []string{s0, reps, s2}, "replications per point differ: 8 in " + s0 + ", 9 in " + reps},
		{"other block size", []string{s0, block, s2}, "block sizes differ: 4 in " + s0 + ", 8 in " + block},
		{"other policy", []string{s0, pol, s2}, "policies differ: back-then-front in " + s0 + ", parallel in " + pol},
		{"other scenario", []string{s0, horizon, s2}, "base scenarios differ between " + s0 + " and " + horizon},
		{"other parameter range", []string{s0, param, s2}, "sweep designs differ: talks.open_rate=0.1:0.5 (3 levels) leaks.insiders=2:6 (2 levels) in " + s0},
		{"grid and hypercube", []string{s0, lhs}, "sweep designs differ"},
		{"truncated", []string{s0, truncated, s2}, truncated + ": results: corrupt partial-result file: not a complete backchannel.sweep-partial/v1 file (truncated?)"},
		{"edited", []string{s0, edited, s2}, "checksum mismatch"},
		{"empty file", []string{s0, empty}, empty + ": results: corrupt partial-result file: empty file"},
		{"other schema", []string{other, s0}, "schema \"backchannel.summary/v1\", want \"backchannel.sweep-partial/v1\""},
		{"run and sweep", []string{s0, run}, "cannot merge run and sweep partial files together: " + run + " is a run file (backchannel.partial/v2), " + s0 + " is a sweep file"},
		{"sweep and run", []string{run, s1}, "cannot merge run and sweep partial files together"},
		{"json", []string{"--json", s0, s1, s2}, "merge --json: sweep files have no JSON summary"},
		{"not a file", []string{s0, filepath.Join(dir, "nope")}, "no such file"},
	} {
		r := runCLI(t, nil, nil, nil, args("merge", c.files)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", c.name, r.code, r.stderr, c.want)
		}
	}
	// A file alone: corrupt files are reported by the sweep loader.
	for _, c := range []struct{ file, want string }{
		{truncated, "truncated?"},
		{edited, "checksum mismatch"},
		{empty, "empty file"},
	} {
		if r := runCLI(t, nil, nil, nil, "merge", c.file); r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("merge %s alone: exit %d, stderr %q, want 2 and %q", c.file, r.code, r.stderr, c.want)
		}
	}
	// --allow-partial writes the points present, in order.
	r := runCLI(t, nil, nil, nil, "merge", "--allow-partial", s2, s0)
	if r.code != 0 || !strings.Contains(r.stderr, "merging anyway") {
		t.Fatalf("--allow-partial: exit %d: %s", r.code, r.stderr)
	}
	var idx []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		idx = append(idx, strings.Fields(line)[0])
	}
	if got := strings.Join(idx, ","); got != "0,1,4,5" {
		t.Errorf("--allow-partial: points %s, want 0,1,4,5", got)
	}
}

func TestSweepShardUsageAndInterruption(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no save", args(sweepGrid, "--shard", "0/2"), "--shard needs --save FILE"},
		{"bad shard", args(sweepGrid, "--shard", "2/2", "--save", filepath.Join(dir, "x")), "shard index 2 outside 0..1"},
		{"auto without environment", args(sweepGrid, "--shard", "auto", "--save", filepath.Join(dir, "x")), "neither SLURM_ARRAY_TASK_ID"},
		// Point 2 is invalid; shard 0 (points 0-1) refuses too.
		{"invalid point in another shard", []string{"sweep", "--reps", "2", "--horizon", "10", "--param", "talks.open_rate=0.5:1.5:0.5", "--shard", "0/3", "--save", filepath.Join(dir, "x")}, "talks.open_rate = 1.5"},
	} {
		r := runCLI(t, nil, nil, nil, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", c.name, r.code, r.stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Errorf("a refused shard wrote its file: %v", err)
	}
	// An interrupted shard exits 130 and writes nothing.
	save := filepath.Join(dir, "cancelled.json")
	ctx, hook := cancelAfter(8)
	r := runCLI(t, ctx, nil, hook, args(sweepGrid, "--reps", "2000", "--workers", "1", "--shard", "0/2", "--save", save)...)
	if r.code != exitInterrupted || !strings.Contains(r.stderr, "not written") {
		t.Errorf("interrupted shard: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(save); !os.IsNotExist(err) {
		t.Errorf("interrupted shard wrote %s: %v", save, err)
	}
}
