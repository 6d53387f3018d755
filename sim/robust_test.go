package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// perturb sets each numeric field of v (recursively) with probability 1/6
// to a random value: floats in [0, 1] if they were at most 1 (one time in
// eight exactly 0 or 1), else in [0, 3·current]; ints in
// [0, max(3, 3·current)]; bools at random. Many results are invalid; the
// valid ones explore corners of the parameter space.
func perturb(v reflect.Value, rng *rand.Rand) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			perturb(v.Field(i), rng)
		}
	case reflect.Slice:
		for i := range v.Len() {
			perturb(v.Index(i), rng)
		}
	case reflect.Float64:
		if rng.IntN(6) == 0 {
			hi := 1.0
			if v.Float() > 1 {
				hi = 3 * v.Float()
			}
			x := rng.Float64() * hi
			if rng.IntN(8) == 0 { // the edges of ranges
				x = float64(rng.IntN(2))
			}
			v.SetFloat(x)
		}
	case reflect.Int:
		if rng.IntN(6) == 0 {
			v.SetInt(int64(rng.IntN(int(max(3, 3*v.Int())) + 1)))
		}
	case reflect.Bool:
		if rng.IntN(6) == 0 {
			v.SetBool(rng.IntN(2) == 0)
		}
	}
}

// A scenario that passed Validate never makes the simulation panic or
// break its invariants, whatever corner of the parameter space it is in.
func TestRandomValidScenariosSimulate(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 11))
	valid := 0
	for attempt := 0; attempt < 20000 && valid < raceScale(500); attempt++ {
		sc := DefaultScenario()
		perturb(reflect.ValueOf(sc).Elem(), rng)
		// Keep the run short: these fields only scale the cost.
		sc.Horizon = 1 + int(rng.IntN(150))
		for i := range sc.Parties {
			sc.Parties[i].Constituents.Size = 1 + rng.IntN(40)
		}
		if sc.Validate() != nil {
			continue
		}
		valid++
		for _, pol := range BuiltinPolicies() {
			r, err := NewReplication(sc, pol)
			if err != nil {
				t.Fatalf("valid scenario rejected: %v", err)
			}
			for i := range uint64(3) {
				var o Outcome
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("panic on a valid scenario (policy %s, rep %d): %v\n%+v", pol.Name(), i, p, sc)
						}
					}()
					o = r.Run(seeded(i), nil)
				}()
				if o.Round < 1 || o.Round > sc.Horizon || o.RoundsClosed+o.RoundsBack+o.RoundsFront+o.RoundsParallel != o.Round {
					t.Fatalf("broken invariants (policy %s): %+v", pol.Name(), o)
				}
				for k := range 2 {
					for _, x := range []float64{o.Trust[k], o.Approval[k], o.Preparedness[k], o.Hawkishness[k]} {
						if !(x >= 0 && x <= 1) {
							t.Fatalf("state outside [0,1] (policy %s): %+v", pol.Name(), o)
						}
					}
				}
			}
		}
	}
	if valid < raceScale(200) {
		t.Errorf("only %d valid random scenarios: the generator explores too little", valid)
	}
	t.Logf("%d valid random scenarios simulated under %d policies", valid, len(BuiltinPolicies()))
}
