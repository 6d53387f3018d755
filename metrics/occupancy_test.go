package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Hand case, horizon 3, states 0..2 (2 terminal): paths 0,1,2 (absorbed
// in 2 at round 3); 0,0,1,1; 0 (stays in 0); 1,2.
func TestOccupancyHand(t *testing.T) {
	t.Parallel()
	o, _ := NewOccupancy(3, 3)
	for _, p := range [][]int{{0, 1, 2}, {0, 0, 1, 1}, {0}, {1, 2}} {
		if err := o.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	want := [4][3]int{ // [round][state]
		{3, 1, 0},
		{2, 1, 1},
		{1, 1, 2},
		{1, 1, 2},
	}
	sh, err := o.Shares(0.95)
	if err != nil {
		t.Fatal(err)
	}
	for tt := range want {
		for s, w := range want[tt] {
			if o.Count(tt, s) != w || sh.Count[s][tt] != w || sh.Share[s][tt] != float64(w)/4 {
				t.Errorf("round %d state %d: count %d share %v, want %d, %v", tt, s, o.Count(tt, s), sh.Share[s][tt], w, float64(w)/4)
			}
		}
	}
	x, y := sh.StackXY(2).XY(2)
	if x != 2 || !closeTo(y, 1, 1e-15) {
		t.Errorf("StackXY(2) at round 2 = (%v, %v), want (2, 1)", x, y)
	}
}

// Goodman's formula evaluated directly with the χ²₁ quantile (an
// independent route to the limits from Wilson's normal quantile), and
// shares summing to 1 in every round of random paths.
func TestOccupancyGoodmanAndSums(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	const H, S = 25, 5
	o, _ := NewOccupancy(H, S)
	for range 257 {
		p := make([]int, 1+rng.IntN(H+1))
		for i := range p {
			p[i] = rng.IntN(S - 1)
		}
		if rng.IntN(3) == 0 {
			p[len(p)-1] = S - 1
		}
		if err := o.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, conf := range []float64{0.9, 0.95, 0.99} {
		sh, err := o.Shares(conf)
		if err != nil {
			t.Fatal(err)
		}
		A := distuv.ChiSquared{K: 1}.Quantile(1 - (1-conf)/S)
		n := float64(sh.N)
		for tt := 0; tt <= H; tt++ {
			var sum float64
			var cnt int
			for s := range S {
				sum += sh.Share[s][tt]
				cnt += sh.Count[s][tt]
				ns := float64(sh.Count[s][tt])
				r := math.Sqrt(A * (A + 4*ns*(n-ns)/n))
				lo, hi := (A+2*ns-r)/(2*(n+A)), (A+2*ns+r)/(2*(n+A))
				if !closeTo(sh.Lo[s][tt], lo, 1e-9) || !closeTo(sh.Hi[s][tt], hi, 1e-9) {
					t.Errorf("conf %v round %d state %d: [%v, %v], Goodman [%v, %v]", conf, tt, s, sh.Lo[s][tt], sh.Hi[s][tt], lo, hi)
				}
			}
			if cnt != 257 || math.Abs(sum-1) > S*0x1p-52 {
				t.Errorf("round %d: counts add up to %d, shares to %v; want 257, 1", tt, cnt, sum)
			}
		}
	}
}

// Simultaneous coverage of Goodman's intervals for p = (.5, .3, .15, .05)
// and n = 200: Goodman's intervals are conservative (Bonferroni), so the
// joint coverage over 2000 samples (Monte Carlo SE about 0.005) should
// not fall below 0.95 by more than 3 SE.
func TestOccupancyCoverage(t *testing.T) {
	t.Parallel()
	p := []float64{0.5, 0.3, 0.15, 0.05}
	const n, reps, conf = 200, 2000, 0.95
	rng := rand.New(rand.NewPCG(7, 8))
	o, _ := NewOccupancy(0, len(p))
	path := []int{0}
	covered := 0
	for range reps {
		o.Reset()
		for range n {
			u := rng.Float64()
			s := 0
			for c := p[0]; u >= c && s < len(p)-1; c += p[s] {
				s++
			}
			path[0] = s
			_ = o.Add(path)
		}
		sh, err := o.Shares(conf)
		if err != nil {
			t.Fatal(err)
		}
		all := true
		for s, ps := range p {
			if !(sh.Lo[s][0] <= ps && ps <= sh.Hi[s][0]) {
				all = false
			}
		}
		if all {
			covered++
		}
	}
	cov := float64(covered) / reps
	t.Logf("Goodman simultaneous coverage %.4f (nominal %v)", cov, conf)
	if cov < conf-3*math.Sqrt(conf*(1-conf)/reps) {
		t.Errorf("simultaneous coverage %v, want >= %v - 3 SE", cov, conf)
	}
}

func TestOccupancyErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		h, s int
		want string
	}{{-1, 3, "horizon = -1"}, {5, 0, "states = 0"}, {1 << 20, 1000, "(horizon+1)·states"}} {
		if _, err := NewOccupancy(c.h, c.s); !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewOccupancy(%d, %d) = %v, want ErrDomain naming %q", c.h, c.s, err, c.want)
		}
	}
	o, _ := NewOccupancy(3, 2)
	if _, err := o.Shares(0.95); !errors.Is(err, ErrNoData) {
		t.Errorf("Shares with no subjects: %v, want ErrNoData", err)
	}
	for _, c := range []struct {
		p    []int
		want string
	}{{nil, "len(path) = 0"}, {[]int{0, 0, 0, 0, 0}, "len(path) = 5"}, {[]int{0, 2}, "path[1] = 2"}, {[]int{-1}, "path[0] = -1"}} {
		if err := o.Add(c.p); !errors.Is(err, ErrDomain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%v) = %v, want ErrDomain naming %q", c.p, err, c.want)
		}
	}
	if o.N() != 0 {
		t.Errorf("invalid Adds recorded %d subjects", o.N())
	}
	_ = o.Add([]int{1})
	if _, err := o.Shares(0); !errors.Is(err, ErrDomain) {
		t.Errorf("Shares(0): %v, want ErrDomain", err)
	}
	o2, _ := NewOccupancy(3, 3)
	if err := o.Merge(o2); !errors.Is(err, ErrMismatch) {
		t.Errorf("Merge of 2 and 3 states: %v, want ErrMismatch", err)
	}
}
