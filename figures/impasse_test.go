package figures

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/metrics"
)

// testKth returns two arms' cumulative incidences of the 1st and 2nd of
// repeated events (weekly hazard 0.01 and 0.02, terminal hazard 0.005).
func testKth(t testing.TB) []KthSeries {
	t.Helper()
	var out []KthSeries
	for a, h := range []float64{0.01, 0.02} {
		re, err := metrics.NewRecurrentEvents(2, 1, testHorizon)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, uint64(a)))
		for range 300 {
			var times []int
			end, cause := testHorizon, 0
			for w := 1; w <= testHorizon; w++ {
				u := r.Float64()
				if u < 0.005 {
					end, cause = w, 1
					break
				}
				if u < 0.005+h {
					times = append(times, w)
				}
			}
			if err := re.Add(times, end, cause); err != nil {
				t.Fatal(err)
			}
		}
		s := KthSeries{Label: testPolicies[a], Horizon: testHorizon}
		for k := 1; k <= 2; k++ {
			ke, err := re.Kth(k, 0.95, metrics.Log)
			if err != nil {
				t.Fatal(err)
			}
			s.Curves = append(s.Curves, ke.Incidence.Cause(1))
		}
		out = append(out, s)
	}
	return out
}

// testOccupancy returns two arms' shares of three states over 10 rounds.
func testOccupancy(t testing.TB) []OccupancySeries {
	t.Helper()
	var out []OccupancySeries
	for a := range 2 {
		o, err := metrics.NewOccupancy(10, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			path := []int{0}
			for r := 1; r <= 10 && path[len(path)-1] != 2; r++ {
				s := (i + r + a) % 2
				if r > 3 && (i+a)%(r) == 0 {
					s = 2 // absorbing
				}
				path = append(path, s)
			}
			if err := o.Add(path); err != nil {
				t.Fatal(err)
			}
		}
		sh, err := o.Shares(0.95)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, OccupancySeries{Label: testPolicies[a], Shares: sh})
	}
	return out
}

var testStates = []OccupancyState{{"A", OkabeIto[4]}, {"B", OkabeIto[1]}, {"End", OkabeIto[2]}}

// TestImpasseFiguresErrors: bad input is refused with the documented
// sentinel errors.
func TestImpasseFiguresErrors(t *testing.T) {
	t.Parallel()
	kth := testKth(t)
	occ := testOccupancy(t)
	bad := *occ[0].Shares
	bad.Share = [][]float64{bad.Share[0], bad.Share[1], append([]float64{math.NaN()}, bad.Share[2][1:]...)}
	short := *occ[0].Shares
	short.Share = short.Share[:2]
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"kth: no series", second(KthIncidencePanels(nil, nil)), ErrNoData},
		{"kth: titles", second(KthIncidencePanels(kth, []string{"one"})), ErrMismatch},
		{"kth: uneven orders", second(KthIncidencePanels([]KthSeries{kth[0], {Label: "x", Curves: kth[1].Curves[:1]}}, []string{"1", "2"})), ErrMismatch},
		{"kth: nil curve", second(KthIncidencePanels([]KthSeries{{Label: "x", Curves: []*metrics.IncidenceCurve{nil}}}, []string{"1"})), ErrNoData},
		{"occupancy: no series", second(OccupancyPanels(nil, testStates, 2, "")), ErrNoData},
		{"occupancy: no shares", second(OccupancyPanels([]OccupancySeries{{Label: "x"}}, testStates, 2, "")), ErrNoData},
		{"occupancy: states", second(OccupancyPanels([]OccupancySeries{{Label: "x", Shares: &short}}, testStates, 2, "")), ErrMismatch},
		{"occupancy: NaN share", second(OccupancyPanels([]OccupancySeries{{Label: "x", Shares: &bad}}, testStates, 2, "")), ErrDomain},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, c.err, c.want)
		}
	}
}

// TestOccupancyStacks: each panel stacks the states in order from 0 and
// the top of the last state is 1 at every round (shares add up to 1);
// both figures save.
func TestOccupancyStacks(t *testing.T) {
	t.Parallel()
	occ := testOccupancy(t)
	f, err := OccupancyPanels(occ, testStates, 2, "n = 20 per arm")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Plots) != 1 || len(f.Plots[0]) != 2 || len(f.Legend) != 3 {
		t.Fatalf("layout %d rows, legend %d entries; want 1 row of 2 panels and 3 entries", len(f.Plots), len(f.Legend))
	}
	for a, o := range occ {
		rings, err := stackedAreas(o.Shares.Share, o.Shares.T)
		if err != nil {
			t.Fatal(err)
		}
		if len(rings) != 3 {
			t.Fatalf("arm %d: %d areas, want 3", a, len(rings))
		}
		n := len(o.Shares.T)
		for r := range n {
			if y := rings[2][r].Y; math.Abs(y-1) > 1e-12 {
				t.Errorf("arm %d, round %d: stack top %v, want 1", a, r, y)
			}
			if y := rings[0][2*n-1-r].Y; y != 0 {
				t.Errorf("arm %d, round %d: stack bottom %v, want 0", a, r, y)
			}
			// The top of area s is the bottom of area s+1.
			if rings[0][r].Y != rings[1][2*n-1-r].Y {
				t.Errorf("arm %d, round %d: areas 0 and 1 do not meet", a, r)
			}
		}
	}
	kf, err := KthIncidencePanels(testKth(t), []string{"1st", "2nd"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, fig := range map[string]Figure{"occupancy": f, "kth": kf} {
		if err := SaveFigure(fig, filepath.Join(dir, name), name, 9*vg.Centimeter, 4*vg.Centimeter); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
