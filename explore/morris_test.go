package explore

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMorrisGFunctionRanking checks that mu* ranks the inputs of the Sobol
// G-function in the order of their importance, which decreases with a_i
// (Saltelli et al. 2008, Primer, sec. 3.5): a = 0, 1, 4.5, 9, 99, 99.
func TestMorrisGFunctionRanking(t *testing.T) {
	t.Parallel()
	a := []float64{0, 1, 4.5, 9, 99, 99}
	for _, p := range []int{4, 6} {
		m, err := NewMorris(unitSpace(len(a)), 50, p, rand.New(rand.NewPCG(11, uint64(p))))
		if err != nil {
			t.Fatal(err)
		}
		y := evalDesign(&m.Design, func(x []float64) float64 { return gFunction(x, a) })
		eff, err := m.Analyze(y)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < 4; i++ {
			if !(eff[i].MuStar > eff[i+1].MuStar) {
				t.Errorf("p=%d: mu*[%d] = %.4f not above mu*[%d] = %.4f", p, i+1, eff[i].MuStar, i+2, eff[i+1].MuStar)
			}
		}
		for i := 4; i < 6; i++ {
			if eff[i].MuStar > 0.1*eff[0].MuStar {
				t.Errorf("p=%d: mu*[%d] = %.4f, want below a tenth of mu*[1] = %.4f", p, i+1, eff[i].MuStar, eff[0].MuStar)
			}
		}
		// The G-function is symmetric about 1/2 in each input, so mu is near 0
		// while mu* is large: the reason mu* replaces mu (Campolongo et al. 2007).
		if eff[0].Mu > eff[0].MuStar/2 {
			t.Errorf("p=%d: mu[1] = %.4f, want well below mu*[1] = %.4f", p, eff[0].Mu, eff[0].MuStar)
		}
	}
}

// TestMorrisLinear checks exact elementary effects of a linear model
// f = sum_i c_i x_i on [lo_i, hi_i]: every EE_i = c_i (hi_i - lo_i), so
// mu = mu* = c_i (hi_i - lo_i) and sigma = 0.
func TestMorrisLinear(t *testing.T) {
	t.Parallel()
	space := Space{{Name: "a", Lo: 0, Hi: 2}, {Name: "b", Lo: -1, Hi: 1}, {Name: "c", Lo: 10, Hi: 20}}
	c := []float64{3, -2, 0.5}
	m, err := NewMorris(space, 8, 4, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if m.Delta != 4.0/6 {
		t.Fatalf("Delta = %v, want p/(2(p-1)) = 2/3", m.Delta)
	}
	y := evalDesign(&m.Design, func(x []float64) float64 { return c[0]*x[0] + c[1]*x[1] + c[2]*x[2] })
	eff, err := m.Analyze(y)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range eff {
		want := c[i] * (space[i].Hi - space[i].Lo)
		if math.Abs(e.Mu-want) > 1e-9 || math.Abs(e.MuStar-math.Abs(want)) > 1e-9 || e.Sigma > 1e-9 {
			t.Errorf("%s: mu %v mu* %v sigma %v, want %v %v 0", e.Name, e.Mu, e.MuStar, e.Sigma, want, math.Abs(want))
		}
	}
}

// TestMorrisGrid checks that every point lies on the p-level grid and that
// consecutive points differ in exactly one coordinate, by Delta.
func TestMorrisGrid(t *testing.T) {
	t.Parallel()
	const p, k = 6, 5
	m, err := NewMorris(unitSpace(k), 20, p, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for r, x := range m.Unit {
		for j, v := range x {
			l := v * (p - 1)
			if math.Abs(l-math.Round(l)) > 1e-12 || v < 0 || v > 1 {
				t.Fatalf("point %d coord %d = %v not on the %d-level grid", r, j, v, p)
			}
		}
		if r%(k+1) == 0 {
			continue
		}
		prev := m.Unit[r-1]
		changed := 0
		for j := range x {
			if x[j] != prev[j] {
				changed++
				if math.Abs(math.Abs(x[j]-prev[j])-m.Delta) > 1e-12 {
					t.Fatalf("point %d coord %d moved by %v, want Delta %v", r, j, x[j]-prev[j], m.Delta)
				}
			}
		}
		if changed != 1 {
			t.Fatalf("point %d changes %d coordinates, want 1", r, changed)
		}
	}
}

func TestMorrisBadInput(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	cases := []struct {
		name string
		run  func() error
	}{
		{"r=1", func() error { _, err := NewMorris(unitSpace(2), 1, 4, rng); return err }},
		{"p odd", func() error { _, err := NewMorris(unitSpace(2), 4, 5, rng); return err }},
		{"p=0", func() error { _, err := NewMorris(unitSpace(2), 4, 0, rng); return err }},
		{"nil rng", func() error { _, err := NewMorris(unitSpace(2), 4, 4, nil); return err }},
		{"bad y", func() error {
			m, _ := NewMorris(unitSpace(2), 4, 4, rand.New(rand.NewPCG(1, 1)))
			_, err := m.Analyze([]float64{1})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, ErrDomain) {
				t.Errorf("error = %v, want one wrapping ErrDomain", err)
			}
		})
	}
}

// spread returns D^2, the sum over pairs of squared trajectory distances.
func spread(m *Morris) float64 {
	k := len(m.Space)
	var total float64
	for a := range m.R {
		for b := a + 1; b < m.R; b++ {
			var d float64
			for _, xi := range m.Unit[a*(k+1) : (a+1)*(k+1)] {
				for _, xj := range m.Unit[b*(k+1) : (b+1)*(k+1)] {
					var ss float64
					for z := range xi {
						ss += (xi[z] - xj[z]) * (xi[z] - xj[z])
					}
					d += math.Sqrt(ss)
				}
			}
			total += d * d
		}
	}
	return total
}

// TestMorrisSpread checks that the selected trajectories are spread more
// than r random ones drawn from the same generator state, that they still
// satisfy the grid and one-at-a-time structure, and that the G-function
// ranking holds on them.
func TestMorrisSpread(t *testing.T) {
	t.Parallel()
	a := []float64{0, 1, 4.5, 9}
	sel, err := NewMorrisSpread(unitSpace(4), 10, 4, 60, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewMorris(unitSpace(4), 10, 4, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if s, p := spread(sel), spread(plain); !(s > p) {
		t.Errorf("spread of selected trajectories %v, want above the first 10 candidates' %v", s, p)
	}
	if sel.Len() != 10*5 {
		t.Fatalf("selected design has %d points, want 50", sel.Len())
	}
	y := evalDesign(&sel.Design, func(x []float64) float64 { return gFunction(x, a) })
	eff, err := sel.Analyze(y)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(a); i++ {
		if !(eff[i].MuStar > eff[i+1].MuStar) {
			t.Errorf("mu*[%d] = %.4f not above mu*[%d] = %.4f", i+1, eff[i].MuStar, i+2, eff[i+1].MuStar)
		}
	}
	if _, err := NewMorrisSpread(unitSpace(4), 10, 4, 5, rand.New(rand.NewPCG(5, 5))); !errors.Is(err, ErrDomain) {
		t.Errorf("candidates < r: error = %v, want ErrDomain", err)
	}
}

// TestMorrisDeterministic checks that the same seed gives the same design
// and the same effects bit for bit.
func TestMorrisDeterministic(t *testing.T) {
	t.Parallel()
	a := []float64{0, 1, 9}
	run := func() ([][]float64, []Effect) {
		m, err := NewMorrisSpread(unitSpace(3), 8, 4, 20, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		eff, err := m.Analyze(evalDesign(&m.Design, func(x []float64) float64 { return gFunction(x, a) }))
		if err != nil {
			t.Fatal(err)
		}
		return m.Unit, eff
	}
	u1, e1 := run()
	u2, e2 := run()
	for r := range u1 {
		for j := range u1[r] {
			if u1[r][j] != u2[r][j] {
				t.Fatalf("point %d differs: %v vs %v", r, u1[r], u2[r])
			}
		}
	}
	for i := range e1 {
		if e1[i] != e2[i] {
			t.Errorf("effect %d differs: %+v vs %+v", i, e1[i], e2[i])
		}
	}
}
