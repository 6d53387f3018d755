package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// tiny are the flags of a fast run: few replications, a short horizon.
var tiny = []string{"--reps", "24", "--horizon", "40", "--block-size", "8", "--seed", "3"}

// result is the outcome of one in-process run of the command.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the command in-process with ctx (nil: background) and env.
func runCLI(t *testing.T, ctx context.Context, env map[string]string, hook func(done, total int), args ...string) result {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	var o, e bytes.Buffer
	c := &cli{ctx: ctx, stdout: &o, stderr: &e, getenv: func(k string) string { return env[k] }, now: time.Now, onProgress: hook}
	code := c.main(args)
	return result{o.String(), e.String(), code}
}

func args(a ...any) []string {
	var out []string
	for _, x := range a {
		switch v := x.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEntryPointExitCodes(t *testing.T) {
	var o, e bytes.Buffer
	if code := run([]string{"run", "--no-such-flag"}, &o, &e); code != exitUsage {
		t.Errorf("run --no-such-flag: exit %d, want %d; stderr %s", code, exitUsage, e.String())
	}
	o.Reset()
	if code := run([]string{"help"}, &o, &e); code != exitOK || !strings.Contains(o.String(), "usage: backchannel") {
		t.Errorf("help: exit %d, stdout %q", code, o.String())
	}
}

func TestRunDefaultWritesFiles(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	files := []string{"summary.json", "scenario.yaml", "outcomes.csv"}
	figs := []string{}
	if raceEnabled {
		figs = append(figs, "--no-figures") // rendering is ~25× slower under -race
	} else {
		files = append(files, "incidence.png", "incidence.svg", "incidence.pdf", "channels.png", "trajectories.png")
	}
	r := runCLI(t, nil, nil, nil, args("run", tiny, "--csv", "--out", out, figs)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{"breakthrough", "front-only", "back-only", "back-then-front", "reliance=0.5", "parallel", "paired differences"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("table lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	var rep sim.Report
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != sim.ReportSchema || rep.Replications != 24 || rep.Completed != 24 || rep.Partial || len(rep.Arms) != 5 {
		t.Errorf("summary.json: schema %q replications %d completed %d partial %v arms %d", rep.Schema, rep.Replications, rep.Completed, rep.Partial, len(rep.Arms))
	}
	y, _ := os.ReadFile(filepath.Join(out, "scenario.yaml"))
	sc, err := sim.ParseScenario(y)
	if err != nil {
		t.Fatalf("scenario.yaml does not parse: %v", err)
	}
	want := sim.DefaultScenario()
	want.Horizon = 40
	if !reflect.DeepEqual(sc, want) {
		t.Error("scenario.yaml is not the scenario that ran")
	}
}

func TestUsageAndInputErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badValue := writeFile(t, dir, "bad.yaml", "talks:\n  open_rate: 2\nparties:\n  - negotiator:\n      aspiration: -1\n")
	unknown := writeFile(t, dir, "unknown.yaml", "talks:\n  open_rat: 0.1\n")
	notYAML := writeFile(t, dir, "junk.yaml", "talks: [\n")
	for _, c := range []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"no command", nil, []string{"usage: backchannel"}},
		{"unknown command", []string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{"bad flag", []string{"run", "--frob"}, []string{"flag provided but not defined: -frob"}},
		{"bad flag value", []string{"run", "--reps", "many"}, []string{"invalid value"}},
		{"negative reps", []string{"run", "--reps", "-1"}, []string{"--reps = -1"}},
		{"positional", []string{"run", "extra"}, []string{`unexpected argument "extra"`}},
		{"bad policy", []string{"run", "--policy", "sideways"}, []string{`unknown policy "sideways"`}},
		{"bad policy parameter", []string{"run", "--policy", "reliance=2"}, []string{"must be a number in [0,1]"}},
		{"bad precision", []string{"run", "--precision", "0.9"}, []string{"--precision = 0.9"}},
		{"impasse-k zero", []string{"run", "--impasse-k", "0"}, []string{"--impasse-k = 0: must be in 1..3"}},
		{"impasse-k too large", []string{"compare", "--impasse-k", "4", "a.yaml", "b.yaml"}, []string{"--impasse-k = 4: must be in 1..3"}},
		{"horizon out of range", []string{"run", "--horizon", "200000"}, []string{"horizon = 200000", "[1, 100000]"}},
		{"invalid scenario", []string{"run", "--scenario", badValue}, []string{"talks.open_rate = 2: must be in [0, 1]", "parties[0].negotiator.aspiration = -1"}},
		{"unknown field", []string{"run", "--scenario", unknown}, []string{"talks.open_rat (line 2): unknown field", "open_rate"}},
		{"not YAML", []string{"run", "--scenario", notYAML}, []string{"junk.yaml"}},
		{"missing scenario file", []string{"run", "--scenario", filepath.Join(dir, "nope.yaml")}, []string{"nope.yaml"}},
		{"compare one file", []string{"compare", badValue}, []string{"two scenario files"}},
		{"sweep without param", []string{"sweep"}, []string{"--param"}},
		{"sweep bad field", []string{"sweep", "--param", "talks.nope=0:1:0.5"}, []string{`no field "nope"`}},
		{"sweep bad step", []string{"sweep", "--param", "talks.open_rate=0:1:0.3"}, []string{"not a multiple of STEP"}},
		{"sweep value out of range", []string{"sweep", "--reps", "2", "--horizon", "10", "--no-figures", "--out", "", "--param", "talks.open_rate=0.5:1.5:0.5"}, []string{"talks.open_rate = 1.5"}},
		{"scenario two files", []string{"scenario", "a", "b"}, []string{"at most one FILE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, nil, nil, c.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitUsage, r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// TestImpasseK: the table names the k-th impasse chosen by --impasse-k
// (2 by default) beside the breakthrough share, and the JSON reports it.
func TestImpasseK(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		flag []string
		want string
		k    int
	}{{nil, "2nd impasse by H", 2}, {[]string{"--impasse-k", "3"}, "3rd impasse by H", 3}} {
		r := runCLI(t, nil, nil, nil, args("run", tiny, "--reps", "20", "--no-figures", "--out", "", "--policy", "front-only", "--policy", "back-only", c.flag)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", c.flag, r.code, r.stderr)
		}
		for _, w := range []string{c.want, "median time to it", "Δ " + strings.TrimSuffix(c.want, " by H")} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: table lacks %q:\n%s", c.flag, w, r.stdout)
			}
		}
		r = runCLI(t, nil, nil, nil, args("run", tiny, "--reps", "20", "--json", "--no-figures", "--out", "", "--policy", "back-only", c.flag)...)
		var rep sim.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
			t.Fatalf("%v: exit %d, JSON %v", c.flag, r.code, err)
		}
		if ir := rep.Arms[0].Impasse; ir == nil || ir.RepeatedK != c.k || len(ir.Kth) != sim.MaxImpasses {
			t.Errorf("%v: impasse section %+v, want repeated_k %d", c.flag, ir, c.k)
		}
	}
}

func TestJSONIdenticalAcrossWorkers(t *testing.T) {
	t.Parallel()
	var first string
	for _, w := range []string{"1", "2", "3"} {
		r := runCLI(t, nil, nil, nil, args("run", tiny, "--reps", "50", "--json", "--no-figures", "--out", "", "--workers", w)...)
		if r.code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, r.code, r.stderr)
		}
		if first == "" {
			first = r.stdout
			if !strings.HasPrefix(first, "{\n  \"schema\": \"backchannel.summary/v1\"") {
				t.Fatalf("not the JSON summary:\n%s", first)
			}
			continue
		}
		if r.stdout != first {
			t.Errorf("--workers %s: JSON differs from --workers 1", w)
		}
	}
}

func TestCSVRows(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	r := runCLI(t, nil, nil, nil, args("run", tiny, "--reps", "7", "--policy", "front-only", "--policy", "parallel", "--csv", "--no-figures", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	f, err := os.Open(filepath.Join(out, "outcomes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], studyout.CSVHeader) {
		t.Errorf("header %v", rows[0])
	}
	if got, want := len(rows)-1, 7*2; got != want {
		t.Errorf("%d rows, want %d (replications × arms)", got, want)
	}
	seen := map[string]int{}
	for _, row := range rows[1:] {
		seen[row[1]]++
		if k := row[3]; k != "breakthrough" && k != "collapse" && k != "impasse" {
			t.Errorf("outcome %q", k)
		}
	}
	if seen["front-only"] != 7 || seen["parallel"] != 7 {
		t.Errorf("rows per arm %v", seen)
	}
}

// cancelAfter returns a context and a progress hook that cancels it once
// at least n replications are done.
func cancelAfter(n int) (context.Context, func(done, total int)) {
	ctx, cancel := context.WithCancel(context.Background())
	return ctx, func(done, total int) {
		if done >= n {
			cancel()
		}
	}
}

func TestCancelledRunWritesPartialResults(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	ctx, hook := cancelAfter(8)
	r := runCLI(t, ctx, nil, hook, args("run", tiny, "--reps", "2000", "--workers", "1", "--out", out, "--no-figures")...)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", r.code, exitInterrupted, r.stderr)
	}
	if !strings.Contains(r.stdout, "PARTIAL") || !strings.Contains(r.stderr, "partial results written") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	var rep sim.Report
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Partial || rep.Completed < 8 || rep.Completed >= 2000 || rep.Replications != 2000 {
		t.Errorf("partial %v completed %d of %d", rep.Partial, rep.Completed, rep.Replications)
	}
}

func TestScenarioCommandRoundTrips(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, nil, nil, "scenario")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sc, err := sim.ParseScenario([]byte(r.stdout))
	if err != nil {
		t.Fatalf("ParseScenario rejects the output: %v", err)
	}
	if !reflect.DeepEqual(sc, sim.DefaultScenario()) {
		t.Error("scenario output does not parse back to DefaultScenario")
	}
	// Every key of the top level and of the first list elements has a
	// comment line above it, and every leaf states a default and a range.
	lines := strings.Split(r.stdout, "\n")
	keys := 0
	for i, l := range lines {
		trim := strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(l), "- "), " ")
		if trim == "" || strings.HasPrefix(trim, "#") || !strings.Contains(trim, ":") {
			continue
		}
		prev := strings.TrimSpace(lines[i-1])
		if strings.HasPrefix(strings.TrimSpace(l), "- ") {
			prev = "#" // first key of a list element: the comment is on the "- " line's left
		}
		if inFirstElements(lines, i) && !strings.HasPrefix(prev, "#") {
			t.Errorf("line %d %q has no comment above it", i+1, l)
		}
		keys++
	}
	if n := strings.Count(r.stdout, "; allowed: "); n < 80 {
		t.Errorf("only %d fields state their allowed range", n)
	}
	if !strings.Contains(r.stdout, "# default 0.35; allowed: in [0, 1]\n    front_min_trust: 0.35") &&
		!strings.Contains(r.stdout, "default 0.35; allowed: in [0, 1]\n  front_min_trust: 0.35") {
		t.Errorf("front_min_trust comment does not show the true default:\n%s", grepContext(r.stdout, "front_min_trust"))
	}

	// A user's file prints with comments and parses back to itself.
	dir := t.TempDir()
	f := writeFile(t, dir, "s.json", `{"name": "mine", "horizon": 99, "leaks": {"insiders": 3}, "spoilers": [{"party": 1, "type": "greedy"}]}`)
	r = runCLI(t, nil, nil, nil, "scenario", f)
	if r.code != 0 {
		t.Fatalf("scenario FILE: exit %d: %s", r.code, r.stderr)
	}
	a, err := sim.ParseScenario([]byte(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(f)
	b, _ := sim.ParseScenario(data)
	if !reflect.DeepEqual(a, b) {
		t.Error("scenario FILE output does not parse back to FILE's scenario")
	}
}

// inFirstElements reports whether line i lies outside any list element
// other than the first (only first elements are commented).
func inFirstElements(lines []string, i int) bool {
	indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
	seenItem := map[int]int{}
	for j := 0; j <= i; j++ {
		l := lines[j]
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if strings.HasPrefix(strings.TrimLeft(l, " "), "- ") {
			seenItem[ind]++
			for k := range seenItem {
				if k > ind {
					delete(seenItem, k)
				}
			}
		}
	}
	for ind, n := range seenItem {
		if ind < indent && n > 1 {
			return false
		}
	}
	return true
}

func grepContext(s, w string) string {
	i := strings.Index(s, w)
	if i < 0 {
		return ""
	}
	return s[max(0, i-300):min(len(s), i+100)]
}

func TestSweep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		args   []string
		rows   int
		figure string
	}{
		{"grid one parameter", []string{"--param", "talks.open_rate=0.05:0.15:0.05"}, 3, "shares.png"},
		{"grid two parameters", []string{"--param", "talks.open_rate=0.05:0.15:0.1", "--param", "leaks.insiders=2:6:2"}, 6, "heatmap.png"},
		{"latin hypercube", []string{"--lhs", "4", "--param", "policy.reliance=0:1", "--param", "leaks.insiders=2:8"}, 4, ""},
		{"policy parameter", []string{"--param", "policy.switch_trust=0.3:0.7:0.4"}, 2, "shares.png"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			var figs []string
			if raceEnabled {
				figs, c.figure = []string{"--no-figures"}, ""
			}
			r := runCLI(t, nil, nil, nil, args("sweep", "--reps", "6", "--horizon", "30", "--block-size", "4", "--out", out, c.args, figs)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
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
			if len(rows)-1 != c.rows {
				t.Errorf("%d rows, want %d", len(rows)-1, c.rows)
			}
			if c.figure != "" {
				if _, err := os.Stat(filepath.Join(out, c.figure)); err != nil {
					t.Errorf("no %s: %v", c.figure, err)
				}
			}
			if !strings.Contains(r.stdout, "breakthrough") {
				t.Errorf("no table:\n%s", r.stdout)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", "name: closed\nleaks:\n  insiders: 2\n")
	b := writeFile(t, dir, "b.yaml", "name: leaky\nleaks:\n  insiders: 40\n")
	r := runCLI(t, nil, nil, nil, args("compare", a, b, "--policy", "back-only", tiny, "--json", "--no-figures", "--out", dir)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Arms) != 2 || rep.Arms[0].Label != "closed" || rep.Arms[1].Label != "leaky" {
		t.Fatalf("arms %+v", rep.Arms)
	}
	vs := rep.Arms[1].VsReference
	if vs == nil || vs.Reference != "closed" || vs.Breakthrough.N != 24 {
		t.Errorf("vs_reference %+v", vs)
	}
	if rep.Arms[0].Policy != "back-only" || rep.Arms[1].Policy != "back-only" {
		t.Errorf("policies %s, %s", rep.Arms[0].Policy, rep.Arms[1].Policy)
	}
	for _, f := range []string{"scenario-0.yaml", "scenario-1.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// Same names: labels from the file names; each scenario's own policy.
	c := writeFile(t, dir, "c.yaml", "name: closed\npolicy: parallel\n")
	r = runCLI(t, nil, nil, nil, args("compare", a, c, tiny, "--no-figures", "--out", "")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "paired differences against a") || !strings.Contains(r.stdout, "\nc ") {
		t.Errorf("table:\n%s", r.stdout)
	}
}

func TestPrecisionStopsEarly(t *testing.T) {
	t.Parallel()
	var first string
	for _, w := range []string{"1", "2"} {
		r := runCLI(t, nil, nil, nil, args("run", tiny, "--reps", "100000", "--block-size", "256", "--horizon", "20", "--policy", "front-only",
			"--precision", "0.05", "--json", "--no-figures", "--out", "", "--workers", w)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "precision 0.05 reached") {
			t.Errorf("stderr: %s", r.stderr)
		}
		var rep sim.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Replications >= 100000 || rep.Replications%1024 != 0 {
			t.Errorf("stopped after %d replications", rep.Replications)
		}
		e := rep.Arms[0].Outcomes.Breakthrough
		if hw := (float64(e.CI[1]) - float64(e.CI[0])) / 2; hw > 0.05 {
			t.Errorf("half-width %g > 0.05", hw)
		}
		if first == "" {
			first = r.stdout
		} else if r.stdout != first {
			t.Error("--precision result depends on --workers")
		}
	}
}
