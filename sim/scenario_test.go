package sim

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/internal/check"
)

func TestDefaultScenarioValid(t *testing.T) {
	t.Parallel()
	if err := DefaultScenario().Validate(); err != nil {
		t.Fatalf("default scenario invalid: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	s := DefaultScenario()
	s.Horizon = 0
	s.Policy = "telepathy"
	s.Parties[1].Constituents.Size = -3
	s.Parties[0].Negotiator.InitialTrust = math.NaN()
	s.Talks.BreakdownTrust = 0.5 // above commit_trust: wrong order
	s.Leaks.BaseHazard = 1.5
	s.Spoilers[2].Capability = -1
	err := s.Validate()
	if err == nil {
		t.Fatal("invalid scenario validated")
	}
	want := []string{
		"horizon = 0: must be an integer in [1, 100000]",
		`policy = "telepathy"`,
		"parties[1].constituents.size = -3",
		"parties[0].negotiator.initial_trust = NaN",
		"talks.breakdown_trust = 0.5: must be < commit_trust (0.35)",
		"leaks.base_hazard = 1.5: must be in [0, 1]",
		"spoilers[2].capability = -1",
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%v", w, err)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Error("errors are not *FieldError")
	}
	if n := len(check.Flatten(err)); n != len(want) {
		t.Errorf("%d errors, want %d:\n%v", n, len(want), err)
	}
}

func TestParseScenarioYAMLAndJSONRoundTrip(t *testing.T) {
	t.Parallel()
	s := DefaultScenario()
	s.Name = "round-trip"
	s.Mediator.Enabled = true
	s.Spoilers[1].Type = agents.Greedy
	y, err := s.MarshalYAMLText()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseScenario(y)
	if err != nil {
		t.Fatalf("YAML: %v\n%s", err, y)
	}
	if !reflect.DeepEqual(s, back) {
		t.Errorf("YAML round trip changed the scenario")
	}
	j, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err = ParseScenario(j)
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if !reflect.DeepEqual(s, back) {
		t.Errorf("JSON round trip changed the scenario")
	}
}

func TestParseScenarioPartialKeepsDefaults(t *testing.T) {
	t.Parallel()
	s, err := ParseScenario([]byte("horizon: 100\nparties:\n  - negotiator: {cost_rate: 0.01}\n  - {}\nspoilers:\n  - {type: total, party: 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultScenario()
	if s.Horizon != 100 || s.Parties[0].Negotiator.CostRate != 0.01 {
		t.Errorf("overrides lost: horizon %d, cost %g", s.Horizon, s.Parties[0].Negotiator.CostRate)
	}
	if s.Parties[0].Negotiator.Aspiration != d.Parties[0].Negotiator.Aspiration || s.Parties[1].Name != "B" {
		t.Error("defaults lost for unspecified fields")
	}
	if len(s.Spoilers) != 1 || s.Spoilers[0].Type != agents.Total || s.Spoilers[0].Capability != agents.DefaultSpoilerParams().Capability {
		t.Errorf("spoiler list: %+v", s.Spoilers)
	}
	if e, err := ParseScenario([]byte("{}")); err != nil || !reflect.DeepEqual(e, d) {
		t.Errorf("{}: %v", err)
	}
}

func TestParseScenarioUnknownFields(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"horizn: 10\n",
		"talks:\n  open_rate: 0.1\n  opne_rate: 0.2\n",
		`{"parties": [{"negotiator": {"betta": 1}}]}`,
		"spoilers:\n  - {type: total, colour: red}\n",
	} {
		_, err := ParseScenario([]byte(in))
		if err == nil || !strings.Contains(err.Error(), "unknown field") {
			t.Errorf("%q: err = %v, want an unknown-field error", in, err)
		}
	}
	_, err := ParseScenario([]byte("talks:\n  opne_rate: 0.2\n"))
	if err == nil || !strings.Contains(err.Error(), "talks.opne_rate (line 2)") {
		t.Errorf("error does not give the path and line: %v", err)
	}
}

func TestParseScenarioBadValues(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"horizon: -1\n",
		"horizon: ten\n",
		"policy: reliance=2\n",
		"spoilers:\n  - {type: angry}\n",
		"parties: 3\n",
		"[1, 2]\n",
	} {
		if _, err := ParseScenario([]byte(in)); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Policy{
		"front-only":          FrontOnly{},
		"back-only":           BackOnly{},
		"back-then-front":     BackThenFront{Threshold: DefaultSwitchTrust},
		"back-then-front=0.7": BackThenFront{Threshold: 0.7},
		"reliance=0.25":       Reliance{P: 0.25},
		"parallel":            ParallelChannels{},
	} {
		got, err := ParsePolicy(in)
		if err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %v, %v; want %v", in, got, err, want)
		}
		if got != nil && got.Name() != in {
			t.Errorf("Name() = %q, want %q", got.Name(), in)
		}
	}
	for _, bad := range []string{"", "reliance", "reliance=1.5", "reliance=NaN", "front-only=1", "sideways"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}
