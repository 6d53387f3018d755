package results

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// zeros is an endless reader of zero bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestLoadBoundedInput checks that an endless or oversized input ends
// with ErrCorrupt instead of being read into memory.
func TestLoadBoundedInput(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]io.Reader{
		"zeros":      zeros{},
		"whitespace": io.LimitReader(repeat(' '), 1<<20),
	} {
		_, err := LoadStudyResult(r)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got error %v, want ErrCorrupt", name, err)
		}
		if _, err := LoadSweepResult(io.LimitReader(zeros{}, 1<<20)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("sweep %s: got error %v, want ErrCorrupt", name, err)
		}
	}
	over := io.MultiReader(strings.NewReader(`{"schema":"`), repeat('a'))
	if _, err := readPartMax(over, 1<<16, decodePart); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized: got error %v, want ErrCorrupt naming the limit", err)
	}
}

// repeat is an endless reader of byte c.
type repeat byte

func (c repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// TestLoadRejectsInconsistentCounts checks the identities behind the
// checksum: a file edited with its checksum recomputed must still agree
// with itself.
func TestLoadRejectsInconsistentCounts(t *testing.T) {
	t.Parallel()
	s := partStudy(40)
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 5, Replications: 40, BlockSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := SaveStudyResult(&buf, &StudyPart{Study: s, Result: res}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	resign := func(edit func(string) string) []byte { return resealed(t, good, PartialSchema, edit) }

	add := func(key string, d int) func(string) string {
		re := regexp.MustCompile(`"` + key + `":(\d+)`)
		return func(b string) string {
			done := false
			return re.ReplaceAllStringFunc(b, func(m string) string {
				if done {
					return m
				}
				done = true
				n, _ := strconv.Atoi(re.FindStringSubmatch(m)[1])
				return fmt.Sprintf(`"%s":%d`, key, n+d)
			})
		}
	}
	for name, edit := range map[string]func(string) string{
		"trust n":            func(b string) string { return strings.Replace(b, `"trust":{"n":40`, `"trust":{"n":2500`, 1) },
		"secret votes":       add("secret_votes", 1000),
		"secret passes":      add("secret_passes", 1),
		"public votes":       add("public_votes", 3),
		"approval n minus 1": func(b string) string { return strings.Replace(b, `"approval":{"n":40`, `"approval":{"n":39`, 1) },
	} {
		_, err := LoadStudyResult(bytes.NewReader(resign(edit)))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got error %v, want ErrCorrupt", name, err)
		}
	}
	if _, err := LoadStudyResult(bytes.NewReader(good)); err != nil {
		t.Errorf("good file: %v", err)
	}
}

// TestMergeNilParts checks that nil parts are an error, not a panic.
func TestMergeNilParts(t *testing.T) {
	t.Parallel()
	if _, err := MergeStudyResults(nil); err == nil {
		t.Error("MergeStudyResults(nil): no error")
	}
	if _, err := MergeStudyResults(&StudyPart{}); err == nil {
		t.Error("MergeStudyResults(empty part): no error")
	}
	if _, err := MergeSweepResults(nil); err == nil {
		t.Error("MergeSweepResults(nil): no error")
	}
}

// TestWriteFileAtomicSymlinkAndStaleTemps checks that an atomic write
// replaces a symbolic link instead of writing through it, and removes the
// temporary files a killed writer left behind.
func TestWriteFileAtomicSymlinkAndStaleTemps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "out.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	stale := filepath.Join(dir, ".out.json.tmp123")
	fresh := filepath.Join(dir, ".out.json.tmp456")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Errorf("out.json is still a link (%v)", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file not removed: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a recent temporary file (maybe another writer's) was removed: %v", err)
	}
}

// TestSegmentSizeNoOverflow checks the checkpoint segment size for block
// sizes whose product with 4·workers overflows (it divided by zero).
func TestSegmentSizeNoOverflow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ w, b int }{{1, 1 << 62}, {1000, math.MaxInt64}, {2, 256}} {
		if seg := segmentSize(c.w, c.b); seg == 0 || seg%uint64(c.b) != 0 {
			t.Errorf("segmentSize(%d, %d) = %d: want a non-zero multiple of the block size", c.w, c.b, seg)
		}
	}
}

// TestCheckpointHugeBlockSize runs a checkpointed run whose block size
// makes 4·workers·B wrap to zero.
func TestCheckpointHugeBlockSize(t *testing.T) {
	t.Parallel()
	s := partStudy(10)
	path := filepath.Join(t.TempDir(), "c.json")
	cfg := mc.RunConfig{Seed: 1, Replications: 10, Workers: 1, BlockSize: 1 << 62}
	part, _, err := RunStudyCheckpointed(context.Background(), s, cfg, Checkpoint{Path: path, Run: mc.RepRange{Lo: 0, Hi: 10}})
	if err != nil || part.Result.Done != 10 {
		t.Fatalf("got %v, want 10 replications done", err)
	}
}
