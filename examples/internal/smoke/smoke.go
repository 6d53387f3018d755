// Package smoke holds what the worked examples' smoke tests share.
package smoke

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/sim"
)

// Formats returns the figure formats a smoke test should expect. Without
// the race detector these are all of figures.Formats. Under the race
// detector, where rasterising the 300-dpi PNGs (and the PDFs) alone takes
// over ten seconds per study, it restricts figures.Formats to SVG until the
// test ends: SVG exercises the same plotting code. Tests that call it must
// not run in parallel with each other.
func Formats(t testing.TB) []string {
	t.Helper()
	if !RaceEnabled {
		return figures.Formats
	}
	old := figures.Formats
	figures.Formats = []string{"svg"}
	t.Cleanup(func() { figures.Formats = old })
	return figures.Formats
}

// Run runs a study in-process with args plus --out DIR (a temporary
// directory) and checks that its table on stdout contains each of want. It
// returns the directory and the table.
func Run(t *testing.T, run func(args []string, stdout io.Writer) error, args []string, want ...string) (dir, table string) {
	t.Helper()
	dir = t.TempDir()
	var out bytes.Buffer
	if err := run(append(append([]string(nil), args...), "--out", dir), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, s := range want {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	return dir, out.String()
}

// Files checks that every file and every figure (expanded to the formats
// of Formats, which it calls) was written to dir and is not empty.
func Files(t *testing.T, dir string, files, figures []string) {
	t.Helper()
	formats := Formats(t)
	names := append([]string(nil), files...)
	for _, fig := range figures {
		for _, f := range formats {
			names = append(names, fig+"."+f)
		}
	}
	for _, name := range names {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

// Check runs a case study with a few replications (Run, seed 3, two
// workers) and checks what every case study must write: its table
// (containing each of want), summary.json with the completed replications
// and arms, and the files and figures given (Files). It returns the
// directory and the table.
func Check(t *testing.T, run func(args []string, stdout io.Writer) error, reps, arms int, want, figures, files []string) (dir, table string) {
	t.Helper()
	Formats(t) // before the run: under -race the study writes SVG only
	dir, table = Run(t, run, []string{"--reps", strconv.Itoa(reps), "--seed", "3", "--workers", "2"}, want...)
	Files(t, dir, append([]string{"summary.json"}, files...), figures)
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep sim.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if rep.Completed != reps || len(rep.Arms) != arms {
		t.Errorf("summary: completed %d, arms %d; want %d, %d", rep.Completed, len(rep.Arms), reps, arms)
	}
	return dir, table
}
