package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

// runArms runs the command with --json and returns the arms' labels.
func runArms(t *testing.T, a ...any) ([]string, result) {
	t.Helper()
	r := runCLI(t, nil, nil, nil, args(append(a, "--json", "--out", "")...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	var labels []string
	for _, a := range rep.Arms {
		labels = append(labels, a.Label)
	}
	return labels, r
}

// run --policy scenario runs the scenario file's policy field alone; without
// --policy the built-in policies run and a note says the field was not.
func TestRunPolicyScenario(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := writeFile(t, dir, "s.yaml", "policy: reliance=0.3\n")
	got, _ := runArms(t, "run", "--scenario", sc, "--policy", "scenario", tiny)
	if !slices.Equal(got, []string{"reliance=0.3"}) {
		t.Errorf("--policy scenario ran %v, want [reliance=0.3]", got)
	}
	got, _ = runArms(t, "run", "--scenario", sc, "--policy", "scenario", "--policy", "front-only", tiny)
	if !slices.Equal(got, []string{"reliance=0.3", "front-only"}) {
		t.Errorf("--policy scenario --policy front-only ran %v", got)
	}
	got, r := runArms(t, "run", "--scenario", sc, tiny)
	if len(got) != len(sim.BuiltinPolicies()) {
		t.Errorf("without --policy ran %v, want the %d built-in policies", got, len(sim.BuiltinPolicies()))
	}
	if !strings.Contains(r.stderr, `"reliance=0.3" is not among the policies run`) || !strings.Contains(r.stderr, "--policy scenario") {
		t.Errorf("no note that the scenario's policy was not run; stderr:\n%s", r.stderr)
	}
	// A scenario whose policy is among the built-in ones needs no note.
	plain := writeFile(t, dir, "p.yaml", "policy: back-only\n")
	if _, r := runArms(t, "run", "--scenario", plain, tiny); strings.Contains(r.stderr, "note") {
		t.Errorf("unexpected note: %s", r.stderr)
	}
}

// sweep refuses a policy parameter that does not apply to --policy, and two
// policy parameters together.
func TestSweepRefusesPolicyParams(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want []string // in the error
	}{
		{[]string{"--policy", "parallel", "--param", "policy.reliance=1:1:1"}, []string{"policy.reliance", "--policy parallel", "reliance"}},
		{[]string{"--policy", "parallel", "--param", "policy.switch_trust=0.5:0.5:1"}, []string{"policy.switch_trust", "--policy parallel", "back-then-front"}},
		{[]string{"--policy", "reliance=0.5", "--param", "policy.switch_trust=0.5:0.5:1"}, []string{"policy.switch_trust", "--policy reliance=0.5"}},
		{[]string{"--param", "policy.reliance=0:1:1", "--param", "policy.switch_trust=0.5:0.5:1"}, []string{"policy.reliance", "policy.switch_trust", "one at a time"}},
	} {
		r := runCLI(t, nil, nil, nil, args("sweep", c.args, tiny, "--out", "")...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d", c.args, r.code, exitUsage)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: error does not say %q:\n%s", c.args, w, r.stderr)
			}
		}
	}
	// A matching --policy is accepted.
	if r := runCLI(t, nil, nil, nil, args("sweep", "--policy", "reliance=0.5", "--param", "policy.reliance=0:1:1", tiny, "--out", "")...); r.code != 0 {
		t.Errorf("--policy reliance=0.5 with policy.reliance: exit %d: %s", r.code, r.stderr)
	}
}

// Every sweep output names the policy: the table, sweep.csv (one value per
// point) and the scenario.yaml written (re-runnable with that policy).
func TestSweepNamesPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args   []string
		want   []string // policy of each point
		yaml   string   // policy field of scenario.yaml
		header bool     // scenario.yaml says the policy varies
	}{
		{[]string{"--policy", "parallel", "--param", "talks.open_rate=0.1:0.2:0.1"}, []string{"parallel", "parallel"}, "parallel", false},
		{[]string{"--param", "talks.open_rate=0.1:0.2:0.1"}, []string{"back-then-front", "back-then-front"}, "back-then-front", false},
		{[]string{"--param", "policy.reliance=0:1:1"}, []string{"reliance=0", "reliance=1"}, "back-then-front", true},
	} {
		out := t.TempDir()
		r := runCLI(t, nil, nil, nil, args("sweep", c.args, tiny, "--out", out, "--no-figures", "--no-report")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, r.code, r.stderr)
		}
		f, err := os.Open(filepath.Join(out, "sweep.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "policy")
		if col < 0 || rows[0][len(rows[0])-1] != "partial" {
			t.Fatalf("%v: sweep.csv header %v: want a policy column and partial last", c.args, rows[0])
		}
		for i, row := range rows[1:] {
			if row[col] != c.want[i] {
				t.Errorf("%v: point %d policy %q, want %q", c.args, i, row[col], c.want[i])
			}
			if !strings.Contains(r.stdout, c.want[i]) {
				t.Errorf("%v: the table does not name %q:\n%s", c.args, c.want[i], r.stdout)
			}
		}
		y, err := os.ReadFile(filepath.Join(out, "scenario.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := sim.ParseScenario(y)
		if err != nil {
			t.Fatalf("%v: scenario.yaml does not parse: %v", c.args, err)
		}
		if sc.Policy != c.yaml {
			t.Errorf("%v: scenario.yaml policy %q, want %q", c.args, sc.Policy, c.yaml)
		}
		if got := strings.Contains(string(y), "# sweep: policy.reliance varies"); got != c.header {
			t.Errorf("%v: scenario.yaml says the policy varies: %v, want %v", c.args, got, c.header)
		}
	}
}

// helpFlagRE matches a flag named in a help text.
var helpFlagRE = regexp.MustCompile(`(?:^|[\s(\[,])--([a-z][a-z-]*)`)

// helpFileRE matches an output file named in a help text.
var helpFileRE = regexp.MustCompile(`\b[a-z][a-z0-9-]*\.(?:csv|json|html|yaml)\b`)

// Every flag the help of run, sweep and compare names is a flag of that
// command, and every output file any help names is documented in
// docs/OUTPUTS.md.
func TestHelpMatchesFlagsAndDocs(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/OUTPUTS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "sweep", "compare", "merge", "scenario"} {
		r := runCLI(t, nil, nil, nil, cmd, "-h")
		help := r.stderr
		_, flags, ok := strings.Cut(help, "\nflags:\n")
		if !ok {
			t.Fatalf("%s -h: no flags section:\n%s", cmd, help)
		}
		defined := map[string]bool{}
		for _, line := range strings.Split(flags, "\n") {
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				defined[strings.Fields(f)[0]] = true
			}
		}
		for _, m := range helpFlagRE.FindAllStringSubmatch(help, -1) {
			// merge and scenario name the flags of the commands whose
			// files they read or write; the others name only their own.
			if cmd == "merge" || cmd == "scenario" {
				break
			}
			if !defined[m[1]] {
				t.Errorf("%s -h names --%s, which %s does not accept", cmd, m[1], cmd)
			}
		}
		for _, name := range helpFileRE.FindAllString(help, -1) {
			if !strings.Contains(string(doc), "`OUT/"+name+"`") && !strings.Contains(string(doc), "`"+name+"`") {
				t.Errorf("%s -h names %s, which docs/OUTPUTS.md does not document", cmd, name)
			}
		}
	}
	// --precision is accepted wherever help mentions it.
	for _, cmd := range []string{"run", "compare"} {
		r := runCLI(t, nil, nil, nil, cmd, "-h")
		if !strings.Contains(r.stderr, "-precision") {
			t.Errorf("%s -h does not list --precision", cmd)
		}
	}
	if r := runCLI(t, nil, nil, nil, "sweep", "-h"); strings.Contains(r.stderr, "precision") {
		t.Errorf("sweep -h mentions precision, which sweep does not accept")
	}
}

// compare accepts --precision and stops early at the target.
func TestComparePrecision(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", "name: closed\nleaks:\n  insiders: 2\n")
	b := writeFile(t, dir, "b.yaml", "name: leaky\nleaks:\n  insiders: 40\n")
	r := runCLI(t, nil, nil, nil, "compare", a, b, "--precision", "0.25", "--reps", "20000", "--horizon", "40", "--block-size", "8", "--json", "--out", "")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	// A Wilson half-width of 0.25 at 95% needs at most about
	// (1.96/0.25)²/4 ≈ 15.4 replications (p = 1/2), so the first check,
	// after one batch (mc.DefaultBatchSize), stops well under the cap.
	if rep.Completed >= 20000 || !strings.Contains(r.stderr, "precision 0.25 reached") {
		t.Errorf("compare --precision 0.25: %d replications, stderr %q; want an early stop", rep.Completed, r.stderr)
	}
	if r := runCLI(t, nil, nil, nil, args("compare", a, b, "--precision", "0.7", tiny)...); r.code != exitUsage || !strings.Contains(r.stderr, "--precision = 0.7") {
		t.Errorf("--precision 0.7: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Partial lists in a scenario file: a parties list of one edits side A,
// the header of the generated scenario says how lists merge, and a short
// spoilers list is noted on stderr.
func TestPartialListsInScenarioFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one := writeFile(t, dir, "one.yaml", "parties:\n  - negotiator:\n      cost_rate: 0.02\nspoilers:\n  - capability: 0.5\n")
	r := runCLI(t, nil, nil, nil, args("run", "--scenario", one, "--policy", "back-only", tiny, "--out", "")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "lists 1 spoiler faction(s): a spoilers list replaces the 4 default factions") {
		t.Errorf("no note on the replaced spoilers:\n%s", r.stderr)
	}
	r = runCLI(t, nil, nil, nil, "scenario", one)
	if r.code != 0 {
		t.Fatalf("scenario: exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{"a parties list edits the default parties by", "A spoilers\n# list replaces all the default factions", "--policy scenario"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("scenario header does not say %q:\n%s", w, r.stdout[:600])
		}
	}
	sc, err := sim.ParseScenario([]byte(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Parties[0].Negotiator.CostRate != 0.02 || sc.Parties[1] != sim.DefaultScenario().Parties[1] {
		t.Errorf("parties %+v: want side A's cost_rate 0.02 and side B the default", sc.Parties)
	}
}

// A Latin hypercube and a grid over three parameters say on stderr why they
// have no figure.
func TestSweepNoFigureSaysWhy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lhs", "3", "--param", "talks.open_rate=0.05:0.2", "--param", "leaks.insiders=2:8"}, "a Latin hypercube has no figure"},
		{[]string{"--param", "talks.open_rate=0.1:0.2:0.1", "--param", "leaks.insiders=2:2:1", "--param", "mediator.security=0.5:0.5:1"}, "3 swept parameters have no figure"},
	} {
		out := t.TempDir()
		r := runCLI(t, nil, nil, nil, args("sweep", c.args, "--reps", "4", "--horizon", "20", "--block-size", "4", "--out", out, "--no-report")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "no sweep figure") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr does not say why there is no figure (%q):\n%s", c.args, c.want, r.stderr)
		}
	}
}

// The note under the run table explains the variance ratio and reads the
// values in the table: near 1 (no gain from pairing) or their range.
func TestVarianceRatioNote(t *testing.T) {
	t.Parallel()
	arm := func(v float64) sim.ArmReport {
		return sim.ArmReport{VsReference: &sim.Comparison{Breakthrough: sim.Difference{VarianceRatio: sim.Num(v)}}}
	}
	for _, c := range []struct {
		ratios []float64
		want   string
	}{
		{[]float64{1.0, 1.02}, "Here it is near 1"},
		{[]float64{2.5, 4}, "Here it ranges from 2.5 to 4.0"},
		{[]float64{0.5, 1}, "Here it ranges from 0.5 to 1.0 (below 1"},
		{[]float64{math.NaN()}, ""},
	} {
		rep := &sim.Report{Arms: []sim.ArmReport{{}}}
		for _, v := range c.ratios {
			rep.Arms = append(rep.Arms, arm(v))
		}
		var b strings.Builder
		if err := varianceRatioNote(&b, rep); err != nil {
			t.Fatal(err)
		}
		if c.want == "" {
			if b.Len() != 0 {
				t.Errorf("%v: want no note, got %q", c.ratios, b.String())
			}
			continue
		}
		if !strings.Contains(b.String(), c.want) || !strings.Contains(b.String(), "divided by its variance on common random numbers") {
			t.Errorf("%v: note %q, want it to explain the ratio and say %q", c.ratios, b.String(), c.want)
		}
	}
	r := runCLI(t, nil, nil, nil, args("run", "--policy", "front-only", "--policy", "back-only", tiny, "--out", "")...)
	if !strings.Contains(r.stdout, "variance ratio (breakthrough): the variance the difference would have had") {
		t.Errorf("the run table has no variance-ratio note:\n%s", r.stdout)
	}
}
