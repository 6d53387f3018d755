package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// walkParams is a toy parameter set.
type walkParams struct {
	Steps int
	Drift float64
}

var (
	stepsParam = Param[walkParams]{Name: "steps", Lo: 2, Hi: 10, Integer: true,
		Set: func(p *walkParams, v float64) error { p.Steps = int(v); return nil }}
	driftParam = Param[walkParams]{Name: "drift", Lo: -0.5, Hi: 0.5,
		Set: func(p *walkParams, v float64) error {
			if v > 0.45 {
				return errors.New("drift too large")
			}
			p.Drift = v
			return nil
		}}
)

// driftWalk is a random walk with up-probability (1+Drift)/2.
type driftWalk struct{ walkParams }

func (w driftWalk) Replicate(rep uint64, rng *rand.Rand) (int64, error) {
	var x int64
	for range w.Steps {
		if rng.Float64() < (1+w.Drift)/2 {
			x++
		} else {
			x--
		}
	}
	return x, nil
}

func newDriftWalk(p walkParams) (Replicator[int64], error) { return driftWalk{p}, nil }

func TestGrid(t *testing.T) {
	t.Parallel()
	d, err := Grid([]Param[walkParams]{stepsParam, driftParam}, []int{3, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{2, -0.5}, {2, 0.5}, {6, -0.5}, {6, 0.5}, {10, -0.5}, {10, 0.5}}
	if !reflect.DeepEqual(d.Points, want) {
		t.Errorf("Points = %v, want %v", d.Points, want)
	}
	p, err := d.Apply(2, walkParams{Steps: 99})
	if err != nil || p != (walkParams{Steps: 6, Drift: -0.5}) {
		t.Errorf("Apply(2) = %+v, %v", p, err)
	}
	if _, err := d.Apply(1, walkParams{}); err == nil || !strings.Contains(err.Error(), "drift = 0.5: drift too large") {
		t.Errorf("Apply(1): got %v, want the setter's error with context", err)
	}
	mid, err := Grid([]Param[walkParams]{stepsParam}, []int{1})
	if err != nil || !reflect.DeepEqual(mid.Points, [][]float64{{6}}) {
		t.Errorf("one level: got %v, %v; want the midpoint", mid.Points, err)
	}

	bad := []struct {
		name    string
		params  []Param[walkParams]
		levels  []int
		wantErr string
	}{
		{"no params", nil, nil, "no parameters"},
		{"nil setter", []Param[walkParams]{{Name: "x", Lo: 0, Hi: 1}}, []int{2}, "Set is nil"},
		{"reversed", []Param[walkParams]{{Name: "x", Lo: 1, Hi: 0, Set: driftParam.Set}}, []int{2}, "want finite Lo ≤ Hi"},
		{"NaN", []Param[walkParams]{{Name: "x", Lo: math.NaN(), Hi: 0, Set: driftParam.Set}}, []int{2}, "want finite"},
		{"fractional integer", []Param[walkParams]{{Name: "x", Lo: 0.5, Hi: 3, Integer: true, Set: driftParam.Set}}, []int{2}, "integer parameter"},
		{"zero levels", []Param[walkParams]{stepsParam}, []int{0}, "want ≥ 1"},
		{"too many integer levels", []Param[walkParams]{stepsParam}, []int{20}, "repeat values"},
		{"level count", []Param[walkParams]{stepsParam}, []int{2, 2}, "2 level counts for 1 parameters"},
	}
	for _, tt := range bad {
		if _, err := Grid(tt.params, tt.levels); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: got %v, want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestLatinHypercube(t *testing.T) {
	t.Parallel()
	params := []Param[walkParams]{
		{Name: "a", Lo: -1, Hi: 3, Set: driftParam.Set},
		{Name: "b", Lo: 10, Hi: 20, Set: driftParam.Set},
	}
	const n = 50
	d, err := LatinHypercube(n, params, ReplicationRand(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range params {
		strata := make([]int, n)
		for _, pt := range d.Points {
			v := pt[i]
			if v < p.Lo || v > p.Hi {
				t.Fatalf("param %s: value %v outside [%v, %v]", p.Name, v, p.Lo, p.Hi)
			}
			strata[min(n-1, int((v-p.Lo)/(p.Hi-p.Lo)*n))]++
		}
		for k, c := range strata {
			if c != 1 {
				t.Errorf("param %s: stratum %d holds %d points, want 1", p.Name, k, c)
			}
		}
	}
	again, _ := LatinHypercube(n, params, ReplicationRand(1, 0))
	if !reflect.DeepEqual(d.Points, again.Points) {
		t.Errorf("same rng seed gave different designs")
	}
	ints, err := LatinHypercube(9, []Param[walkParams]{stepsParam}, ReplicationRand(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range ints.Points {
		if pt[0] != math.Round(pt[0]) {
			t.Errorf("integer parameter got %v", pt[0])
		}
	}
	if _, err := LatinHypercube(3, params, nil); err == nil {
		t.Errorf("nil rng: got nil error")
	}
	if _, err := LatinHypercube(0, params, ReplicationRand(1, 0)); err == nil {
		t.Errorf("n = 0: got nil error")
	}
}

func TestRunDesign(t *testing.T) {
	t.Parallel()
	d, err := Grid([]Param[walkParams]{stepsParam, {Name: "drift", Lo: -0.4, Hi: 0.4, Set: driftParam.Set}}, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	cfg := RunConfig{Seed: 77, Replications: 300, BlockSize: 32, Workers: 3}
	var last int
	cfg.Progress = func(done, total int) {
		if total != 6*300 || done <= last {
			t.Errorf("progress (%d, %d) after %d", done, total, last)
		}
		last = done
	}
	res, err := RunDesign(context.Background(), cfg, d, 0, len(d.Points), walkParams{}, newDriftWalk, newWalkSum)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 6 || last != 1800 {
		t.Fatalf("got %d points, progress ended at %d", len(res), last)
	}
	for j, pr := range res {
		want, err := Run(context.Background(),
			RunConfig{Seed: StreamSeed(77, uint64(j)), Replications: 300, BlockSize: 32, Workers: 1},
			func() (Replicator[int64], error) { return newDriftWalk(pr.Params) }, newWalkSum)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := d.Apply(j, walkParams{})
		if pr.Index != j || pr.Params != p || !reflect.DeepEqual(pr.Values, d.Points[j]) || pr.Result.Seed != StreamSeed(77, uint64(j)) {
			t.Errorf("point %d: got index %d params %+v values %v seed %#x", j, pr.Index, pr.Params, pr.Values, pr.Result.Seed)
		}
		if *pr.Result.Summary != *want.Summary {
			t.Errorf("point %d: summary %+v, want %+v", j, *pr.Result.Summary, *want.Summary)
		}
	}
	// Drift shows in the means: higher drift, higher mean.
	if res[0].Result.Summary.Sum >= res[2].Result.Summary.Sum {
		t.Errorf("drift -0.4 sum %d not below drift 0.4 sum %d", res[0].Result.Summary.Sum, res[2].Result.Summary.Sum)
	}
}

func TestRunDesignCancel(t *testing.T) {
	t.Parallel()
	d, err := Grid([]Param[walkParams]{stepsParam}, []int{5})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	newRep := func(p walkParams) (Replicator[int64], error) {
		if p.Steps == 6 { // point 2
			return &cancelAt{walk: walk{Steps: p.Steps}, At: 100, Cancel: cancel}, nil
		}
		return &walk{Steps: p.Steps}, nil
	}
	res, err := RunDesign(ctx, RunConfig{Seed: 1, Replications: 1000, BlockSize: 16, Workers: 2}, d, 0, len(d.Points), walkParams{}, newRep, newWalkSum)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res) != 3 || res[0].Result.Partial || res[1].Result.Partial || !res[2].Result.Partial {
		t.Fatalf("got %d points, want 2 complete and 1 partial", len(res))
	}
	checkPartial(t, res[2].Result, context.Canceled, func() Replicator[int64] { return &walk{Steps: 6} })
	if got := fmt.Sprint(err); !strings.Contains(got, "design point 2") {
		t.Errorf("error %q does not name point 2", got)
	}
}
