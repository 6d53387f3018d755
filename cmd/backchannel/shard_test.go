package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
)

// study are the flags of the sharded runs below: 2 arms, a short horizon.
var study = []string{"--reps", "90", "--horizon", "40", "--block-size", "8", "--seed", "7", "--policy", "front-only", "--policy", "back-then-front"}

func TestShardsMergeIdenticalToSingleRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := make([]string, 3)
	// Shard 0 by flags, shard 1 as a Slurm array task, shard 2 as a
	// Kubernetes indexed-job pod.
	envs := []map[string]string{
		nil,
		{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "3"},
		{"JOB_COMPLETION_INDEX": "2"},
	}
	shardArgs := [][]string{{"--shard", "0/3"}, {"--shard", "auto"}, {"--shard", "auto", "--shard-count", "3"}}
	for i := range 3 {
		files[i] = filepath.Join(dir, "shard-"+string(rune('0'+i))+".json")
		r := runCLI(t, nil, envs[i], nil, args("run", study, shardArgs[i], "--save", files[i], "--workers", string(rune('1'+i)))...)
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("shard %d: exit %d, stdout %q, stderr %s", i, r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "shard "+string(rune('0'+i))+"/3") {
			t.Errorf("shard %d: stderr %s", i, r.stderr)
		}
	}
	single := runCLI(t, nil, nil, nil, args("run", study, "--json", "--out", "", "--no-figures")...)
	table := runCLI(t, nil, nil, nil, args("run", study, "--out", "", "--no-figures")...)
	for _, order := range [][]int{{2, 0, 1}, {1, 2, 0}, {0, 1, 2}} {
		in := []string{files[order[0]], files[order[1]], files[order[2]]}
		m := runCLI(t, nil, nil, nil, args("merge", "--json", in)...)
		if m.code != 0 {
			t.Fatalf("merge %v: exit %d: %s", order, m.code, m.stderr)
		}
		if m.stdout != single.stdout {
			t.Errorf("merge --json %v differs from run --json", order)
		}
		mt := runCLI(t, nil, nil, nil, args("merge", in)...)
		if mt.stdout != table.stdout {
			t.Errorf("merge table %v differs from run's:\n%s\n%s", order, mt.stdout, table.stdout)
		}
	}
	// merge --out writes the files a run writes.
	out := filepath.Join(dir, "out")
	if r := runCLI(t, nil, nil, nil, args("merge", "--json", "--out", out, "--no-figures", files)...); r.code != 0 {
		t.Fatalf("merge --out: %s", r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(out, "summary.json")); err != nil || string(b) != single.stdout {
		t.Errorf("merge --out summary.json: %v", err)
	}
}

func TestResolveShard(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		shard string
		count int
		env   map[string]string
		i, n  int
		err   string
	}{
		{"flags", "2/5", 0, nil, 2, 5, ""},
		{"index and count", "3", 4, nil, 3, 4, ""},
		{"slurm", "auto", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "3"}, 1, 3, ""},
		{"slurm pinned by BACKCHANNEL_SHARDS", "auto", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "1", "BACKCHANNEL_SHARDS": "4"}, 0, 4, ""},
		{"kubernetes", "auto", 4, map[string]string{"JOB_COMPLETION_INDEX": "3"}, 3, 4, ""},
		{"kubernetes with BACKCHANNEL_SHARDS", "auto", 0, map[string]string{"JOB_COMPLETION_INDEX": "1", "BACKCHANNEL_SHARDS": "2"}, 1, 2, ""},
		{"kubernetes without count", "auto", 0, map[string]string{"JOB_COMPLETION_INDEX": "1"}, 0, 0, "needs --shard-count"},
		{"no environment", "auto", 0, nil, 0, 0, "neither SLURM_ARRAY_TASK_ID"},
		{"out of range", "4/4", 0, nil, 0, 0, "outside 0..3"},
		{"negative", "-1/4", 0, nil, 0, 0, "outside"},
		{"no count", "1", 0, nil, 0, 0, "give the shard count"},
		{"count conflict", "1/4", 0, map[string]string{"BACKCHANNEL_SHARDS": "5"}, 0, 0, "disagrees"},
		{"flag env conflict", "auto", 3, map[string]string{"BACKCHANNEL_SHARDS": "5", "JOB_COMPLETION_INDEX": "0"}, 0, 0, "disagrees"},
		{"bad env", "auto", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "x"}, 0, 0, "not an integer"},
		{"bad spec", "a/b", 0, nil, 0, 0, "want I/N"},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cl := &cli{getenv: func(k string) string { return c.env[k] }}
			i, n, err := cl.resolveShard(&runOpts{shard: c.shard, shardCount: c.count})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || i != c.i || n != c.n {
				t.Errorf("got %d/%d (%v), want %d/%d", i, n, err, c.i, c.n)
			}
		})
	}
}

func TestMergeRefusesBadParts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shard := func(name, spec string, extra ...string) string {
		p := filepath.Join(dir, name)
		r := runCLI(t, nil, nil, nil, args("run", study, "--shard", spec, "--save", p, extra)...)
		if r.code != 0 {
			t.Fatalf("%s: %s", name, r.stderr)
		}
		return p
	}
	s0, s1, s2 := shard("s0", "0/3"), shard("s1", "1/3"), shard("s2", "2/3")
	seed := shard("seed", "1/3", "--seed", "8")
	pol := shard("pol", "1/3", "--policy", "parallel")
	corrupt := filepath.Join(dir, "corrupt")
	b, _ := os.ReadFile(s1)
	os.WriteFile(corrupt, b[:len(b)-100], 0o644)
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"missing shard", []string{s2, s0}, "not covered: [30,60)"},
		{"same shard twice", []string{s0, s1, s1, s2}, "ranges overlap"},
		{"other seed", []string{s0, seed, s2}, "seeds differ: 7 in " + s0 + ", 8 in " + seed},
		{"other policies", []string{s0, pol, s2}, "arms"},
		{"corrupt", []string{s0, corrupt, s2}, "corrupt partial-result file"},
		{"not a file", []string{filepath.Join(dir, "nope")}, "no such file"},
	} {
		r := runCLI(t, nil, nil, nil, args("merge", c.files)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", c.name, r.code, r.stderr, c.want)
		}
	}
	r := runCLI(t, nil, nil, nil, "merge", "--json", "--allow-partial", s0, s2)
	var rep sim.Report
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || !rep.Partial || rep.Completed != 60 || rep.Replications != 90 {
		t.Errorf("--allow-partial: exit %d, partial %v, completed %d of %d: %s", r.code, rep.Partial, rep.Completed, rep.Replications, r.stderr)
	}
}

func TestCheckpointResumeInProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ck := filepath.Join(dir, "run.ckpt")
	flags := args("run", study, "--reps", "200", "--json", "--out", "", "--no-figures", "--workers", "2")
	want := runCLI(t, nil, nil, nil, flags...)

	ctx, hook := cancelAfter(40)
	r := runCLI(t, ctx, nil, hook, args(flags, "--checkpoint", ck, "--checkpoint-blocks", "1")...)
	if r.code != exitInterrupted {
		t.Fatalf("interrupted run: exit %d: %s", r.code, r.stderr)
	}
	part, err := results.LoadStudyFile(ck)
	if err != nil || !part.Result.Partial || part.Result.Done < 40 || part.Result.Done >= 200 {
		t.Fatalf("checkpoint after interruption: %v", err)
	}
	// Other flags must not reuse it.
	r = runCLI(t, nil, nil, nil, args(flags, "--seed", "99", "--checkpoint", ck)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "different run") {
		t.Errorf("other seed: exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, nil, nil, nil, args(flags, "--checkpoint", ck)...)
	if r.code != 0 {
		t.Fatalf("resumed run: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "resumed from checkpoint") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if r.stdout != want.stdout {
		t.Error("resumed run's JSON differs from the uninterrupted run's")
	}
	// The finished checkpoint merges like a shard file.
	if m := runCLI(t, nil, nil, nil, "merge", "--json", ck); m.stdout != want.stdout {
		t.Errorf("merge of the checkpoint differs: %s", m.stderr)
	}
	// A truncated checkpoint is reported, never used.
	b, _ := os.ReadFile(ck)
	os.WriteFile(ck, b[:len(b)/3], 0o644)
	r = runCLI(t, nil, nil, nil, args(flags, "--checkpoint", ck)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "corrupt partial-result file") {
		t.Errorf("truncated checkpoint: exit %d: %s", r.code, r.stderr)
	}
}

// TestCheckpointSurvivesSIGKILL builds the binary, kills it with SIGKILL
// in the middle of a checkpointed run, restarts it with the same flags and
// compares its JSON with an uninterrupted run's.
func TestCheckpointSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "backchannel")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build the binary, skipping the SIGKILL test: %v\n%s", err, out)
	}
	ck := filepath.Join(dir, "kill.ckpt")
	flags := []string{"run", "--reps", "1200", "--horizon", "150", "--block-size", "16", "--seed", "5", "--workers", "1",
		"--policy", "front-only", "--policy", "parallel", "--json", "--out", "", "--no-figures"}
	ref, err := exec.Command(bin, flags...).Output()
	if err != nil {
		t.Fatal(err)
	}
	// With --progress the command reports every checkpoint save on
	// stderr; kill it as soon as the first one is reported.
	cmd := exec.Command(bin, append(flags, "--checkpoint", ck, "--checkpoint-blocks", "1", "--progress")...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killedAt := -1
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		var done int
		if _, err := fmt.Sscanf(sc.Text(), "backchannel: checkpoint saved: %d replications", &done); err == nil && done < 1200 {
			cmd.Process.Signal(syscall.SIGKILL)
			killedAt = done
			break
		}
	}
	io.Copy(io.Discard, pipe)
	cmd.Wait()
	if p, err := results.LoadStudyFile(ck); killedAt >= 0 && (err != nil || p.Result.Done < killedAt) {
		t.Fatalf("checkpoint after SIGKILL: %v (holds fewer than the %d replications reported saved)", err, killedAt)
	}
	if killedAt < 0 {
		t.Skip("the run finished before it could be killed (machine too fast for this test's size)")
	}
	var stdout, stderr bytes.Buffer
	re := exec.Command(bin, append(flags, "--checkpoint", ck)...)
	re.Stdout, re.Stderr = &stdout, &stderr
	if err := re.Run(); err != nil {
		t.Fatalf("restart: %v: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "resumed from checkpoint") {
		t.Errorf("restart did not resume: %s", stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), ref) {
		t.Error("result after SIGKILL and restart differs from the uninterrupted run")
	}
	t.Logf("killed with %d of 1200 replications checkpointed", killedAt)
}
