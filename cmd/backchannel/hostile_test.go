package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backchannel-sim/backchannel/results"
)

// hostileCase is one command line and what its stderr must say.
type hostileCase struct {
	name string
	args []string
	code int
	want []string // substrings of stderr
}

func runHostile(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ran := false
			r := runCLI(t, nil, nil, func(done, total int) { ran = true }, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, c.code, r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
				t.Errorf("stderr holds a Go stack trace:\n%s", r.stderr)
			}
			if c.code == exitUsage && ran {
				t.Error("a usage error was reported after replications ran")
			}
		})
	}
}

// TestHostileFlags covers issue 13, cases 1, 2, 4, 6 and 10: values that
// used to be skipped, panic, exhaust memory or be silently ignored.
func TestHostileFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDir := writeFile(t, dir, "plain-file", "x")
	big := writeFile(t, dir, "big.yaml", "horizon: 100000\n")
	runHostile(t, []hostileCase{
		{"sweep party index past the list", args("sweep", "--param", "parties[5].negotiator.cost_rate=1000:2000:1000", "--reps", "5", "--out", "", "--no-figures"),
			exitUsage, []string{"parties[5].negotiator.cost_rate", "index out of range", "2 elements"}},
		{"sweep spoiler index past the list", args("sweep", "--param", "spoilers[9].capability=5:6:1", "--reps", "5", "--out", "", "--no-figures"),
			exitUsage, []string{"spoilers[9].capability", "index out of range"}},
		{"huge block size with a checkpoint", args("run", "--checkpoint", filepath.Join(dir, "c.json"), "--block-size", "4611686018427387904", "--workers", "1", "--reps", "10", "--out", ""),
			exitUsage, []string{"--block-size = 4611686018427387904: at most"}},
		{"reps MaxInt64 with csv", args("run", "--reps", "9223372036854775807", "--csv", "--out", dir),
			exitUsage, []string{"--reps = 9223372036854775807: at most 9007199254740992"}},
		{"reps above 2^53", args("run", "--reps", "9007199254740993", "--checkpoint", filepath.Join(dir, "h.json"), "--out", ""),
			exitUsage, []string{"at most 9007199254740992"}},
		{"reps 1e12 with csv", args("run", "--reps", "1000000000000", "--csv", "--out", dir, "--no-figures", "--max-memory", "4"),
			exitUsage, []string{"memory", "--max-memory", "lower --reps or drop --csv"}},
		{"many workers", args("run", "--workers", "100000", "--reps", "10000000", "--out", ""),
			exitUsage, []string{"--workers = 100000: at most 4096"}},
		{"long horizon, five arms", args("run", "--scenario", big, "--reps", "10", "--workers", "64", "--out", "", "--max-memory", "4"),
			exitUsage, []string{"memory", "lower --workers, --horizon or the number of --policy arms"}},
		{"huge lhs", args("sweep", "--lhs", "1000000000", "--param", "talks.open_rate=0:1", "--out", ""),
			exitUsage, []string{"--lhs = 1000000000: at most 1000000"}},
		{"huge grid", args("sweep", "--param", "talks.open_rate=0:1:0.001", "--param", "leaks.insiders=1:1000:1", "--out", ""),
			exitUsage, []string{"at most 1000000"}},
		{"negative checkpoint interval", args("run", tiny, "--checkpoint", filepath.Join(dir, "n.json"), "--checkpoint-interval", "-1s", "--out", ""),
			exitUsage, []string{"--checkpoint-interval = -1s"}},
		{"negative checkpoint blocks", args("run", tiny, "--checkpoint", filepath.Join(dir, "n.json"), "--checkpoint-blocks", "-2", "--out", ""),
			exitUsage, []string{"--checkpoint-blocks = -2"}},
		{"csv without out", args("run", tiny, "--csv", "--out", ""),
			exitUsage, []string{"--csv writes outcomes.csv into the --out directory"}},
		{"unwritable save", args("run", tiny, "--save", filepath.Join(notDir, "s.json"), "--out", ""),
			exitUsage, []string{"--save", "cannot write", "nothing is lost"}},
		{"unwritable shard save", args("run", tiny, "--shard", "0/2", "--save", filepath.Join(notDir, "s.json")),
			exitUsage, []string{"--save", "cannot write"}},
		{"unwritable checkpoint", args("run", tiny, "--checkpoint", filepath.Join(notDir, "c.json"), "--out", ""),
			exitUsage, []string{"--checkpoint", "cannot write"}},
		{"unwritable out", args("run", tiny, "--out", filepath.Join(notDir, "out")),
			exitUsage, []string{"--out", "cannot create the directory"}},
		{"unwritable sweep save", args("sweep", "--param", "talks.open_rate=0.1:0.2:0.1", "--reps", "4", "--save", filepath.Join(notDir, "s.json"), "--out", ""),
			exitUsage, []string{"--save", "cannot write"}},
		{"scenario /dev/zero", args("run", "--scenario", "/dev/zero", "--out", ""),
			exitUsage, []string{"larger than the limit"}},
		{"merge /dev/zero", args("merge", "/dev/zero"),
			exitUsage, []string{"not a JSON partial-result file"}},
	})
}

// TestHostileScenarioFiles covers case 8 at the command: messages name the
// file, the field path, the line and the allowed range.
func TestHostileScenarioFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var many strings.Builder
	many.WriteString("talks:\n")
	for i := range 20000 {
		fmt.Fprintf(&many, "  k%d: 1\n", i)
	}
	file := func(name, text string) string { return writeFile(t, dir, name, text) }
	runHostile(t, []hostileCase{
		{"NaN", args("run", "--scenario", file("nan.yaml", "talks:\n  open_rate: .nan\n"), "--out", ""),
			exitUsage, []string{"nan.yaml", "talks.open_rate (line 2)", "not a finite number", "[0, 1]"}},
		{"1e309", args("run", "--scenario", file("big.yaml", "talks:\n  open_rate: 1e309\n"), "--out", ""),
			exitUsage, []string{"talks.open_rate (line 2)", "beyond the range"}},
		{"wrong type", args("run", "--scenario", file("type.yaml", "horizon: soon\n"), "--out", ""),
			exitUsage, []string{"horizon (line 1)", "want an integer", "[1, 100000]"}},
		{"second document", args("run", "--scenario", file("two.yaml", "horizon: 10\n---\nhorizon: 20\n"), "--out", ""),
			exitUsage, []string{"second YAML document"}},
		{"empty", args("run", "--scenario", file("empty.yaml", ""), "--out", ""),
			exitUsage, []string{"empty"}},
		{"trailing comma", args("run", "--scenario", file("comma.json", `{"horizon": 100,}`), "--out", ""),
			exitUsage, []string{"invalid JSON"}},
		{"many unknown keys", args("run", "--scenario", file("many.yaml", many.String()), "--out", ""),
			exitUsage, []string{"unknown field", "more problems"}},
	})
	r := runCLI(t, nil, nil, nil, "run", "--scenario", filepath.Join(dir, "many.yaml"), "--out", "")
	if len(r.stderr) > 10000 {
		t.Errorf("20,000 unknown keys gave %d bytes on stderr", len(r.stderr))
	}
	alias := file("alias.yaml", "horizon: &h 30\ntalks:\n  open_rate: &r 0.2\n  front_min_trust: *r\n")
	if r := runCLI(t, nil, nil, nil, args("run", "--scenario", alias, "--reps", "4", "--out", "")...); r.code != exitOK {
		t.Errorf("aliases: exit %d: %s", r.code, r.stderr)
	}
}

// TestInternalErrorIsOneLine checks that a panic in the command is one
// line with where to report it, exit status 1, and no stack trace.
func TestInternalErrorIsOneLine(t *testing.T) {
	t.Parallel()
	var o, e bytes.Buffer
	c := &cli{ctx: context.Background(), stdout: &o, stderr: &e, getenv: func(string) string { return "" }, now: time.Now,
		beforeCommand: func() { var m map[string]int; m["x"] = 1 }}
	if code := c.main([]string{"run"}); code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	msg := e.String()
	if strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, reportURL) || !strings.Contains(msg, "internal error") {
		t.Errorf("got %q, want one line naming the internal error and %s", msg, reportURL)
	}
}

// TestSaveRescue checks that a result whose file cannot be written after
// the run is written elsewhere, and the message says where.
func TestSaveRescue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var o, e bytes.Buffer
	c := &cli{ctx: context.Background(), stdout: &o, stderr: &e}
	saved := ""
	err := c.saveOrRescue("--save", filepath.Join(dir, "missing", "s.json"),
		func(path string) error {
			if strings.Contains(path, "missing") {
				return os.ErrPermission
			}
			saved = path
			return os.WriteFile(path, []byte("result"), 0o644)
		},
		func(w io.Writer) error { _, err := w.Write([]byte("result")); return err })
	if err == nil || saved == "" || !strings.Contains(err.Error(), saved) {
		t.Fatalf("got error %v, rescue file %q; want an error naming the rescue file", err, saved)
	}
	os.Remove(saved)
	err = c.saveOrRescue("--save", filepath.Join(dir, "s.json"),
		func(string) error { return os.ErrPermission },
		func(w io.Writer) error { _, err := w.Write([]byte("result")); return err })
	if err == nil || o.String() != "result" || !strings.Contains(err.Error(), "stdout") {
		t.Errorf("got error %v, stdout %q; want the result on stdout and an error saying so", err, o.String())
	}
}

// TestOutSymlinkNotFollowed checks that a symbolic link inside --out is
// replaced, not written through.
func TestOutSymlinkNotFollowed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	victim := writeFile(t, dir, "victim.txt", "keep")
	for _, name := range []string{"summary.json", "scenario.yaml"} {
		if err := os.Symlink(victim, filepath.Join(out, name)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	if r := runCLI(t, nil, nil, nil, args("run", tiny, "--out", out, "--no-figures")...); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("a file outside --out was overwritten through a link: %q", b)
	}
}

// TestInterruptedSweepCSVMarksPartial checks the partial column of
// sweep.csv after an interruption.
func TestInterruptedSweepCSVMarksPartial(t *testing.T) {
	t.Parallel()
	// 4096 replications per point, cancelled after 8: the first point
	// cannot finish before the cancellation reaches the worker, however
	// loaded the machine (with 64 it sometimes did, and no point was
	// partial).
	out := t.TempDir()
	ctx, hook := cancelAfter(8)
	r := runCLI(t, ctx, nil, hook, args("sweep", "--param", "talks.open_rate=0.1:0.5:0.1", "--reps", "4096", "--block-size", "8",
		"--workers", "1", "--horizon", "40", "--out", out, "--no-figures")...)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", r.code, exitInterrupted, r.stderr)
	}
	f, err := os.Open(filepath.Join(out, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	if head[len(head)-1] != "partial" {
		t.Fatalf("last column %q, want partial", head[len(head)-1])
	}
	if len(rows) < 2 || rows[len(rows)-1][len(head)-1] != "true" {
		t.Errorf("the last (interrupted) point is not marked partial: %v", rows[1:])
	}
}

// TestCheckpointInterruptQuotesTotals checks that the interruption message
// of a checkpointed run counts the whole run, not the running segment.
func TestCheckpointInterruptQuotesTotals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, hook := cancelAfter(4)
	r := runCLI(t, ctx, nil, hook, args("run", "--reps", "100", "--block-size", "4", "--workers", "1", "--horizon", "30",
		"--checkpoint", filepath.Join(dir, "c.json"), "--out", "")...)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "of 100 replications") || strings.Contains(r.stderr, "of 16 replications") {
		t.Errorf("message does not quote the totals:\n%s", r.stderr)
	}
}

// TestMergeRefusesEditedFile checks at the command that a partial file
// edited with its checksum recomputed is refused.
func TestMergeRefusesEditedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	save := filepath.Join(dir, "s.json")
	if r := runCLI(t, nil, nil, nil, args("run", tiny, "--save", save, "--out", "")...); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Schema string          `json:"schema"`
		SHA256 string          `json:"sha256"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(string(env.Body), `"trust":{"n":24`, `"trust":{"n":2500`, 1)
	if body == string(env.Body) {
		t.Fatal("edit changed nothing")
	}
	sum := sha256.Sum256([]byte(body))
	edited := fmt.Sprintf(`{"schema":%q,"sha256":%q,"body":%s}`, results.PartialSchema, hex.EncodeToString(sum[:]), body)
	bad := writeFile(t, dir, "edited.json", edited)
	r := runCLI(t, nil, nil, nil, "merge", bad)
	if r.code != exitUsage || !strings.Contains(r.stderr, "values.trust.n = 2500") {
		t.Errorf("exit %d, stderr %s; want exit 2 naming values.trust.n", r.code, r.stderr)
	}
}

// TestInterruptInsideLongReplication checks that cancellation reaches
// inside a replication that would run for minutes: the command ends as
// interrupted, with no replication counted. (If it did not, the test
// would run into the test timeout; no wall time is asserted.)
func TestInterruptInsideLongReplication(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := writeFile(t, dir, "long.yaml", "horizon: 100000\ntalks:\n  open_rate: 0\nparties:\n  - constituents: {size: 200000}\n  - constituents: {size: 200000}\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	r := runCLI(t, ctx, nil, nil, args("sweep", "--scenario", sc, "--param", "leaks.insiders=1:1:1", "--reps", "2", "--workers", "1", "--out", "")...)
	if r.code != exitInterrupted || !strings.Contains(r.stderr, "0 of 1 design points") {
		t.Errorf("exit %d, stderr %s; want %d and 0 of 1 design points", r.code, r.stderr, exitInterrupted)
	}
}
