package explore

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NewMorrisSpread builds a Morris design of r trajectories chosen among
// `candidates` random ones for their spread over the input space
// (Campolongo, Cariboni and Saltelli 2007). The distance between
// trajectories m and l is the sum of the Euclidean distances between
// their points,
//
//	d_ml = sum_{i=1}^{k+1} sum_{j=1}^{k+1} || X_i^(m) - X_j^(l) ||,
//
// and the chosen set should maximise D^2 = sum over pairs d_ml^2.
// Campolongo et al. search all subsets; NewMorrisSpread removes, one at a
// time, the candidate whose pairs contribute least to D^2 (a greedy
// approximation costing O(candidates^2 k^3)). Errors are those of
// NewMorris, or candidates < r.
func NewMorrisSpread(space Space, r, p, candidates int, rng *rand.Rand) (*Morris, error) {
	if candidates < r {
		return nil, fmt.Errorf("explore: Morris candidates = %d, want >= r = %d: %w", candidates, r, ErrDomain)
	}
	all, err := NewMorris(space, candidates, p, rng)
	if err != nil {
		return nil, err
	}
	k := len(space)
	traj := func(t int) [][]float64 { return all.Unit[t*(k+1) : (t+1)*(k+1)] }
	d2 := make([][]float64, candidates)
	for m := range d2 {
		d2[m] = make([]float64, candidates)
	}
	for m := range candidates {
		for l := m + 1; l < candidates; l++ {
			var d float64
			for _, xi := range traj(m) {
				for _, xj := range traj(l) {
					var ss float64
					for z := range xi {
						ss += (xi[z] - xj[z]) * (xi[z] - xj[z])
					}
					d += math.Sqrt(ss)
				}
			}
			d2[m][l], d2[l][m] = d*d, d*d
		}
	}
	contrib := make([]float64, candidates)
	for m := range candidates {
		for l := range candidates {
			contrib[m] += d2[m][l]
		}
	}
	keep := make([]bool, candidates)
	for m := range keep {
		keep[m] = true
	}
	for left := candidates; left > r; left-- {
		worst := -1
		for m, ok := range keep {
			if ok && (worst < 0 || contrib[m] < contrib[worst]) {
				worst = m
			}
		}
		keep[worst] = false
		for l := range candidates {
			contrib[l] -= d2[l][worst]
		}
	}
	out := &Morris{R: r, P: p, Delta: all.Delta, moved: make([][]int, 0, r), up: make([][]bool, 0, r)}
	out.Space = space
	buf := make([]float64, r*(k+1)*k)
	out.Unit = make([][]float64, 0, r*(k+1))
	for m, ok := range keep {
		if !ok {
			continue
		}
		for _, x := range traj(m) {
			row := buf[len(out.Unit)*k : (len(out.Unit)+1)*k : (len(out.Unit)+1)*k]
			copy(row, x)
			out.Unit = append(out.Unit, row)
		}
		out.moved = append(out.moved, all.moved[m])
		out.up = append(out.up, all.up[m])
	}
	return out, nil
}
