package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A malformed SOURCE_DATE_EPOCH (which would make PDF output fail after
// the computation) is refused before anything runs, with exit code 2, by
// every command that writes figures; --no-figures and --out "" run anyway.
// Not parallel: it replaces the package's sourceDateError, and top-level
// parallel tests start only after the sequential ones have finished.
func TestMalformedSourceDateRefusedEarly(t *testing.T) {
	saved := sourceDateError
	defer func() { sourceDateError = saved }()
	sourceDateError = func() error { return errors.New(`figures: SOURCE_DATE_EPOCH="bad": malformed`) }
	dir := t.TempDir()
	a, b := writeFile(t, dir, "a.yaml", "name: a\n"), writeFile(t, dir, "b.yaml", "name: b\n")
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"run", args("run", tiny, "--out", filepath.Join(dir, "run")), false},
		{"compare", args("compare", tiny, "--out", filepath.Join(dir, "compare"), a, b), false},
		{"sweep", args("sweep", tiny, "--param", "talks.open_rate=0.05,0.1", "--out", filepath.Join(dir, "sweep")), false},
		{"explore", args("explore", "morris", "--n", "2", "--reps", "2", "--out", filepath.Join(dir, "explore")), false},
		{"run --no-figures", args("run", tiny, "--no-figures", "--out", filepath.Join(dir, "nofig")), true},
		{"run --out ''", args("run", tiny, "--out", ""), true},
	} {
		r := runCLI(t, nil, nil, nil, tc.args...)
		if tc.ok {
			if r.code != exitOK {
				t.Errorf("%s: exit %d, want 0: %s", tc.name, r.code, r.stderr)
			}
			continue
		}
		if r.code != exitUsage || !strings.Contains(r.stderr, "SOURCE_DATE_EPOCH") || !strings.Contains(r.stderr, "--no-figures") {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 naming SOURCE_DATE_EPOCH and --no-figures", tc.name, r.code, r.stderr)
		}
		if out := filepath.Join(dir, strings.Fields(tc.name)[0]); fileExists(out) {
			t.Errorf("%s: %s was created before the refusal", tc.name, out)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
