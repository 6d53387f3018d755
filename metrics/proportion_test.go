package metrics

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// R reference: prop.test(k, n, correct = FALSE)$conf.int (Wilson) and
// binom.test(k, n)$conf.int (Clopper-Pearson), from testdata/reference.R.
func TestProportionIntervalsMatchR(t *testing.T) {
	t.Parallel()
	const tolWilson = 1e-12
	const tolCP = 1e-9 // Beta quantile by gonum's InvRegIncBeta vs R's qbeta
	for name, fn := range map[string]func(int, int, float64) (Interval, error){
		"wilson": Wilson, "clopper": ClopperPearson,
	} {
		tol := tolWilson
		if name == "clopper" {
			tol = tolCP
		}
		rows := loadRef(t)[name]
		if len(rows) == 0 {
			t.Fatalf("no reference rows for %s", name)
		}
		for _, r := range rows {
			k, n, conf := int(r[0]), int(r[1]), r[2]
			got, err := fn(k, n, conf)
			if err != nil {
				t.Fatalf("%s(%d,%d,%v): %v", name, k, n, conf, err)
			}
			if !closeTo(got.Lo, r[3], tol) || !closeTo(got.Hi, r[4], tol) || got.Level != conf {
				t.Errorf("%s(%d,%d,%v) = %v, want [%.17g, %.17g]", name, k, n, conf, got, r[3], r[4])
			}
		}
	}
}

// Textbook value: Wilson 95% interval for 3/20 is [0.0524, 0.3604] and
// Clopper-Pearson [0.0321, 0.3789] (Wilson's 1927 formula by hand:
// centre (0.15 + z²/40)/(1 + z²/20) = 0.2064, half-width 0.1540; R's
// binom.test(3, 20)$conf.int gives 0.03207, 0.37892).
func TestProportionTextbook(t *testing.T) {
	t.Parallel()
	w, _ := Wilson(3, 20, 0.95)
	cp, _ := ClopperPearson(3, 20, 0.95)
	if math.Abs(w.Lo-0.0524) > 5e-5 || math.Abs(w.Hi-0.3604) > 5e-5 {
		t.Errorf("Wilson(3,20) = %v, want [0.0524, 0.3604]", w)
	}
	if math.Abs(cp.Lo-0.0321) > 5e-5 || math.Abs(cp.Hi-0.3789) > 5e-5 {
		t.Errorf("ClopperPearson(3,20) = %v, want [0.0321, 0.3789]", cp)
	}
}

func TestProportionEdges(t *testing.T) {
	t.Parallel()
	for _, fn := range []func(int, int, float64) (Interval, error){Wilson, ClopperPearson} {
		for _, c := range []struct{ k, n int }{{0, 1}, {1, 1}, {0, 10}, {10, 10}, {0, 1000000}, {1000000, 1000000}} {
			iv, err := fn(c.k, c.n, 0.95)
			if err != nil {
				t.Fatalf("(%d,%d): %v", c.k, c.n, err)
			}
			if iv.Lo < 0 || iv.Hi > 1 || iv.Lo > iv.Hi {
				t.Errorf("(%d,%d): %v outside [0,1]", c.k, c.n, iv)
			}
			if c.k == 0 && iv.Lo != 0 {
				t.Errorf("(%d,%d): Lo = %v, want 0", c.k, c.n, iv.Lo)
			}
			if c.k == c.n && iv.Hi != 1 {
				t.Errorf("(%d,%d): Hi = %v, want 1", c.k, c.n, iv.Hi)
			}
		}
		for _, c := range []struct {
			k, n int
			conf float64
			want error
		}{
			{0, 0, 0.95, ErrNoData}, {2, 1, 0.95, ErrDomain}, {-1, 3, 0.95, ErrDomain},
			{1, 3, 0, ErrDomain}, {1, 3, 1, ErrDomain}, {1, 3, math.NaN(), ErrDomain}, {1, -3, 0.95, ErrDomain},
		} {
			if _, err := fn(c.k, c.n, c.conf); !errors.Is(err, c.want) {
				t.Errorf("(%d,%d,%v): err = %v, want %v", c.k, c.n, c.conf, err, c.want)
			}
		}
	}
	var p Proportion
	if !math.IsNaN(p.P()) || !math.IsNaN(p.SE()) {
		t.Errorf("zero Proportion: P=%v SE=%v, want NaN", p.P(), p.SE())
	}
	if _, err := p.Interval(0.95); !errors.Is(err, ErrNoData) {
		t.Errorf("zero Proportion Interval err = %v", err)
	}
	p = Proportion{K: 3, N: 20}
	if p.P() != 0.15 || math.Abs(p.SE()-math.Sqrt(0.15*0.85/20)) > 1e-16 {
		t.Errorf("Proportion{3,20}: P=%v SE=%v", p.P(), p.SE())
	}
}

// R reference: an independent R coding of Newcombe (1998) method 10 in
// testdata/reference.R (columns a b c d conf D SE lo hi).
func TestPairedDifferenceMatchesR(t *testing.T) {
	t.Parallel()
	for _, r := range loadRef(t)["paired"] {
		tab := PairedTable{int(r[0]), int(r[1]), int(r[2]), int(r[3])}
		got, err := PairedDifference(tab, r[4])
		if err != nil {
			t.Fatalf("%+v: %v", tab, err)
		}
		if !closeTo(got.D, r[5], 1e-12) || !closeTo(got.SE, r[6], 1e-12) ||
			!closeTo(got.Interval.Lo, r[7], 1e-12) || !closeTo(got.Interval.Hi, r[8], 1e-12) {
			t.Errorf("%+v: got D=%v SE=%v %v, want %v %v [%v, %v]", tab, got.D, got.SE, got.Interval, r[5], r[6], r[7], r[8])
		}
		if got.Interval.Lo < -1 || got.Interval.Hi > 1 || !got.Interval.Contains(got.D) {
			t.Errorf("%+v: interval %v bad for D=%v", tab, got.Interval, got.D)
		}
	}
	if _, err := PairedDifference(PairedTable{}, 0.95); !errors.Is(err, ErrNoData) {
		t.Errorf("empty table: err = %v", err)
	}
	if _, err := PairedDifference(PairedTable{N10: -1}, 0.95); !errors.Is(err, ErrDomain) {
		t.Errorf("negative count: err = %v", err)
	}
}

func ExampleWilson() {
	iv, err := Wilson(3, 20, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p = %.2f, 95%% CI [%.4f, %.4f]\n", 3.0/20, iv.Lo, iv.Hi)
	// Output:
	// p = 0.15, 95% CI [0.0524, 0.3604]
}

func ExamplePairedDifference() {
	// 50 replications run under two policies with common random numbers:
	// 36 succeed under both, 12 only under the first, 2 only under the second.
	d, err := PairedDifference(PairedTable{N11: 36, N10: 12, N01: 2, N00: 0}, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("D = %.2f, SE = %.4f, 95%% CI [%.4f, %.4f]\n", d.D, d.SE, d.Interval.Lo, d.Interval.Hi)
	// Output:
	// D = 0.20, SE = 0.0693, 95% CI [0.0569, 0.3404]
}
