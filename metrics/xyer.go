package metrics

// XYer is the method set of gonum.org/v1/plot/plotter.XYer, declared here
// so that curves and bands can be handed to plotter.NewLine,
// plotter.NewScatter and friends without this package importing the plot
// module. Values implementing it are views onto the estimator's storage:
// they do not copy.
type XYer interface {
	// Len returns the number of points.
	Len() int
	// XY returns the coordinates of point i, 0 <= i < Len().
	XY(i int) (x, y float64)
}

// stepXY is an XYer over integer abscissae and one float ordinate slice.
type stepXY struct {
	t []int
	y []float64
}

func (s stepXY) Len() int                { return len(s.t) }
func (s stepXY) XY(i int) (x, y float64) { return float64(s.t[i]), s.y[i] }
