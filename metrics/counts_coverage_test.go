package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCountsCoverage checks the coverage of the pointwise intervals
// of RecurrentEvents.Kth (cumulative incidence of the k-th event, Log
// transformation, and P(k-th event by the horizon), Wilson) and of
// MeanCount.Curve against the exact values of a discrete-time model: in
// each round a live subject has an event with probability q, then a
// terminal event with probability r; follow-up ends at the horizon H.
// The truth comes from the exact distribution of (count, alive) by round.
// Seeded, so deterministic; light enough (0.1 s) to run by default.
func TestCountsCoverage(t *testing.T) {
	t.Parallel()
	const (
		q, r    = 0.3, 0.08
		H       = 12
		n, reps = 150, 2000
		conf    = 0.95
		k       = 2
		tMid    = 6
	)
	// Exact P(N(t) >= k) and E N(t).
	const maxC = H + 2
	alive := make([]float64, maxC)
	dead := make([]float64, maxC)
	alive[0] = 1
	fTrue := make([]float64, H+1)
	muTrue := make([]float64, H+1)
	for s := 0; s <= H; s++ {
		next := make([]float64, maxC)
		for c := maxC - 2; c >= 0; c-- {
			next[c+1] += alive[c] * q
			next[c] += alive[c] * (1 - q)
		}
		for c := range next {
			dead[c] += next[c] * r
			alive[c] = next[c] * (1 - r)
		}
		for c := range alive {
			p := alive[c] + dead[c]
			muTrue[s] += float64(c) * p
			if c >= k {
				fTrue[s] += p
			}
		}
	}
	rng := rand.New(rand.NewPCG(31, 32))
	re, _ := NewRecurrentEvents(k, 1, H)
	mc, _ := NewMeanCount(H)
	var covMid, covHor, covMuMid, covMuHor int
	times := make([]int, 0, H+1)
	for range reps {
		re.Reset()
		mc.Reset()
		for range n {
			times = times[:0]
			end, cause := H, 0
			for s := 0; s <= H; s++ {
				if rng.Float64() < q {
					times = append(times, s)
				}
				if rng.Float64() < r {
					end, cause = s, 1
					break
				}
			}
			_ = re.Add(times, end, cause)
			_ = mc.Add(times, end)
		}
		kth, err := re.Kth(k, conf, Log)
		if err != nil {
			t.Fatal(err)
		}
		f := kth.Incidence.Cause(1)
		row := -1
		for i, ti := range f.T {
			if ti <= tMid {
				row = i
			}
		}
		if row >= 0 && f.Lo[row] <= fTrue[tMid] && fTrue[tMid] <= f.Hi[row] {
			covMid++
		}
		if kth.ByHorizon.Interval.Contains(fTrue[H]) {
			covHor++
		}
		c, _ := mc.Curve(conf)
		if c.Lo[tMid] <= muTrue[tMid] && muTrue[tMid] <= c.Hi[tMid] {
			covMuMid++
		}
		if c.Lo[H] <= muTrue[H] && muTrue[H] <= c.Hi[H] {
			covMuHor++
		}
	}
	se := math.Sqrt(conf * (1 - conf) / reps)
	for _, c := range []struct {
		name string
		hits int
	}{
		{"F_2(6), AJ Log", covMid}, {"F_2(H), Wilson", covHor},
		{"mu(6), t", covMuMid}, {"mu(H), t", covMuHor},
	} {
		cov := float64(c.hits) / reps
		t.Logf("%s: coverage %.4f (truth F_2(6)=%.4f F_2(H)=%.4f mu(6)=%.4f mu(H)=%.4f)", c.name, cov, fTrue[tMid], fTrue[H], muTrue[tMid], muTrue[H])
		if math.Abs(cov-conf) > 4*se {
			t.Errorf("%s: coverage %v, want %v ± 4·%.4f", c.name, cov, conf, se)
		}
	}
}
