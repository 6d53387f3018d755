package explore

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// search runs peeling, selection and pasting on the points in active.
func (d *primData) search(active []int, opt PrimOptions) *PrimResult {
	k := len(d.min)
	lo, hi := slices.Clone(d.min), slices.Clone(d.max)
	in := slices.Clone(active)
	res := &PrimResult{Trajectory: []Box{d.box(active, in, lo, hi)}}
	minN := d.minMass * float64(d.total)
	vals := make([]float64, 0, len(in))
	for {
		n := len(in)
		m := int(math.Ceil(d.alpha * float64(n)))
		bestMean, bestKeep := math.Inf(-1), -1
		bestDim, bestUpper, bestLimit := -1, false, 0.0
		for j := range k {
			vals = vals[:0]
			for _, i := range in {
				vals = append(vals, d.x[i][j])
			}
			slices.Sort(vals)
			for _, upper := range []bool{false, true} {
				limit, ok := peelLimit(vals, m, upper)
				if !ok {
					continue
				}
				keep, hits := 0, 0
				for _, i := range in {
					v := d.x[i][j]
					if (!upper && v >= limit) || (upper && v <= limit) {
						keep++
						if d.y[i] {
							hits++
						}
					}
				}
				if float64(keep) < minN || keep == 0 {
					continue
				}
				mean := float64(hits) / float64(keep)
				if mean > bestMean || (mean == bestMean && keep > bestKeep) {
					bestMean, bestKeep = mean, keep
					bestDim, bestUpper, bestLimit = j, upper, limit
				}
			}
		}
		if bestDim < 0 {
			break
		}
		if bestUpper {
			hi[bestDim] = bestLimit
		} else {
			lo[bestDim] = bestLimit
		}
		in = slices.DeleteFunc(in, func(i int) bool {
			v := d.x[i][bestDim]
			return v < lo[bestDim] || v > hi[bestDim]
		})
		res.Trajectory = append(res.Trajectory, d.box(active, in, lo, hi))
	}
	res.Selected = len(res.Trajectory) - 1
	if opt.MinDensity > 0 {
		best := -1
		for t, b := range res.Trajectory {
			if b.Density >= opt.MinDensity && (best < 0 || b.Coverage > res.Trajectory[best].Coverage) {
				best = t
			}
		}
		if best >= 0 {
			res.Selected = best
		}
	}
	sel := res.Trajectory[res.Selected]
	if opt.NoPaste {
		res.Box = sel
	} else {
		res.Box = d.paste(active, sel)
	}
	if opt.MaxPValue > 0 {
		res.Box = d.dropInsignificant(active, res.Box, opt.MaxPValue)
	}
	return res
}

// dropInsignificant relaxes, one at a time and largest first, the
// restrictions of b whose quasi-p-value exceeds maxP.
func (d *primData) dropInsignificant(active []int, b Box, maxP float64) Box {
	for {
		worst := -1
		for j, r := range b.Restricted {
			if r && b.PValue[j] > maxP && (worst < 0 || b.PValue[j] > b.PValue[worst]) {
				worst = j
			}
		}
		if worst < 0 {
			return b
		}
		lo, hi := slices.Clone(b.Lo), slices.Clone(b.Hi)
		lo[worst], hi[worst] = d.min[worst], d.max[worst]
		var in []int
		for _, i := range active {
			if inBox(d.x[i], lo, hi) {
				in = append(in, i)
			}
		}
		b = d.box(active, in, lo, hi)
	}
}

// peelLimit returns the new lower (or upper) limit that removes the m
// smallest (largest) of the sorted values, fewer or more when values tie:
// the limit is the value just inside, and when it ties with the extreme
// value the whole extreme level is removed instead. ok is false when no
// value can be removed.
func peelLimit(sorted []float64, m int, upper bool) (limit float64, ok bool) {
	n := len(sorted)
	if n < 2 || m >= n {
		return 0, false
	}
	if !upper {
		limit = sorted[m]
		if limit == sorted[0] {
			i, _ := slices.BinarySearch(sorted, math.Nextafter(sorted[0], math.Inf(1)))
			if i >= n {
				return 0, false
			}
			limit = sorted[i]
		}
		return limit, true
	}
	limit = sorted[n-1-m]
	if limit == sorted[n-1] {
		i, _ := slices.BinarySearch(sorted, sorted[n-1])
		if i == 0 {
			return 0, false
		}
		limit = sorted[i-1]
	}
	return limit, true
}

// paste moves faces of b outwards while that raises the density: each
// candidate takes in the ceil(Alpha N) nearest points beyond one face
// (Friedman and Fisher 1999, sec. 5); the best candidate is applied.
func (d *primData) paste(active []int, b Box) Box {
	lo, hi := slices.Clone(b.Lo), slices.Clone(b.Hi)
	cur := b
	vals := make([]float64, 0, len(active))
	for {
		m := int(math.Ceil(d.alpha * float64(cur.N)))
		bestDens, bestDim, bestUpper, bestLimit := cur.Density, -1, false, 0.0
		for j := range lo {
			for _, upper := range []bool{false, true} {
				// Points that are in the box on every other dimension and beyond this face.
				vals = vals[:0]
				for _, i := range active {
					v := d.x[i][j]
					if (!upper && v >= lo[j]) || (upper && v <= hi[j]) {
						continue
					}
					if inBoxExcept(d.x[i], lo, hi, j) {
						vals = append(vals, v)
					}
				}
				if len(vals) == 0 {
					continue
				}
				slices.Sort(vals)
				var limit float64
				if upper {
					limit = vals[min(m, len(vals))-1]
				} else {
					limit = vals[len(vals)-min(m, len(vals))]
				}
				nNew, hNew := cur.N, cur.Hits
				for _, i := range active {
					v := d.x[i][j]
					beyond := (!upper && v < lo[j] && v >= limit) || (upper && v > hi[j] && v <= limit)
					if beyond && inBoxExcept(d.x[i], lo, hi, j) {
						nNew++
						if d.y[i] {
							hNew++
						}
					}
				}
				if dens := float64(hNew) / float64(nNew); dens > bestDens {
					bestDens, bestDim, bestUpper, bestLimit = dens, j, upper, limit
				}
			}
		}
		if bestDim < 0 {
			return cur
		}
		if bestUpper {
			hi[bestDim] = bestLimit
		} else {
			lo[bestDim] = bestLimit
		}
		in := make([]int, 0, cur.N+m)
		for _, i := range active {
			if inBox(d.x[i], lo, hi) {
				in = append(in, i)
			}
		}
		cur = d.box(active, in, lo, hi)
	}
}

// inBoxExcept reports whether p lies in the box on every dimension but skip.
func inBoxExcept(p, lo, hi []float64, skip int) bool {
	for j, v := range p {
		if j != skip && (v < lo[j] || v > hi[j]) {
			return false
		}
	}
	return true
}

// box builds the Box of the points in (indices into d.x, all inside the
// limits lo, hi), with quasi-p-values computed over the active points.
func (d *primData) box(active, in []int, lo, hi []float64) Box {
	k := len(lo)
	b := Box{Lo: slices.Clone(lo), Hi: slices.Clone(hi), Restricted: make([]bool, k),
		PValue: make([]float64, k), N: len(in)}
	for _, i := range in {
		if d.y[i] {
			b.Hits++
		}
	}
	b.Mass = float64(b.N) / float64(d.total)
	b.Coverage = float64(b.Hits) / float64(d.totalY)
	if b.N > 0 {
		b.Density = float64(b.Hits) / float64(b.N)
	}
	for j := range k {
		b.Restricted[j] = lo[j] > d.min[j] || hi[j] < d.max[j]
		b.PValue[j] = math.NaN()
		if !b.Restricted[j] {
			continue
		}
		// The box without restriction j.
		tj, hj := 0, 0
		for _, i := range active {
			if inBoxExcept(d.x[i], lo, hi, j) {
				tj++
				if d.y[i] {
					hj++
				}
			}
		}
		b.PValue[j] = binomUpper(b.Hits, b.N, float64(hj)/float64(tj))
	}
	return b
}

// binomUpper returns P(X >= h) for X ~ Binomial(n, p):
//
//	P(X >= h) = I_p(h, n - h + 1)   (h >= 1),  1 (h = 0),
//
// with I the regularized incomplete beta function.
func binomUpper(h, n int, p float64) float64 {
	switch {
	case h <= 0:
		return 1
	case h > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	return mathext.RegIncBeta(float64(h), float64(n-h+1), p)
}
