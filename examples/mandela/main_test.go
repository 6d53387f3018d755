package main

import (
	_ "embed"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/sim"
)

//go:embed scenario-anc-no-vote.yaml
var ancNoVoteYAML []byte

//go:embed scenario-no-votes.yaml
var noVotesYAML []byte

// TestSmoke runs the study with a few replications (at least 10:
// studyout.StudyFigures draws trajectory rounds only where 10 or more
// replications remain), checks that the tables, the summary and the
// figures of all six arms are written, and that in the arms where a side
// does not vote its ballot never fails: with both thresholds 0 every vote
// passes (support is a share, never below 0).
func TestSmoke(t *testing.T) {
	dir, _ := smoke.Check(t, run, 12, 6,
		[]string{"front-only", "back-then-front", "back-only", "ANC no vote", "no votes", "government no vote",
			"talks by May 1988", "part 2", "breakthrough by Mar 1992"},
		[]string{"incidence", "channels", "trajectories", "first-talks", "votes"},
		[]string{"case.json"})
	if slices.Contains(figures.Formats, "png") {
		smoke.Files(t, dir, []string{"incidence-150dpi.png", "channels-150dpi.png", "votes-150dpi.png"}, nil)
	}
	b, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []armCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatalf("case.json: %v", err)
	}
	if len(cs) != 6 {
		t.Fatalf("case.json has %d arms, want 6", len(cs))
	}
	for _, tc := range []struct {
		arm        int
		thresholds [2]float64
		vsCase     bool
	}{
		{armFront, [2]float64{0.5, 0.5}, false},
		{armBackThenFront, [2]float64{0.5, 0.5}, false},
		{armBackOnly, [2]float64{0.5, 0.5}, false},
		{armANCNoVote, [2]float64{0.5, 0}, true},
		{armNoVote, [2]float64{0, 0}, true},
		{armGovNoVote, [2]float64{0, 0.5}, true},
	} {
		c := cs[tc.arm]
		if c.Thresholds != tc.thresholds {
			t.Errorf("%s: thresholds %v, want %v", c.Label, c.Thresholds, tc.thresholds)
		}
		if (c.VsCase != nil) != tc.vsCase {
			t.Errorf("%s: paired comparison with back-then-front present %v, want %v", c.Label, c.VsCase != nil, tc.vsCase)
		}
	}
	if p := cs[armNoVote].SecretPass; p.N == 0 || p.Count != p.N {
		t.Errorf("no votes: %d of %d secret deals passed, want all (and at least one)", p.Count, p.N)
	}
}

// TestScenario checks that the embedded scenario parses as the README says.
func TestScenario(t *testing.T) {
	t.Parallel()
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Talks.FrontMinTrust != 0.6 || sc.Leaks.Insiders != 5 {
		t.Errorf("front_min_trust %v, insiders %d; want 0.6, 5", sc.Talks.FrontMinTrust, sc.Leaks.Insiders)
	}
	for i, p := range sc.Parties {
		if p.Negotiator.GestureRate != 0.02 {
			t.Errorf("party %d gesture_rate = %v, want 0.02", i, p.Negotiator.GestureRate)
		}
		if p.RatifyThreshold != 0.5 {
			t.Errorf("party %d ratify_threshold = %v, want the default 0.5", i, p.RatifyThreshold)
		}
	}
	if got := [2]string{sc.Parties[governmentIdx].Name, sc.Parties[ancIdx].Name}; got != [2]string{"Government", "ANC"} {
		t.Errorf("parties %q, want Government then ANC", got)
	}
	if sc.Policy != sim.DefaultScenario().Policy || sc.Mediator.Enabled {
		t.Errorf("policy %q, mediator %v: want the defaults", sc.Policy, sc.Mediator.Enabled)
	}
}

// TestVariantFiles checks that the variant scenario files used for the
// calibration are scenario.yaml with only the name and the ratification
// thresholds changed, that is, the variants the study builds in code.
func TestVariantFiles(t *testing.T) {
	t.Parallel()
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file       string
		data       []byte
		want       *sim.Scenario
		thresholds [2]float64
	}{
		{"scenario-anc-no-vote.yaml", ancNoVoteYAML, noVote(sc, "anc-no-vote", false, true), [2]float64{0.5, 0}},
		{"scenario-no-votes.yaml", noVotesYAML, noVote(sc, "no-votes", true, true), [2]float64{0, 0}},
	} {
		got, err := sim.ParseScenario(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s differs from scenario.yaml with the thresholds set in code:\n got %+v\nwant %+v", tc.file, got, tc.want)
		}
		if th := [2]float64{got.Parties[0].RatifyThreshold, got.Parties[1].RatifyThreshold}; th != tc.thresholds {
			t.Errorf("%s: thresholds %v, want %v", tc.file, th, tc.thresholds)
		}
	}
	if sc.Parties[ancIdx].RatifyThreshold != 0.5 {
		t.Errorf("noVote changed the published scenario: ANC threshold %v", sc.Parties[ancIdx].RatifyThreshold)
	}
}
