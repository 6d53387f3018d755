package explore

import (
	"fmt"
	"math"
	"slices"
)

// PrimOptions configures Prim. The zero value uses Alpha = 0.05,
// MinMass = 0.05, pasting on, and selects the last box of the peeling
// trajectory.
type PrimOptions struct {
	// Alpha is the fraction of the box's points peeled off one face at each
	// step, in (0, 0.5); 0 means 0.05 (Friedman and Fisher 1999).
	Alpha float64
	// MinMass is the smallest share of all points that a box may hold
	// (minimum support), in (0, 1); 0 means 0.05. Peeling stops there.
	MinMass float64
	// NoPaste skips pasting the selected box.
	NoPaste bool
	// MinDensity, when positive, selects from the peeling trajectory the
	// box with the largest coverage among those with density >= MinDensity
	// (the user's choice on the coverage-density trade-off, Bryant and
	// Lempert 2010); when zero, or when no box is that dense, the last box
	// (smallest mass) is selected, as in Friedman and Fisher.
	MinDensity float64
	// MaxPValue, when positive, drops from the final box, one at a time
	// and largest first, every restriction whose quasi-p-value exceeds it
	// (as an analyst does with EMA Workbench's drop_restriction): greedy
	// peeling also trims dimensions that do not matter, and such trims
	// have large quasi-p-values. Zero keeps every restriction.
	MaxPValue float64
}

// Box is a hyper-rectangle {x : Lo_j <= x_j <= Hi_j} over the design with
// its statistics. A dimension is restricted when its limits are inside the
// range of the data; unrestricted dimensions keep the data's min and max.
type Box struct {
	Lo, Hi     []float64
	Restricted []bool
	// PValue holds the quasi-p-value of each restriction (NaN for an
	// unrestricted dimension): the one-sided binomial probability of at
	// least Hits cases of interest among N points if the box's density
	// were that of the box without the restriction (Bryant and Lempert
	// 2010; EMA Workbench). Small values mean the restriction matters.
	PValue []float64
	// N is the number of points in the box and Hits the number of cases
	// of interest among them.
	N, Hits int
	// Mass = N / all points; Coverage = Hits / all cases of interest;
	// Density = Hits / N.
	Mass, Coverage, Density float64
}

// NRestricted returns the number of restricted dimensions (the box's
// interpretability: fewer is simpler).
func (b *Box) NRestricted() int {
	n := 0
	for _, r := range b.Restricted {
		if r {
			n++
		}
	}
	return n
}

// PrimResult is the outcome of one PRIM search.
type PrimResult struct {
	// Trajectory is the peeling trajectory, from the box holding every
	// (remaining) point to the last box above the minimum mass: the
	// coverage-density trade-off curve.
	Trajectory []Box
	// Selected indexes the box of Trajectory chosen by the options.
	Selected int
	// Box is the selected box after pasting.
	Box Box
}

// primData holds the inputs of a search: the points, the outcome, the
// indices still in play, the data range and the denominators.
type primData struct {
	x              [][]float64
	y              []bool
	min, max       []float64
	total, totalY  int
	alpha, minMass float64
}

// Prim runs the Patient Rule Induction Method (Friedman and Fisher 1999)
// on points x (one row per point, any scale) with outcome y (true for a
// case of interest; see Threshold). Starting from the box holding all
// points it repeatedly removes, from one face of one dimension, the
// ceil(Alpha n) points (fewer when values tie) whose removal gives the
// highest density of cases of interest in the remaining box, until the next
// box would hold less than MinMass of the points. The selected box is then
// pasted: a face is moved out to take in ceil(Alpha n) more points while
// that raises the density, and with MaxPValue set, restrictions that are not
// significant are dropped. Each box carries mass, coverage and density
// and quasi-p-values of its restrictions.
//
// Prim returns an error wrapping ErrDomain if x is empty or ragged, holds
// a non-finite value, if len(y) != len(x), if y has no case of interest,
// or if an option is out of range. The cost is O(steps k n log n) with
// steps about log(MinMass)/log(1-Alpha).
func Prim(x [][]float64, y []bool, opt PrimOptions) (*PrimResult, error) {
	d, err := newPrimData(x, y, opt)
	if err != nil {
		return nil, err
	}
	active := make([]int, len(x))
	for i := range active {
		active[i] = i
	}
	return d.search(active, opt), nil
}

// PrimCover finds up to maxBoxes boxes in turn (covering; Friedman and
// Fisher 1999): after each search the points inside the box are removed
// and the search is repeated on the rest. Mass and coverage stay relative
// to all points and all cases of interest, so the coverages of the boxes
// add up. It stops early when no case of interest remains or when a box is
// no denser than the remaining points. Errors are those of Prim, or
// maxBoxes < 1.
func PrimCover(x [][]float64, y []bool, opt PrimOptions, maxBoxes int) ([]*PrimResult, error) {
	if maxBoxes < 1 {
		return nil, fmt.Errorf("explore: PrimCover maxBoxes = %d, want >= 1: %w", maxBoxes, ErrDomain)
	}
	d, err := newPrimData(x, y, opt)
	if err != nil {
		return nil, err
	}
	active := make([]int, len(x))
	for i := range active {
		active[i] = i
	}
	var out []*PrimResult
	for len(out) < maxBoxes {
		hits := 0
		for _, i := range active {
			if y[i] {
				hits++
			}
		}
		if hits == 0 {
			break
		}
		res := d.search(active, opt)
		if res.Box.Density <= float64(hits)/float64(len(active)) {
			break
		}
		out = append(out, res)
		active = slices.DeleteFunc(active, func(i int) bool { return inBox(x[i], res.Box.Lo, res.Box.Hi) })
		if len(active) == 0 {
			break
		}
	}
	return out, nil
}

// Threshold returns the cases of interest y_i >= cut, for a PRIM search
// on a continuous output.
func Threshold(y []float64, cut float64) []bool {
	out := make([]bool, len(y))
	for i, v := range y {
		out[i] = v >= cut
	}
	return out
}

// newPrimData validates the inputs and fills the defaults.
func newPrimData(x [][]float64, y []bool, opt PrimOptions) (*primData, error) {
	if len(x) == 0 || len(x[0]) == 0 {
		return nil, fmt.Errorf("explore: Prim needs at least one point with at least one dimension (got %d points): %w", len(x), ErrDomain)
	}
	if len(y) != len(x) {
		return nil, fmt.Errorf("explore: Prim has %d outcomes y for %d points x: %w", len(y), len(x), ErrDomain)
	}
	alpha, minMass := opt.Alpha, opt.MinMass
	if alpha == 0 {
		alpha = 0.05
	}
	if minMass == 0 {
		minMass = 0.05
	}
	if !(alpha > 0 && alpha < 0.5) {
		return nil, fmt.Errorf("explore: PrimOptions.Alpha = %v, want in (0, 0.5): %w", opt.Alpha, ErrDomain)
	}
	if !(minMass > 0 && minMass < 1) {
		return nil, fmt.Errorf("explore: PrimOptions.MinMass = %v, want in (0, 1): %w", opt.MinMass, ErrDomain)
	}
	if !(opt.MaxPValue >= 0 && opt.MaxPValue < 1) {
		return nil, fmt.Errorf("explore: PrimOptions.MaxPValue = %v, want in [0, 1): %w", opt.MaxPValue, ErrDomain)
	}
	if !(opt.MinDensity >= 0 && opt.MinDensity <= 1) {
		return nil, fmt.Errorf("explore: PrimOptions.MinDensity = %v, want in [0, 1]: %w", opt.MinDensity, ErrDomain)
	}
	k := len(x[0])
	d := &primData{x: x, y: y, min: make([]float64, k), max: make([]float64, k),
		total: len(x), alpha: alpha, minMass: minMass}
	copy(d.min, x[0])
	copy(d.max, x[0])
	for i, row := range x {
		if len(row) != k {
			return nil, fmt.Errorf("explore: Prim point x[%d] has %d coordinates, x[0] has %d: %w", i, len(row), k, ErrDomain)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("explore: Prim x[%d][%d] = %v is not finite: %w", i, j, v, ErrDomain)
			}
			d.min[j] = math.Min(d.min[j], v)
			d.max[j] = math.Max(d.max[j], v)
		}
		if y[i] {
			d.totalY++
		}
	}
	if d.totalY == 0 {
		return nil, fmt.Errorf("explore: Prim outcome y has no case of interest among %d points: %w", len(y), ErrDomain)
	}
	return d, nil
}

// inBox reports whether p lies in the closed box [lo, hi].
func inBox(p, lo, hi []float64) bool {
	for j, v := range p {
		if v < lo[j] || v > hi[j] {
			return false
		}
	}
	return true
}
