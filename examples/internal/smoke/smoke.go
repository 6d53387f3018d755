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

// Check runs a study in-process with a few replications into a temporary
// directory and checks what every study must write: its table on stdout
// (containing each of want), summary.json with completed replications and
// arms, and every file in files (figure base names are expanded to the
// formats of Formats). It returns the directory and the table.
func Check(t *testing.T, run func(args []string, stdout io.Writer) error, reps, arms int, want, figures, files []string) (dir, table string) {
	t.Helper()
	formats := Formats(t)
	dir = t.TempDir()
	var out bytes.Buffer
	args := []string{"--reps", strconv.Itoa(reps), "--seed", "3", "--workers", "2", "--out", dir}
	if err := run(args, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, s := range want {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	names := append([]string{"summary.json"}, files...)
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
	return dir, out.String()
}
