package facts

import (
	"math"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

func TestCheckZAndHolds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    Check
		want float64
	}{
		{Check{Estimate: 2, SE: 0.5}, 4},
		{Check{Estimate: -1, SE: 0.5}, -2},
		{Check{Estimate: 1, SE: 0}, math.Inf(1)},
		{Check{Estimate: 0, SE: 0}, 0},
	} {
		if got := tc.c.Z(); got != tc.want {
			t.Errorf("Z(%+v) = %g, want %g", tc.c, got, tc.want)
		}
	}
	r := Result{Checks: []Check{{Estimate: 5, SE: 1}, {Estimate: 3, SE: 1}}}
	if r.MinZ() != 3 || r.Holds(4) || !r.Holds(3) {
		t.Errorf("MinZ %g, Holds(4) %v, Holds(3) %v: want 3, false, true", r.MinZ(), r.Holds(4), r.Holds(3))
	}
}

// The same seed gives the same result; a different seed a different one.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	a, err := Fact2(sc, Config{Reps: 20, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Fact2(sc, Config{Reps: 20, Seed: 5})
	c, _ := Fact2(sc, Config{Reps: 20, Seed: 6})
	if a.Checks[0] != b.Checks[0] {
		t.Errorf("same seed: %+v != %+v", a.Checks[0], b.Checks[0])
	}
	if a.Checks[0] == c.Checks[0] && a.Checks[1] == c.Checks[1] {
		t.Error("different seeds gave identical results")
	}
	if _, err := Fact1(sc, Config{Reps: 1}); err == nil {
		t.Error("1 replication accepted")
	}
}
