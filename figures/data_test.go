package figures

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backchannel-sim/backchannel/metrics"
)

// Deterministic test data, built from fixed PCG seeds, shaped like the
// output of a small study: three policies, 400 replications each, a
// horizon of 104 weeks.

const testHorizon = 104

var testPolicies = []string{"No back channel", "Back channel", "Back channel + mediator"}

// testIncidence returns one IncidenceSeries per policy from an EventTable
// filled with discrete-time competing hazards.
// Cause numbers of the test event tables (censoring is cause 0).
const (
	BreakthroughCause = 1
	CollapseCause     = 2
)

func testIncidence(t testing.TB) []IncidenceSeries {
	t.Helper()
	var out []IncidenceSeries
	for k, name := range testPolicies {
		r := rand.New(rand.NewPCG(1, uint64(k)))
		et, err := metrics.NewEventTable(2)
		if err != nil {
			t.Fatal(err)
		}
		hB := 0.004 + 0.004*float64(k) // breakthrough hazard per week
		hC := 0.008 - 0.002*float64(k) // collapse hazard per week
		for range 400 {
			week, cause := testHorizon, 0
			for w := 1; w <= testHorizon; w++ {
				u := r.Float64()
				if u < hB {
					week, cause = w, BreakthroughCause
					break
				}
				if u < hB+hC {
					week, cause = w, CollapseCause
					break
				}
			}
			if err := et.Add(week, cause); err != nil {
				t.Fatal(err)
			}
		}
		cr, err := metrics.CumulativeIncidence(et, 0.95, metrics.Log)
		if err != nil {
			t.Fatal(err)
		}
		s, err := IncidenceFromRisks(name, cr, BreakthroughCause, CollapseCause, testHorizon)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// testShares returns a sweep of back-channel reliance 0..1 in steps of 0.1
// with 200 replications per level.
func testShares() []SharePoint {
	r := rand.New(rand.NewPCG(2, 0))
	var pts []SharePoint
	for i := 0; i <= 10; i++ {
		x := float64(i) / 10
		pB := 0.15 + 0.5*x*(1.2-x)
		pC := 0.35 - 0.25*x
		sp := SharePoint{X: x, N: 200}
		for range sp.N {
			switch u := r.Float64(); {
			case u < pB:
				sp.Breakthrough++
			case u < pB+pC:
				sp.Collapse++
			default:
				sp.Impasse++
			}
		}
		pts = append(pts, sp)
	}
	return pts
}

// testTrajectories returns three panels (trust, audience pressure,
// spoiler mobilisation) with one series per policy; replications end at
// random rounds, so late rounds have fewer values.
func testTrajectories(t testing.TB) []TrajectoryPanel {
	t.Helper()
	vars := []struct{ title, label string }{
		{"Trust", "Mean trust (0–1)"},
		{"Audience pressure", "Audience pressure (0–1)"},
		{"Spoiler mobilisation", "Mobilised share (0–1)"},
	}
	panels := make([]TrajectoryPanel, len(vars))
	for v := range vars {
		panels[v] = TrajectoryPanel{Title: vars[v].title, YLabel: vars[v].label, MinCount: 20}
	}
	for k, name := range testPolicies[:2] {
		r := rand.New(rand.NewPCG(3, uint64(k)))
		bands := make([]*metrics.Bands, len(vars))
		for v := range bands {
			b, err := metrics.NewBands(testHorizon, 0, 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			bands[v] = b
		}
		for range 300 {
			end := testHorizon
			if r.Float64() < 0.6 {
				end = 10 + r.IntN(testHorizon-10)
			}
			x := [3]float64{0.3, 0.2, 0.05}
			drift := [3]float64{0.004 * float64(2*k-1), 0.002, 0.002 - 0.003*float64(k)}
			for w := 0; w <= end; w++ {
				for v := range x {
					x[v] = math.Min(1, math.Max(0, x[v]+drift[v]+0.03*r.NormFloat64()))
					if err := bands[v].Add(w, x[v]); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		for v := range panels {
			panels[v].Series = append(panels[v].Series, TrajectorySeries{Label: name, Bands: bands[v]})
		}
	}
	return panels
}

// testGrid returns an 11 × 9 sweep of breakthrough probability over
// back-channel reliance (X) and audience attention (Y), with one cell
// missing.
func testGrid() Grid2D {
	g := Grid2D{}
	for i := 0; i <= 10; i++ {
		g.X = append(g.X, float64(i)/10)
	}
	for j := 0; j <= 8; j++ {
		g.Y = append(g.Y, float64(j)/8)
	}
	for _, x := range g.X {
		col := make([]float64, len(g.Y))
		for j, y := range g.Y {
			col[j] = 1 / (1 + math.Exp(-(4*x*(1.3-x)-3*y*y+0.3)*2.5))
		}
		g.Z = append(g.Z, col)
	}
	g.Z[10][8] = math.NaN()
	return g
}

// testHistograms returns the channels opened per replication for each
// policy.
func testHistograms(t testing.TB) []HistogramSeries {
	t.Helper()
	var out []HistogramSeries
	for k, name := range testPolicies {
		r := rand.New(rand.NewPCG(4, uint64(k)))
		var h metrics.IntHistogram
		mean := 0.3 + 1.2*float64(k)
		for range 400 {
			// Poisson by inversion.
			n, p, u := 0, math.Exp(-mean), r.Float64()
			for c := p; u > c; c += p {
				n++
				p *= mean / float64(n)
			}
			if err := h.Add(n); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, HistogramSeries{Label: name, Counts: &h})
	}
	return out
}
