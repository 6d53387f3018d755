package targets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

const validYAML = `
case: test
targets:
  - name: weeks
    statistic: talks_to_deal
    window: 104
    observed: 35
    source: "a book"
  - name: ratified
    statistic: breakthrough
    observed: 1
    weight: 0.5
    source: "an archive"
params:
  - name: leaks.base_hazard
    lo: 0
    hi: 0.002
`

func TestParseValid(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	if f.Replications != DefaultReplications || len(f.Targets) != 2 || len(f.Params) != 1 {
		t.Errorf("got R = %d, %d targets, %d params; want %d, 2, 1", f.Replications, len(f.Targets), len(f.Params), DefaultReplications)
	}
	if got, want := f.Weights(), []float64{1, 0.5}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Weights = %v, want %v", got, want)
	}
	if f.Scales() != nil {
		t.Errorf("Scales = %v, want nil (none given)", f.Scales())
	}
}

// TestParseErrors checks that each bad field is reported with its path,
// its value and the allowed range.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	target := func(body string) string {
		return "targets:\n  - name: x\n    source: s\n" + body
	}
	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", target("    statistic: leaked\n    observd: 0\n"), []string{"observd", "line"}},
		{"no targets", "case: x\n", []string{"targets", "at least one target"}},
		{"unknown statistic", target("    statistic: nope\n"), []string{"targets[0].statistic", "nope", "breakthrough"}},
		{"missing window", target("    statistic: talks_to_deal\n    observed: 3\n"), []string{"targets[0].window", "0"}},
		{"stray window", target("    statistic: leaked\n    window: 5\n"), []string{"targets[0].window", "takes no window"}},
		{"observed beyond window", target("    statistic: talks_to_deal\n    window: 10\n    observed: 11\n"), []string{"targets[0].observed", "11"}},
		{"share above 1", target("    statistic: breakthrough\n    observed: 1.5\n"), []string{"targets[0].observed", "1.5"}},
		{"bad side", target("    statistic: vote_support\n    side: 2\n    observed: 0.5\n"), []string{"targets[0].side", "2"}},
		{"negative weight", target("    statistic: leaked\n    weight: -1\n"), []string{"targets[0].weight", "-1"}},
		{"no source", "targets:\n  - name: x\n    statistic: leaked\n", []string{"targets[0].source"}},
		{"duplicate name", target("    statistic: leaked\n  - name: x\n    statistic: leaked\n    source: s\n"), []string{"targets[1].name", "unique"}},
		{"some scales", target("    statistic: leaked\n    scale: 1\n  - name: y\n    statistic: leaked\n    source: s\n"), []string{"targets[*].scale", "every target or none"}},
		{"bad replications", "replications: -3\n" + target("    statistic: leaked\n"), []string{"replications", "-3"}},
		{"bad range", target("    statistic: leaked\n") + "params:\n  - name: leaks.base_hazard\n    lo: 1\n    hi: 0\n", []string{"params[0].lo", "1:0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatalf("Parse: no error, want one mentioning %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseFieldErrors(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte("targets:\n  - name: x\n    statistic: breakthrough\n    observed: 2\n    source: s\n"))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "targets[0].observed" {
		t.Errorf("error %v: want a *FieldError for targets[0].observed", err)
	}
}

// TestSummarize checks every statistic on hand-made outcomes.
func TestSummarize(t *testing.T) {
	t.Parallel()
	outs := []sim.Outcome{
		// Deal at round 40, talks from round 10: 30 weeks; a leak; one
		// failed vote; support 0.6 on side 0 at the last vote.
		{Kind: sim.Breakthrough, Round: 40, FirstTalks: 10, Leaks: 1, FailedRatifications: 1, BackChannels: 2,
			Attacks: 3, FirstAttack: 5, SecretVotes: 2, SecretPasses: 1, VoteSupport: [2]float64{0.6, 0.7}},
		// Collapse at round 90, talks from round 20, no vote.
		{Kind: sim.Collapse, Round: 90, FirstTalks: 20, BackChannels: 1, Attacks: 1, FirstAttack: 60},
		// Impasse at the horizon, talks never opened.
		{Kind: sim.Impasse, Round: 520},
		// Deal at round 150 from talks at round 100 (50 weeks): beyond a
		// 104-week window from round 0, inside it from first talks.
		{Kind: sim.Breakthrough, Round: 150, FirstTalks: 100, PublicVotes: 1, PublicPasses: 1, VoteSupport: [2]float64{0.8, 0.9}},
	}
	for _, c := range []struct {
		t    Target
		want float64
	}{
		{Target{Statistic: "breakthrough"}, 2.0 / 4},
		{Target{Statistic: "collapse"}, 1.0 / 4},
		{Target{Statistic: "time_to_talks", Window: 50}, (10 + 20 + 50 + 50) / 4.0},
		{Target{Statistic: "time_to_deal", Window: 104}, (40 + 104 + 104 + 104) / 4.0},
		{Target{Statistic: "talks_to_deal", Window: 104}, (30 + 104 + 104 + 50) / 4.0},
		{Target{Statistic: "talks_to_deal", Window: 40}, (30 + 40 + 40 + 40) / 4.0},
		{Target{Statistic: "deal_within", Window: 30}, 1.0 / 4},
		{Target{Statistic: "leaked"}, 1.0 / 4},
		{Target{Statistic: "attacked_within", Window: 50}, 1.0 / 4},
		{Target{Statistic: "attacks"}, 4.0 / 4},
		{Target{Statistic: "failed_votes"}, 1.0 / 4},
		{Target{Statistic: "back_channels"}, 3.0 / 4},
		{Target{Statistic: "vote_support", Side: 0}, (0.6 + 0.8) / 2},
		{Target{Statistic: "vote_support", Side: 1}, (0.7 + 0.9) / 2},
	} {
		got := Summarize([]Target{c.t}, outs, nil)[0]
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s (window %d, side %d) = %v, want %v", c.t.Statistic, c.t.Window, c.t.Side, got, c.want)
		}
	}
	if got := Summarize([]Target{{Statistic: "vote_support"}}, outs[1:3], nil)[0]; got != 0 {
		t.Errorf("vote_support without votes = %v, want 0", got)
	}
}

// TestCaseFiles checks that the four shipped target files parse and bind to
// their case scenarios.
func TestCaseFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"oslo", "iran-oman", "mandela", "transit"} {
		dir := filepath.Join("..", "..", "examples", c)
		td, err := os.ReadFile(filepath.Join(dir, "targets.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(td)
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		sd, err := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := sim.ParseScenario(sd)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Bind(f, sc, nil); err != nil {
			t.Errorf("%s: Bind: %v", c, err)
		}
		if f.Case != c {
			t.Errorf("%s: case = %q", c, f.Case)
		}
	}
}

func TestBindErrors(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	short := sim.DefaultScenario()
	short.Horizon = 52
	for _, c := range []struct {
		name   string
		sc     *sim.Scenario
		params []Param
		want   string
	}{
		{"unknown field", sim.DefaultScenario(), []Param{{Name: "leaks.nope", Lo: 0, Hi: 1}}, "leaks.nope"},
		{"range beyond the field's", sim.DefaultScenario(), []Param{{Name: "leaks.base_hazard", Lo: 0, Hi: 2}}, "leaks.base_hazard = 2"},
		{"duplicate", sim.DefaultScenario(), []Param{{Name: "leaks.base_hazard", Lo: 0, Hi: 0.1}, {Name: "leaks.base_hazard", Lo: 0, Hi: 0.1}}, "each parameter once"},
		{"empty range", sim.DefaultScenario(), []Param{{Name: "leaks.base_hazard", Lo: 0.1, Hi: 0.1}}, "lo < hi"},
		{"window beyond horizon", short, nil, "targets[0].window"},
		{"no params", sim.DefaultScenario(), []Param{}, "no parameter"},
	} {
		_, err := Bind(f, c.sc, c.params)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Bind error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestModelDeterministic checks that Simulate depends only on theta and
// the generator, and that the base scenario is not modified.
func TestModelDeterministic(t *testing.T) {
	t.Parallel()
	st := newSBCSetup(t, 5)
	before := st.model.base.Scenario.Clone()
	theta := []float64{0.1, 0.15, 0.002}
	a, err := st.model.Simulate(theta, randFor(3))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st.model.Simulate(theta, randFor(3))
	for k := range a {
		if a[k] != b[k] {
			t.Errorf("summary %d: %v then %v with the same generator", k, a[k], b[k])
		}
	}
	arm, _ := st.model.Arm(theta)
	if got := arm.Scenario.Parties[1].Negotiator.ConcessionRate; got != 0.15 {
		t.Errorf("concession rate of side 1 = %v, want 0.15", got)
	}
	if st.model.base.Scenario.Leaks.BaseHazard != before.Leaks.BaseHazard || st.model.base.Scenario.Parties[0].Negotiator.ConcessionRate != before.Parties[0].Negotiator.ConcessionRate {
		t.Error("Simulate modified the base scenario")
	}
}

// TestStatisticsDocumented checks that the package documentation lists
// every statistic.
func TestStatisticsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Statistics() {
		if !strings.Contains(string(doc), "//\t"+s.Name+" ") {
			t.Errorf("statistic %q is not in the table of doc.go", s.Name)
		}
	}
}
