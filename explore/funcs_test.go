package explore

import "math"

// ishigami is the Ishigami and Homma (1990) function on x in [-pi, pi]^3.
func ishigami(x []float64, a, b float64) float64 {
	s1 := math.Sin(x[0])
	s2 := math.Sin(x[1])
	return s1 + a*s2*s2 + b*math.Pow(x[2], 4)*s1
}

// ishigamiIndices returns the analytic first-order and total indices of
// the Ishigami function (Ishigami and Homma 1990; Saltelli et al. 2008,
// sec. 4.1.1 of the Primer):
//
//	V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V13 = b^2 pi^8 (1/18 - 1/50),
//	V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
func ishigamiIndices(a, b float64) (s1, st [3]float64, v float64) {
	p4 := math.Pow(math.Pi, 4)
	p8 := p4 * p4
	v1 := 0.5 * (1 + b*p4/5) * (1 + b*p4/5)
	v2 := a * a / 8
	v13 := b * b * p8 * (1.0/18 - 1.0/50)
	v = v1 + v2 + v13
	return [3]float64{v1 / v, v2 / v, 0}, [3]float64{(v1 + v13) / v, v2 / v, v13 / v}, v
}

// gFunction is the Sobol G-function on x in [0, 1]^k.
func gFunction(x, a []float64) float64 {
	p := 1.0
	for i, ai := range a {
		p *= (math.Abs(4*x[i]-2) + ai) / (1 + ai)
	}
	return p
}

// gIndices returns the analytic first-order and total indices of the
// G-function: V_i = 1/(3 (1+a_i)^2), V = prod (1+V_i) - 1,
// S_i = V_i / V, S_Ti = V_i prod_{j != i} (1+V_j) / V.
func gIndices(a []float64) (s1, st []float64) {
	vi := make([]float64, len(a))
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	s1, st = make([]float64, len(a)), make([]float64, len(a))
	for i := range a {
		s1[i] = vi[i] / v
		st[i] = vi[i] * prod / (1 + vi[i]) / v
	}
	return s1, st
}

// ishigamiSpace is the input space of the Ishigami function.
var ishigamiSpace = Space{
	{Name: "x1", Lo: -math.Pi, Hi: math.Pi},
	{Name: "x2", Lo: -math.Pi, Hi: math.Pi},
	{Name: "x3", Lo: -math.Pi, Hi: math.Pi},
}

// unitSpace returns k parameters on [0, 1] named x1..xk.
func unitSpace(k int) Space {
	s := make(Space, k)
	for i := range s {
		s[i] = Param{Name: "x" + string(rune('1'+i)), Lo: 0, Hi: 1}
	}
	return s
}
