package sim

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseScenarioHostileText checks the messages for texts a user or an
// adversary may write: every one names the field's path and line (and the
// allowed range where the field has one), and nothing is silently
// ignored.
func TestParseScenarioHostileText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"NaN", "talks:\n  open_rate: .nan\n", []string{"talks.open_rate (line 2)", "not a finite number", "must be in [0, 1]"}},
		{"Inf", "talks:\n  open_rate: .inf\n", []string{"talks.open_rate (line 2)", "not a finite number"}},
		{"1e309", "talks:\n  open_rate: 1e309\n", []string{"talks.open_rate (line 2)", "beyond the range of a float64"}},
		{"string for int", "horizon: ten\n", []string{"horizon (line 1)", `want an integer, got "ten"`, "[1, 100000]"}},
		{"fraction for int", "horizon: 10.5\n", []string{"horizon (line 1)", "want an integer"}},
		{"list for number", "talks:\n  open_rate: [1, 2]\n", []string{"talks.open_rate (line 2)", "want a number, got a list"}},
		{"number for bool", "mediator:\n  enabled: 3\n", []string{"mediator.enabled (line 2)", "want true or false"}},
		{"list for string", "name: [a, b]\n", []string{"name (line 1)", "want a string, got a list"}},
		{"second document", "horizon: 10\n---\nhorizon: 20\n", []string{"second YAML document (line 2)"}},
		{"empty", "", []string{"empty"}},
		{"comments only", "# nothing\n", []string{"empty"}},
		{"trailing comma JSON", `{"horizon": 100,}`, []string{"invalid JSON", "line 1"}},
		{"merge key", "base: &b {open_rate: 0.2}\n", []string{"base (line 1): unknown field"}},
		{"merge key in talks", "talks:\n  <<: {open_rate: 0.2}\n", []string{"merge keys (<<) are not supported"}},
		{"bad enum", "spoilers:\n  - {type: angry}\n", []string{"spoilers[0].type (line 2)"}},
		{"JSON NaN", `{"talks": {"open_rate": NaN}}`, []string{"invalid JSON"}},
	} {
		_, err := ParseScenario([]byte(c.in))
		if err == nil {
			t.Errorf("%s: %q accepted", c.name, c.in)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "Scenario.") || strings.Contains(err.Error(), "unsupported value") {
			t.Errorf("%s: error %q names Go types", c.name, err)
		}
	}
}

// TestParseScenarioAliases checks that YAML aliases work.
func TestParseScenarioAliases(t *testing.T) {
	t.Parallel()
	s, err := ParseScenario([]byte("talks:\n  open_rate: &r 0.25\n  front_min_trust: *r\nleaks: &l {insiders: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Talks.OpenRate != 0.25 || s.Talks.FrontMinTrust != 0.25 || s.Leaks.Insiders != 3 {
		t.Errorf("aliases not applied: open_rate %g, front_min_trust %g, insiders %d", s.Talks.OpenRate, s.Talks.FrontMinTrust, s.Leaks.Insiders)
	}
}

// TestParseScenarioBoundedErrors checks that many unknown keys give a
// bounded message: the field list once, at most MaxScenarioErrors lines.
func TestParseScenarioBoundedErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("talks:\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "  junk%d: 1\n", i)
	}
	_, err := ParseScenario([]byte(b.String()))
	if err == nil {
		t.Fatal("unknown keys accepted")
	}
	msg := err.Error()
	if n := strings.Count(msg, "open_rate"); n != 1 {
		t.Errorf("the field list appears %d times, want once", n)
	}
	if !strings.Contains(msg, fmt.Sprintf("and %d more problems", 5000-MaxScenarioErrors)) {
		t.Errorf("error does not say how many more problems: %.300s", msg)
	}
	if len(msg) > 10000 {
		t.Errorf("error is %d bytes long", len(msg))
	}
	big := strings.Repeat("#", MaxScenarioBytes+1)
	if _, err := ParseScenario([]byte(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized text: got %v, want an error naming the limit", err)
	}
}
