package figures

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// HeatMapSigned plots grid as a heat map of a signed quantity, such as a
// difference between two policies, with a vertical colour bar: the
// CoolWarm diverging colour map over [−m, m], symmetric about 0, so that
// zero is its neutral grey, negative values blue and positive values red.
// The bar is ticked at −m, −m/2, 0, m/2 and m. Cells with an interval
// (grid.Lo, grid.Hi) that contains 0 are hatched, and the figure's note
// says so ("hatched: 95% interval contains 0"): the sign of such a cell
// is not established at the interval's level. Cells are hatched in
// translucent black on light colours and white on dark ones. Everything
// else (ticks at the levels, n per cell, NaN cells in NaNColor, rasterized
// cells for even grids) is as for HeatMap.
//
// limit is m: values must lie in [−limit, limit]. A limit of 0 takes m
// from the data: the largest absolute value of Z rounded up to 1, 2, 3,
// 4, 5, 6 or 8 times a power of ten (1 if every value is 0 or NaN). Give
// the same limit to figures that are to be compared.
//
// HeatMapSigned returns an error wrapping ErrNoData if X or Y is empty,
// ErrMismatch if Z (or Lo, Hi, N) is not len(X) × len(Y), and ErrDomain
// if limit is negative or not finite, a level is not finite or the levels
// do not increase strictly, a Z value is neither NaN nor finite and
// within [−limit, limit], an interval is not NaN or finite with
// Lo <= Hi, or an N value is negative.
func HeatMapSigned(grid Grid2D, xLabel, yLabel, zLabel string, limit float64) (*HeatMapFigure, error) {
	const fn = "HeatMapSigned"
	if !finite(limit) || limit < 0 {
		return nil, fmt.Errorf("figures: %s: limit=%v, want 0 (from the data) or a finite value > 0: %w", fn, limit, ErrDomain)
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if limit > 0 {
		lo, hi = -limit, limit
	}
	hasNaN, maxAbs, err := checkZ(fn, grid, lo, hi)
	if err != nil {
		return nil, err
	}
	m := limit
	if m == 0 {
		m = niceLimit(maxAbs)
	}
	cm := CoolWarm()
	cm.SetMin(-m)
	cm.SetMax(m)
	// An odd number of colours, so that 0 takes the middle (grey) one.
	return heatMap(grid, xLabel, yLabel, zLabel, heatScale{
		fn: fn, cm: cm, colors: 257, ticks: signedTicks(m), hasNaN: hasNaN, signed: true,
	})
}

// niceLimit returns the smallest number of the form d × 10^k, d in {1, 2,
// 3, 4, 5, 6, 8}, that is at least a (to a relative 1e-9, so that an
// exact 0.3 stays 0.3); 1 if a is 0.
func niceLimit(a float64) float64 {
	if !(a > 0) {
		return 1
	}
	k := math.Floor(math.Log10(a))
	for _, kk := range []float64{k - 1, k, k + 1} {
		for _, d := range []float64{1, 2, 3, 4, 5, 6, 8} {
			// d / 10^-k rather than d × 10^k: exact for the usual k < 0.
			v := d * math.Pow(10, kk)
			if kk < 0 {
				v = d / math.Pow(10, -kk)
			}
			if v >= a*(1-1e-9) {
				return v
			}
		}
	}
	return 10 * math.Pow(10, k+1) // not reached
}

// signedTicks returns colour-bar ticks at −m, −m/2, 0, m/2 and m, with an
// explicit sign on the positive labels and a true minus sign (U+2212) on
// the negative ones.
func signedTicks(m float64) []plot.Tick {
	var t []plot.Tick
	for _, f := range []float64{-1, -0.5, 0, 0.5, 1} {
		v := f * m
		t = append(t, plot.Tick{Value: v, Label: signedLabel(v)})
	}
	return t
}

// signedLabel formats v with at most three significant digits and its
// sign: "−0.2", "0", "+0.2".
func signedLabel(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'g', 3, 64)
	switch {
	case v > 0:
		return "+" + s
	case v < 0:
		return "−" + s
	}
	return "0"
}
