package sim

import (
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/agents"
)

// A partial parties list edits the default parties by index; a spoilers
// list replaces the default factions, each starting from the default
// faction. Expected values are the defaults with the one edit.
func TestParsePartialLists(t *testing.T) {
	t.Parallel()
	def := DefaultScenario()
	tests := []struct {
		name string
		text string
		want func() *Scenario
	}{
		{"one party edits side A", "parties:\n  - negotiator:\n      cost_rate: 0.02\n", func() *Scenario {
			s := DefaultScenario()
			s.Parties[0].Negotiator.CostRate = 0.02
			return s
		}},
		{"{} then an edit of side B", "parties:\n  - {}\n  - name: Israel\n", func() *Scenario {
			s := DefaultScenario()
			s.Parties[1].Name = "Israel"
			return s
		}},
		{"empty list keeps both", "parties: []\n", DefaultScenario},
		{"one spoiler replaces the defaults", "spoilers:\n  - capability: 0.5\n", func() *Scenario {
			s := DefaultScenario()
			sp := agents.DefaultSpoilerParams()
			sp.Capability = 0.5
			s.Spoilers = []agents.SpoilerParams{sp}
			return s
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseScenario([]byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want()
			gy, _ := got.MarshalYAMLText()
			wy, _ := want.MarshalYAMLText()
			if string(gy) != string(wy) {
				t.Errorf("got\n%s\nwant\n%s", gy, wy)
			}
		})
	}
	if len(def.Parties) != 2 {
		t.Fatal("the defaults changed")
	}
	_, err := ParseScenario([]byte("parties: [{}, {}, {}]\n"))
	if err == nil || !strings.Contains(err.Error(), "parties") || !strings.Contains(err.Error(), "exactly 2") {
		t.Errorf("three parties: got %v, want an error naming parties and 'exactly 2'", err)
	}
}
