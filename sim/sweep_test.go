package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
)

func TestSweepParamSetsFieldsWithoutTouchingBase(t *testing.T) {
	t.Parallel()
	base := Arm{Scenario: DefaultScenario(), Policy: BackOnly{}}
	for _, c := range []struct {
		name string
		v    float64
		get  func(*Scenario) float64
	}{
		{"leaks.insiders", 9.4, func(s *Scenario) float64 { return float64(s.Leaks.Insiders) }},
		{"parties.negotiator.cost_rate", 0.01, func(s *Scenario) float64 { return s.Parties[1].Negotiator.CostRate }},
		{"parties[0].constituents.hawk_mean", 0.3, func(s *Scenario) float64 { return s.Parties[0].Constituents.HawkMean }},
		{"spoilers.capability", 0.2, func(s *Scenario) float64 { return s.Spoilers[3].Capability }},
		{"mediator.enabled", 1, func(s *Scenario) float64 {
			if s.Mediator.Enabled {
				return 1
			}
			return 0
		}},
	} {
		p, err := SweepParam(c.name, 0, 10)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a := base
		if err := p.Set(&a, c.v); err != nil {
			t.Fatal(err)
		}
		want := c.v
		if p.Integer {
			want = 9
		}
		if got := c.get(a.Scenario); got != want {
			t.Errorf("%s: got %g, want %g", c.name, got, want)
		}
		if c.get(base.Scenario) == want {
			t.Errorf("%s: the base scenario was modified", c.name)
		}
	}
	d := DefaultScenario()
	if d.Parties[1].Constituents.HawkMean != base.Scenario.Parties[1].Constituents.HawkMean {
		t.Error("party-specific sweep modified the other party")
	}
	for _, bad := range []string{"leaks.insider", "parties.negotiator", "name", "talks[0].open_rate"} {
		if _, err := SweepParam(bad, 0, 1); err == nil {
			t.Errorf("%q accepted", bad)
		} else if bad == "leaks.insider" && !strings.Contains(err.Error(), "insiders") {
			t.Errorf("error does not list known fields: %v", err)
		}
	}
}

func TestRunSweepReliance(t *testing.T) {
	t.Parallel()
	sc := smallStudy().Arms[0].Scenario
	p, err := SweepParam("policy.reliance", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := mc.Grid([]mc.Param[Arm]{p}, []int{3})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := RunSweep(context.Background(), mc.RunConfig{Seed: 1, Replications: 64}, d, Arm{Scenario: sc}, 0, len(d.Points))
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 {
		t.Fatalf("%d points, want 3", len(pts))
	}
	for j, pt := range pts {
		k := pt.Result.Summary.Arms[0].Kinds
		if k[0]+k[1]+k[2] != 64 {
			t.Errorf("point %d: %d replications", j, k[0]+k[1]+k[2])
		}
		if got := pt.Params.Policy.Name(); got != []string{"reliance=0", "reliance=0.5", "reliance=1"}[j] {
			t.Errorf("point %d policy %s", j, got)
		}
	}
	// Reliance 0 never opens a back channel; reliance 1 always does.
	if pts[0].Result.Summary.Arms[0].Counts.BackChannels.Max() != 0 || pts[2].Result.Summary.Arms[0].Counts.BackChannels.Mean() < 1 {
		t.Error("reliance sweep did not reach the policy")
	}
	// An out-of-range value is reported, not simulated.
	bad, _ := SweepParam("leaks.base_hazard", 2, 3)
	d2, _ := mc.Grid([]mc.Param[Arm]{bad}, []int{1})
	if _, err := RunSweep(context.Background(), mc.RunConfig{Seed: 1, Replications: 4}, d2, Arm{Scenario: sc}, 0, len(d2.Points)); err == nil || !strings.Contains(err.Error(), "leaks.base_hazard") {
		t.Errorf("invalid point: err = %v", err)
	}
}

// TestRunSweepNilScenario: a base arm without a scenario is an error, not
// a panic.
func TestRunSweepNilScenario(t *testing.T) {
	t.Parallel()
	p, err := SweepParam("policy.reliance", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := mc.Grid([]mc.Param[Arm]{p}, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RunSweep(context.Background(), mc.RunConfig{Seed: 1, Replications: 2}, d, Arm{}, 0, len(d.Points)); err == nil {
		t.Error("RunSweep with no scenario: no error")
	}
	if _, err := RunSweep(context.Background(), mc.RunConfig{Seed: 1, Replications: 2}, d, Arm{Scenario: DefaultScenario()}, 1, 3); err == nil {
		t.Error("RunSweep beyond the design's points: no error")
	}
}
