package explore

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Morris is a design of r one-at-a-time trajectories for the elementary
// effects screening method (Morris 1991; Campolongo, Cariboni and Saltelli
// 2007). Each trajectory starts at a random point of the p-level grid
// {0, 1/(p-1), ..., 1} in [0, 1]^k and moves each parameter once, in a
// random order, by +Delta or -Delta, with
//
//	Delta = p / (2 (p - 1)),
//
// so it has k+1 points; the design has r(k+1) points, trajectory t
// occupying rows t(k+1) .. t(k+1)+k of Unit.
type Morris struct {
	Design
	// R is the number of trajectories and P the number of grid levels.
	R, P int
	// Delta is the step in the unit cube.
	Delta float64
	// moved[t][s] is the parameter moved between points s and s+1 of
	// trajectory t, and up[t][s] whether it moved by +Delta.
	moved [][]int
	up    [][]bool
}

// NewMorris builds a Morris design of r trajectories on a p-level grid.
// Starting levels are drawn uniformly among those from which both the
// step up and the step down stay on the grid (Morris 1991). It returns an
// error wrapping ErrDomain if the space is invalid, r < 2, p is odd or
// p < 2, or rng is nil.
func NewMorris(space Space, r, p int, rng *rand.Rand) (*Morris, error) {
	if err := space.Validate(); err != nil {
		return nil, err
	}
	switch {
	case r < 2:
		return nil, fmt.Errorf("explore: Morris trajectories r = %d, want r >= 2: %w", r, ErrDomain)
	case p < 2 || p%2 != 0:
		return nil, fmt.Errorf("explore: Morris levels p = %d, want an even p >= 2: %w", p, ErrDomain)
	case rng == nil:
		return nil, fmt.Errorf("explore: Morris needs a non-nil rng: %w", ErrDomain)
	}
	k := len(space)
	m := &Morris{R: r, P: p, Delta: float64(p) / (2 * float64(p-1))}
	m.Space = space
	buf := make([]float64, r*(k+1)*k)
	m.Unit = make([][]float64, r*(k+1))
	for i := range m.Unit {
		m.Unit[i] = buf[i*k : (i+1)*k : (i+1)*k]
	}
	m.moved, m.up = make([][]int, r), make([][]bool, r)
	for t := range r {
		m.moved[t], m.up[t] = trajectory(m.Unit[t*(k+1):(t+1)*(k+1)], p, rng)
	}
	return m, nil
}

// trajectory fills the k+1 rows of pts with one random trajectory and
// returns the order of the moves and their directions.
func trajectory(pts [][]float64, p int, rng *rand.Rand) ([]int, []bool) {
	k := len(pts[0])
	step := p / 2 // Delta in grid steps
	x := pts[0]
	up := make([]bool, k)
	for i := range x {
		l := rng.IntN(p - step) // starting level 0 .. p-1-step
		up[i] = rng.IntN(2) == 0
		if !up[i] {
			l += step
		}
		x[i] = float64(l) / float64(p-1)
	}
	order := rng.Perm(k)
	dirs := make([]bool, k)
	for s, i := range order {
		copy(pts[s+1], pts[s])
		if up[i] {
			pts[s+1][i] = pts[s][i] + float64(step)/float64(p-1)
		} else {
			pts[s+1][i] = pts[s][i] - float64(step)/float64(p-1)
		}
		dirs[s] = up[i]
	}
	return order, dirs
}

// Effect summarises the elementary effects of one parameter over the r
// trajectories:
//
//	EE_i = (f(x + Delta e_i) - f(x)) / Delta   (Delta in unit-cube terms)
//	Mu = mean EE_i,  MuStar = mean |EE_i|,  Sigma = sd(EE_i) (divisor r-1)
//
// Effects are per unit of the parameter's range as a fraction (multiply by
// 1/(Hi-Lo) for effects per model unit). MuStarSE = sd(|EE_i|)/sqrt(r) is
// the standard error of MuStar; N = r.
type Effect struct {
	Name              string
	Mu, MuStar, Sigma float64
	MuStarSE          float64
	N                 int
}

// Analyze computes the elementary effects from y, the model outputs at the
// design's points in row order, and returns one Effect per parameter in
// the order of the space. It returns an error wrapping ErrDomain if y has
// the wrong length or a non-finite value.
func (m *Morris) Analyze(y []float64) ([]Effect, error) {
	if err := checkOutputs("Morris outputs y", y, m.Len()); err != nil {
		return nil, err
	}
	k := len(m.Space)
	ee := make([][]float64, k)
	for i := range ee {
		ee[i] = make([]float64, m.R)
	}
	for t := range m.R {
		base := t * (k + 1)
		for s, i := range m.moved[t] {
			d := y[base+s+1] - y[base+s]
			if !m.up[t][s] {
				d = -d
			}
			ee[i][t] = d / m.Delta
		}
	}
	out := make([]Effect, k)
	rf := float64(m.R)
	for i, e := range ee {
		var mu, mus float64
		for _, v := range e {
			mu += v
			mus += math.Abs(v)
		}
		mu /= rf
		mus /= rf
		var ss, ssa float64
		for _, v := range e {
			ss += (v - mu) * (v - mu)
			ssa += (math.Abs(v) - mus) * (math.Abs(v) - mus)
		}
		out[i] = Effect{Name: m.Space[i].Name, Mu: mu, MuStar: mus,
			Sigma: math.Sqrt(ss / (rf - 1)), MuStarSE: math.Sqrt(ssa/(rf-1)) / math.Sqrt(rf), N: m.R}
	}
	return out, nil
}
