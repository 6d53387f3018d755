package main

import (
	"testing"

	"github.com/backchannel-sim/backchannel/examples/internal/smoke"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// TestSmoke runs the study with a few replications (at least 10:
// studyout.StudyFigures draws trajectory rounds only where 10 or more
// replications remain) and checks that the table, the summary and the
// figures are written.
func TestSmoke(t *testing.T) {
	smoke.Check(t, run, 12, 4,
		[]string{"parallel", "divided members", "front-only", "failed votes", "split votes"},
		[]string{"incidence", "channels", "trajectories", "union-support"},
		nil)
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

// TestVotesMatchStudy checks the vote-recording pass against the library:
// it sees the same replications as sim.Simulate (the number of votes and
// the last vote's support equal the outcome's), and every vote's fields
// agree with each other as sim.Vote documents them.
func TestVotesMatchStudy(t *testing.T) {
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	arm := sim.Arm{Scenario: sc, Policy: sim.ParallelChannels{}}
	const n = 20
	vs, err := recordVotes(arm, mc.RunConfig{Seed: 5, Replications: n, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	thr := [2]float64{sc.Parties[0].RatifyThreshold, sc.Parties[1].RatifyThreshold}
	per := map[uint64][]voteRecord{}
	for _, v := range vs {
		per[v.Rep] = append(per[v.Rep], v)
		if !v.consistent(thr) {
			t.Errorf("rep %d round %d: inconsistent vote %+v", v.Rep, v.Round, v.Vote)
		}
	}
	total := 0
	for i := range uint64(n) {
		o, err := sim.Simulate(sc, mc.ReplicationRand(5, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := per[i]
		if want := o.SecretVotes + o.PublicVotes; len(got) != want {
			t.Errorf("rep %d: observer saw %d votes, outcome has %d", i, len(got), want)
			continue
		}
		total += len(got)
		if len(got) > 0 {
			last := got[len(got)-1]
			if last.Support != o.VoteSupport || last.Passed != (o.Kind == sim.Breakthrough) {
				t.Errorf("rep %d: last vote %+v, outcome %v with support %v", i, last.Vote, o.Kind, o.VoteSupport)
			}
		}
	}
	if total == 0 {
		t.Error("no votes in 20 replications: the check is empty")
	}
}
