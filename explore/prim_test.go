package explore

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// plantedBox draws n uniform points in [0, 1]^k and marks a point as a case
// of interest with probability pIn inside the box [lo, hi] on the first
// len(lo) dimensions and pOut outside it.
func plantedBox(rng *rand.Rand, n, k int, lo, hi []float64, pIn, pOut float64) ([][]float64, []bool) {
	x := make([][]float64, n)
	y := make([]bool, n)
	for i := range x {
		x[i] = make([]float64, k)
		for j := range x[i] {
			x[i][j] = rng.Float64()
		}
		p := pOut
		if inBox(x[i][:len(lo)], lo, hi) {
			p = pIn
		}
		y[i] = rng.Float64() < p
	}
	return x, y
}

// TestPrimPlantedBox checks that PRIM recovers a planted box
// x1 in [0.2, 0.6], x2 in [0.5, 0.9] among 5 uniform inputs, with
// P(interest) 0.9 inside and 0.05 outside. The truth: mass 0.16, density
// 0.9, coverage 0.144/(0.144 + 0.84 * 0.05) = 0.774.
func TestPrimPlantedBox(t *testing.T) {
	t.Parallel()
	lo, hi := []float64{0.2, 0.5}, []float64{0.6, 0.9}
	x, y := plantedBox(rand.New(rand.NewPCG(21, 22)), 4000, 5, lo, hi, 0.9, 0.05)
	res, err := Prim(x, y, PrimOptions{MinDensity: 0.85})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Box
	const tol = 0.04
	for j := range 2 {
		if !b.Restricted[j] || math.Abs(b.Lo[j]-lo[j]) > tol || math.Abs(b.Hi[j]-hi[j]) > tol {
			t.Errorf("dim %d: box [%.3f, %.3f] restricted=%v, want [%v, %v] ± %v", j+1, b.Lo[j], b.Hi[j], b.Restricted[j], lo[j], hi[j], tol)
		}
		if !(b.PValue[j] < 1e-6) {
			t.Errorf("dim %d: quasi-p-value %v, want < 1e-6", j+1, b.PValue[j])
		}
	}
	for j := 2; j < 5; j++ {
		if b.Restricted[j] && b.Hi[j]-b.Lo[j] < 0.9 {
			t.Errorf("dim %d (irrelevant): box [%.3f, %.3f], want (nearly) unrestricted", j+1, b.Lo[j], b.Hi[j])
		}
	}
	if math.Abs(b.Density-0.9) > 0.05 || math.Abs(b.Coverage-0.774) > 0.06 || math.Abs(b.Mass-0.16) > 0.03 {
		t.Errorf("density %.3f coverage %.3f mass %.3f, want 0.9 ± 0.05, 0.774 ± 0.06, 0.16 ± 0.03", b.Density, b.Coverage, b.Mass)
	}
	// The trajectory is a trade-off: it starts at coverage 1 and mass 1,
	// coverage never rises, mass falls at every step and ends above MinMass.
	tr := res.Trajectory
	if tr[0].Coverage != 1 || tr[0].Mass != 1 {
		t.Errorf("trajectory starts at coverage %v mass %v, want 1, 1", tr[0].Coverage, tr[0].Mass)
	}
	for i := 1; i < len(tr); i++ {
		if tr[i].Coverage > tr[i-1].Coverage || tr[i].Mass >= tr[i-1].Mass {
			t.Fatalf("step %d: coverage %v -> %v, mass %v -> %v", i, tr[i-1].Coverage, tr[i].Coverage, tr[i-1].Mass, tr[i].Mass)
		}
	}
	if last := tr[len(tr)-1]; last.Mass < 0.05 {
		t.Errorf("last box mass %v below MinMass 0.05", last.Mass)
	}
}

// TestPrimCoverTwoBoxes plants two disjoint boxes, [0, 0.5] x [0, 0.4]
// and [0.7, 1] x [0.6, 1] (P(interest) 0.9 inside, 0.03 outside, a third
// input irrelevant), and checks that covering with restrictions of
// quasi-p-value above 0.01 dropped finds both, with coverages adding up to
// the truth 0.288 / (0.288 + 0.03 * 0.68) = 0.934. (Greedy peeling can miss
// a second box when the first spans a whole input; see the package doc.)
func TestPrimCoverTwoBoxes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(31, 32))
	const n = 5000
	boxes := [][2][]float64{
		{{0, 0}, {0.5, 0.4}},
		{{0.7, 0.6}, {1, 1}},
	}
	x := make([][]float64, n)
	y := make([]bool, n)
	for i := range x {
		x[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		p := 0.03
		for _, b := range boxes {
			if inBox(x[i][:2], b[0], b[1]) {
				p = 0.9
			}
		}
		y[i] = rng.Float64() < p
	}
	res, err := PrimCover(x, y, PrimOptions{MinDensity: 0.8, MaxPValue: 0.01}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 2 {
		t.Fatalf("found %d boxes, want at least 2", len(res))
	}
	const tol = 0.05
	found := make([]bool, 2)
	cov := 0.0
	for _, r := range res[:2] {
		cov += r.Box.Coverage
		if r.Box.Restricted[2] {
			t.Errorf("box %v-%v restricts the irrelevant input 3", r.Box.Lo, r.Box.Hi)
		}
		for bi, b := range boxes {
			ok := true
			for j := range 2 {
				if math.Abs(r.Box.Lo[j]-b[0][j]) > tol || math.Abs(r.Box.Hi[j]-b[1][j]) > tol {
					ok = false
				}
			}
			if ok {
				found[bi] = true
			}
		}
	}
	if !found[0] || !found[1] {
		for _, r := range res {
			t.Logf("box lo %.3f hi %.3f density %.3f coverage %.3f", r.Box.Lo, r.Box.Hi, r.Box.Density, r.Box.Coverage)
		}
		t.Errorf("planted boxes found (limits within %v): %v, want both", tol, found)
	}
	if want := 0.288 / (0.288 + 0.03*0.68); math.Abs(cov-want) > 0.04 {
		t.Errorf("coverage of the two boxes %.3f, want %.3f ± 0.04", cov, want)
	}
}

// TestPrimPeelLimitTies checks peeling on an integer input with ties: a
// whole level is removed at once.
func TestPrimPeelLimitTies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		vals  []float64
		m     int
		upper bool
		want  float64
		ok    bool
	}{
		{[]float64{1, 2, 3, 4, 5}, 1, false, 2, true},
		{[]float64{1, 2, 3, 4, 5}, 1, true, 4, true},
		{[]float64{0, 0, 0, 1, 1, 2}, 1, false, 1, true},
		{[]float64{0, 0, 0, 1, 1, 2}, 1, true, 1, true},
		{[]float64{0, 1, 1, 1}, 1, true, 0, true},
		{[]float64{3, 3, 3}, 1, false, 0, false},
	}
	for _, c := range cases {
		got, ok := peelLimit(c.vals, c.m, c.upper)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("peelLimit(%v, %d, upper=%v) = %v, %v, want %v, %v", c.vals, c.m, c.upper, got, ok, c.want, c.ok)
		}
	}
}

// TestBinomUpper checks the one-sided binomial tail against hand values:
// P(X >= 3 | n = 3, p = 1/2) = 1/8, P(X >= 1 | n = 2, p = 0.3) = 1 - 0.49.
func TestBinomUpper(t *testing.T) {
	t.Parallel()
	cases := []struct {
		h, n int
		p    float64
		want float64
	}{
		{3, 3, 0.5, 0.125},
		{1, 2, 0.3, 0.51},
		{2, 4, 0.5, 11.0 / 16},
		{0, 4, 0.5, 1},
	}
	for _, c := range cases {
		if got := binomUpper(c.h, c.n, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("binomUpper(%d, %d, %v) = %v, want %v", c.h, c.n, c.p, got, c.want)
		}
	}
}

func TestPrimBadInput(t *testing.T) {
	t.Parallel()
	x := [][]float64{{0, 1}, {1, 0}, {0.5, 0.5}}
	y := []bool{true, false, false}
	cases := []struct {
		name string
		x    [][]float64
		y    []bool
		opt  PrimOptions
	}{
		{"empty", nil, nil, PrimOptions{}},
		{"length", x, y[:2], PrimOptions{}},
		{"ragged", [][]float64{{0, 1}, {1}, {0, 0}}, y, PrimOptions{}},
		{"NaN", [][]float64{{0, 1}, {math.NaN(), 0}, {0, 0}}, y, PrimOptions{}},
		{"no interest", x, []bool{false, false, false}, PrimOptions{}},
		{"alpha", x, y, PrimOptions{Alpha: 0.6}},
		{"mass", x, y, PrimOptions{MinMass: 1.5}},
		{"density", x, y, PrimOptions{MinDensity: -1}},
		{"p-value", x, y, PrimOptions{MaxPValue: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Prim(c.x, c.y, c.opt)
			if !errors.Is(err, ErrDomain) {
				t.Fatalf("error = %v, want one wrapping ErrDomain", err)
			}
			if w := primErrWant[c.name]; !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not mention %q", err, w)
			}
		})
	}
	if _, err := PrimCover(x, y, PrimOptions{}, 0); !errors.Is(err, ErrDomain) {
		t.Errorf("PrimCover maxBoxes=0: error = %v, want ErrDomain", err)
	}
}

// primErrWant is what each bad-input error must mention (argument and value).
var primErrWant = map[string]string{
	"empty":       "got 0 points",
	"length":      "2 outcomes y for 3 points",
	"ragged":      "x[1] has 1 coordinates",
	"NaN":         "x[1][0] = NaN",
	"no interest": "no case of interest",
	"alpha":       "Alpha = 0.6",
	"mass":        "MinMass = 1.5",
	"density":     "MinDensity = -1",
	"p-value":     "MaxPValue = 1",
}
