package explore_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/explore"
)

// Sobol indices of the Ishigami function f = sin x1 + 7 sin^2 x2 +
// 0.1 x3^4 sin x1 on [-pi, pi]^3, whose exact indices are S = (0.314,
// 0.442, 0) and ST = (0.558, 0.442, 0.244).
func ExampleSaltelli_Analyze() {
	space := explore.Space{
		{Name: "x1", Lo: -math.Pi, Hi: math.Pi},
		{Name: "x2", Lo: -math.Pi, Hi: math.Pi},
		{Name: "x3", Lo: -math.Pi, Hi: math.Pi},
	}
	design, err := explore.NewSaltelli(space, 4096, explore.SaltelliOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The caller evaluates the model at every design point.
	y := make([]float64, design.Len())
	for r, x := range design.Values() {
		s1, s2 := math.Sin(x[0]), math.Sin(x[1])
		y[r] = s1 + 7*s2*s2 + 0.1*math.Pow(x[2], 4)*s1
	}
	res, err := design.Analyze(y, explore.SobolOptions{Resamples: 500, Rng: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d model runs, V = %.2f\n", design.Len(), res.Var)
	for i, name := range res.Names {
		s, st := res.S1[i], res.ST[i]
		fmt.Printf("%s  S1 %5.2f [%5.2f, %5.2f]  ST %5.2f [%5.2f, %5.2f]\n",
			name, s.Value, s.CI.Lo, s.CI.Hi, st.Value, st.CI.Lo, st.CI.Hi)
	}
	// Output:
	// 20480 model runs, V = 13.84
	// x1  S1  0.31 [ 0.28,  0.35]  ST  0.56 [ 0.52,  0.60]
	// x2  S1  0.44 [ 0.42,  0.47]  ST  0.44 [ 0.42,  0.47]
	// x3  S1 -0.00 [-0.03,  0.03]  ST  0.24 [ 0.23,  0.26]
}

// PRIM on synthetic data with a planted box x1 in [0.2, 0.6], x2 in
// [0.5, 0.9] among three inputs: cases of interest have probability 0.9
// inside the box and 0.05 outside.
func ExamplePrim() {
	rng := rand.New(rand.NewPCG(7, 7))
	x := make([][]float64, 3000)
	y := make([]bool, len(x))
	for i := range x {
		x[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		p := 0.05
		if x[i][0] >= 0.2 && x[i][0] <= 0.6 && x[i][1] >= 0.5 && x[i][1] <= 0.9 {
			p = 0.9
		}
		y[i] = rng.Float64() < p
	}
	res, err := explore.Prim(x, y, explore.PrimOptions{MinDensity: 0.85, MaxPValue: 0.01})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := res.Box
	fmt.Printf("coverage %.2f density %.2f mass %.2f, %d restricted inputs\n", b.Coverage, b.Density, b.Mass, b.NRestricted())
	for j := range b.Lo {
		if b.Restricted[j] {
			fmt.Printf("x%d in [%.2f, %.2f], quasi-p-value below 1e-10: %v\n", j+1, b.Lo[j], b.Hi[j], b.PValue[j] < 1e-10)
		}
	}
	fmt.Printf("peeling trajectory: %d boxes, selected %d\n", len(res.Trajectory), res.Selected)
	// Output:
	// coverage 0.74 density 0.88 mass 0.15, 2 restricted inputs
	// x1 in [0.21, 0.61], quasi-p-value below 1e-10: true
	// x2 in [0.50, 0.89], quasi-p-value below 1e-10: true
	// peeling trajectory: 58 boxes, selected 37
}

// Morris screening of the G-function, whose inputs matter less as a_i
// grows (a = 0, 1, 9, 99).
func ExampleMorris_Analyze() {
	a := []float64{0, 1, 9, 99}
	space := explore.Space{{Name: "a=0", Hi: 1}, {Name: "a=1", Hi: 1}, {Name: "a=9", Hi: 1}, {Name: "a=99", Hi: 1}}
	m, err := explore.NewMorris(space, 40, 4, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, m.Len())
	for r, x := range m.Values() {
		g := 1.0
		for i, ai := range a {
			g *= (math.Abs(4*x[i]-2) + ai) / (1 + ai)
		}
		y[r] = g
	}
	eff, err := m.Analyze(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range eff {
		fmt.Printf("%-5s mu* %.3f ± %.3f  sigma %.3f\n", e.Name, e.MuStar, e.MuStarSE, e.Sigma)
	}
	// Output:
	// a=0   mu* 2.243 ± 0.109  sigma 2.316
	// a=1   mu* 1.447 ± 0.111  sigma 1.611
	// a=9   mu* 0.292 ± 0.028  sigma 0.337
	// a=99  mu* 0.030 ± 0.003  sigma 0.033
}
