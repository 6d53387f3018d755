package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/sim"
)

// TestSmoke runs the study with a few replications (at least 10:
// studyout.StudyFigures draws trajectory rounds only where 10 or more
// replications remain) and checks that the table, the summary and the
// figures are written.
func TestSmoke(t *testing.T) {
	formats := smokeFormats(t)
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"--reps", "12", "--seed", "3", "--workers", "2", "--out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, s := range []string{"parallel", "divided members", "front-only", "failed votes"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
	files := []string{"summary.json", "case.json"}
	for _, fig := range []string{"incidence", "channels", "trajectories", "union-support"} {
		for _, f := range formats {
			files = append(files, fig+"."+f)
		}
	}
	for _, name := range files {
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
	if rep.Completed != 12 || len(rep.Arms) != 4 {
		t.Errorf("summary: completed %d, arms %d; want 12, 4", rep.Completed, len(rep.Arms))
	}
}

// TestScenario checks that the embedded scenario parses as the README says.
func TestScenario(t *testing.T) {
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Horizon != 52 || sc.Policy != "parallel" || !sc.Mediator.Enabled || len(sc.Spoilers) != 0 {
		t.Errorf("horizon %d, policy %q, mediator %v, %d spoilers; want 52, parallel, enabled, 0", sc.Horizon, sc.Policy, sc.Mediator.Enabled, len(sc.Spoilers))
	}
	if got := sc.Parties[union].Constituents.Size; got != 2000 {
		t.Errorf("union size = %d, want 2000", got)
	}
}

// TestVotesMatchStudy checks that the observer pass sees the same
// replications as the study: its vote counts per replication equal the
// outcome's, and the reconstructed support never contradicts a vote.
func TestVotesMatchStudy(t *testing.T) {
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	arm := sim.Arm{Scenario: sc, Policy: sim.ParallelChannels{}}
	const n = 20
	vs, err := recordVotes(arm, sim.RunConfig{Seed: 5, Replications: n, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	per := map[uint64]int{}
	for _, v := range vs {
		per[v.Rep]++
		crit := max(v.Critical[0], v.Critical[1])
		if (v.Passed && crit > 4*sc.Ratification.VoteNoise) || (!v.Passed && crit < -4*sc.Ratification.VoteNoise) {
			t.Errorf("rep %d round %d: passed %v with critical shock %.3f", v.Rep, v.Round, v.Passed, crit)
		}
	}
	for i := range uint64(n) {
		o, err := sim.Simulate(sc, sim.ReplicationRand(5, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := per[i], o.SecretVotes+o.PublicVotes; got != want {
			t.Errorf("rep %d: observer saw %d votes, outcome has %d", i, got, want)
		}
	}
}

// smokeFormats returns the figure formats the smoke test writes: all of
// them, except under the race detector, where only SVG (the PNG
// rasteriser alone takes over ten seconds there).
func smokeFormats(t *testing.T) []string {
	if !raceEnabled {
		return figures.Formats
	}
	old := figures.Formats
	figures.Formats = []string{"svg"}
	t.Cleanup(func() { figures.Formats = old })
	return figures.Formats
}
