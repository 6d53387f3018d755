package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// calTargets is a small targets file on the default scenario with a short
// horizon (scenario file calScenario).
const calTargets = `case: tiny
replications: 3
targets:
  - name: talks
    statistic: time_to_talks
    window: 40
    observed: 12
    source: test
  - name: channels
    statistic: back_channels
    observed: 1
    source: test
params:
  - name: talks.open_rate
    lo: 0.02
    hi: 0.3
`

const calScenario = "horizon: 40\nspoilers: []\n"

func calArgs(t *testing.T, dir string, extra ...string) []string {
	tf := writeFile(t, dir, "targets.yaml", calTargets)
	sf := writeFile(t, dir, "scenario.yaml", calScenario)
	a := []string{"calibrate", "--targets", tf, "--scenario", sf, "--particles", "12", "--seed", "4", "--min-acceptance", "0"}
	if raceEnabled {
		a = append(a, "--no-figures")
	}
	return append(a, extra...)
}

func readOut(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCalibrateWritesFiles runs a small calibration and checks the
// outputs, the per-generation lines on stderr and the tables on stdout.
func TestCalibrateWritesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	r := runCLI(t, nil, nil, nil, calArgs(t, dir, "--generations", "3", "--param", "talks.open_rate=0.02:0.3", "--param", "leaks.base_hazard=0:0.01", "--out", out)...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"generation 0:", "generation 2:", "stopped: maximum generations"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	for _, w := range []string{"talks.open_rate", "leaks.base_hazard", "90% credible interval", "time_to_talks"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	post := readOut(t, filepath.Join(out, "posterior.csv"))
	if lines := strings.Count(post, "\n"); lines != 13 || !strings.HasPrefix(post, "particle,weight,distance,talks.open_rate,leaks.base_hazard\n") {
		t.Errorf("posterior.csv: %d lines, header %q; want 13 lines and the parameters", lines, strings.SplitN(post, "\n", 2)[0])
	}
	if n := strings.Count(readOut(t, filepath.Join(out, "predictive.csv")), "\n"); n != 1+12*2 {
		t.Errorf("predictive.csv has %d lines, want %d", n, 1+12*2)
	}
	if n := strings.Count(readOut(t, filepath.Join(out, "generations.csv")), "\n"); n != 4 {
		t.Errorf("generations.csv has %d lines, want 4", n)
	}
	files := []string{"result.json"}
	if !raceEnabled {
		files = append(files, "pairs.png", "pairs.svg", "predictive.png", "predictive.pdf")
	}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
}

// TestCalibrateWorkersAndResume checks that the posterior does not depend
// on the number of workers, and that a run interrupted after two
// generations and resumed from its checkpoint ends with the same posterior
// as an uninterrupted run.
func TestCalibrateWorkersAndResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runTo := func(name string, extra ...string) string {
		out := filepath.Join(dir, name)
		r := runCLI(t, nil, nil, nil, calArgs(t, dir, append([]string{"--out", out, "--no-figures"}, extra...)...)...)
		if r.code != exitOK {
			t.Fatalf("%s: exit %d, stderr:\n%s", name, r.code, r.stderr)
		}
		return readOut(t, filepath.Join(out, "posterior.csv"))
	}
	one := runTo("w1", "--workers", "1", "--generations", "4")
	three := runTo("w3", "--workers", "3", "--generations", "4")
	if one != three {
		t.Errorf("posterior with 1 worker:\n%s\nwith 3:\n%s", one, three)
	}
	ck := filepath.Join(dir, "ck.json")
	runTo("part", "--generations", "2", "--checkpoint", ck)
	resumed := runTo("resumed", "--generations", "4", "--checkpoint", ck)
	if resumed != one {
		t.Errorf("resumed posterior:\n%s\nuninterrupted:\n%s", resumed, one)
	}
}

func TestCalibrateUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", "targets:\n  - name: x\n    statistic: breakthrough\n    observed: 3\n    source: s\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no targets", []string{"calibrate"}, "--targets is required"},
		{"bad param syntax", calArgs(t, dir, "--param", "talks.open_rate"), "FIELD=LO:HI"},
		{"unknown param", calArgs(t, dir, "--param", "talks.nope=0:1"), "talks.nope"},
		{"range outside the field's", calArgs(t, dir, "--param", "talks.open_rate=0:3"), "talks.open_rate = 3"},
		{"invalid targets", []string{"calibrate", "--targets", bad}, "targets[0].observed"},
		{"bad particles", calArgs(t, dir, "--particles", "1"), "--particles = 1"},
		{"bad kernel", calArgs(t, dir, "--kernel", "x"), "--kernel"},
	} {
		r := runCLI(t, nil, nil, nil, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", c.name, r.code, r.stderr, exitUsage, c.want)
		}
	}
}
