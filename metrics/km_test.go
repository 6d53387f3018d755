package metrics

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// tableFrom builds an event table from R-style vectors (status 0 = censored).
func tableFrom(t *testing.T, causes int, time, status []float64) *EventTable {
	t.Helper()
	et, err := NewEventTable(causes)
	if err != nil {
		t.Fatal(err)
	}
	for i := range time {
		if err := et.AddFloat(time[i], int(status[i])); err != nil {
			t.Fatal(err)
		}
	}
	return et
}

// eventRows selects the R rows (fit$time includes censoring-only times)
// that have at least one event.
func eventRows(nevent, x []float64) []float64 {
	var out []float64
	for i := range x {
		if nevent[i] > 0 {
			out = append(out, x[i])
		}
	}
	return out
}

// R reference: survfit(Surv(time, status) ~ 1, conf.type = ...) on the
// 6-MP data, the discrete data set "cr" (causes pooled and cause 1 only)
// and the data set "z" whose curve drops to 0; see testdata/reference.R.
func TestKaplanMeierMatchesR(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	type dataset struct {
		tag, data string
		cause     int
		conf      float64
		cts       []CIType
	}
	all := []CIType{LogLog, Plain, Log}
	for _, ds := range []dataset{
		{"mp", "mp", 0, 0.95, all}, {"cr", "cr", 0, 0.95, all}, {"cr1", "cr", 1, 0.95, all},
		{"z", "z", 0, 0.95, all}, {"mp90", "mp", 0, 0.9, []CIType{LogLog}},
	} {
		et := tableFrom(t, 2, ref(t, "data_"+ds.data+"_time"), ref(t, "data_"+ds.data+"_status"))
		for _, ct := range ds.cts {
			p := ds.tag + "_" + map[CIType]string{LogLog: "loglog", Plain: "plain", Log: "log"}[ct]
			name := p
			c, err := KaplanMeier(et, ds.cause, ds.conf, ct)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ne := ref(t, p+"_nevent")
			checkSlice(t, name+" T", ints(c.T), eventRows(ne, ref(t, p+"_time")), 0)
			checkSlice(t, name+" AtRisk", ints(c.AtRisk), eventRows(ne, ref(t, p+"_nrisk")), 0)
			checkSlice(t, name+" Events", ints(c.Events), eventRows(ne, ne), 0)
			checkSlice(t, name+" S", c.S, eventRows(ne, ref(t, p+"_surv")), tol)
			checkSlice(t, name+" seLog", c.seLog, eventRows(ne, ref(t, p+"_stderr")), tol)
			checkSlice(t, name+" SE", c.SE, eventRows(ne, ref(t, p+"_sesurv")), tol)
			checkSlice(t, name+" Lo", c.Lo, eventRows(ne, ref(t, p+"_lower")), tol)
			checkSlice(t, name+" Hi", c.Hi, eventRows(ne, ref(t, p+"_upper")), tol)

			probs := ref(t, p+"_qprobs")
			wq, wl, wu := ref(t, p+"_quantile"), ref(t, p+"_qlower"), ref(t, p+"_qupper")
			for i, pr := range probs {
				q, err := c.Quantile(pr)
				if err != nil {
					t.Fatal(err)
				}
				if !closeTo(q.Value, wq[i], tol) || !closeTo(q.Interval.Lo, wl[i], tol) || !closeTo(q.Interval.Hi, wu[i], tol) {
					t.Errorf("%s quantile(%v) = %v %v, want %v [%v, %v]", name, pr, q.Value, q.Interval, wq[i], wl[i], wu[i])
				}
			}
			for _, r := range loadRef(t)[p+"_rmean"] {
				got, err := c.RMST(r[0])
				if err != nil {
					t.Fatal(err)
				}
				if !closeTo(got.Mean, r[1], tol) || !closeTo(got.SE, r[2], tol) {
					t.Errorf("%s RMST(%v) = %v (SE %v), want %v (SE %v)", name, r[0], got.Mean, got.SE, r[1], r[2])
				}
			}
		}
	}
}

// Textbook values for the 6-MP arm of Freireich et al. (1963): Klein and
// Moeschberger (2003), Table 4.1A, and Kalbfleisch and Prentice (2002),
// Table 1.1 / section 1.4: S(6)=0.857, S(7)=0.807, S(10)=0.753,
// S(13)=0.690, S(16)=0.627, S(22)=0.538, S(23)=0.448; Greenwood SE(6)=0.076.
func TestKaplanMeierTextbook6MP(t *testing.T) {
	t.Parallel()
	et, _ := NewEventTable(1)
	for _, x := range []struct{ t, c int }{
		{6, 1}, {6, 1}, {6, 1}, {6, 0}, {7, 1}, {9, 0}, {10, 1}, {10, 0}, {11, 0}, {13, 1}, {16, 1},
		{17, 0}, {19, 0}, {20, 0}, {22, 1}, {23, 1}, {25, 0}, {32, 0}, {32, 0}, {34, 0}, {35, 0},
	} {
		if err := et.Add(x.t, x.c); err != nil {
			t.Fatal(err)
		}
	}
	c, err := KaplanMeier(et, 0, 0.95, LogLog)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
	for i, ti := range c.T {
		if math.Abs(c.S[i]-want[ti]) > 5e-4 {
			t.Errorf("S(%d) = %.4f, want %.3f", ti, c.S[i], want[ti])
		}
	}
	if math.Abs(c.SE[0]-0.076) > 5e-4 {
		t.Errorf("SE(6) = %.4f, want 0.076", c.SE[0])
	}
	// Median 23 with 95% log-log limits [13, NA]: R print(survfit(...)).
	if m := c.Median(); m.Value != 23 || m.Interval.Lo != 13 || !math.IsNaN(m.Interval.Hi) {
		t.Errorf("median = %v %v, want 23 [13, NaN]", m.Value, m.Interval)
	}
}

func TestKaplanMeierEdges(t *testing.T) {
	t.Parallel()
	empty, _ := NewEventTable(2)
	if _, err := KaplanMeier(empty, 0, 0.95, LogLog); !errors.Is(err, ErrNoData) {
		t.Errorf("empty table: err = %v, want ErrNoData", err)
	}
	// No events: all censored. The curve has no rows and S(t) = 1.
	cens, _ := NewEventTable(2)
	for i := range 5 {
		_ = cens.Add(i, 0)
	}
	c, err := KaplanMeier(cens, 0, 0.95, LogLog)
	if err != nil || c.Len() != 0 || c.At(10) != 1 || !math.IsNaN(c.Median().Value) {
		t.Errorf("no events: len %d err %v At %v", c.Len(), err, c.At(10))
	}
	if r, _ := c.RMST(4); r.Mean != 4 || r.SE != 0 {
		t.Errorf("no events RMST(4) = %+v, want 4 ± 0", r)
	}
	// All events at one time: S drops to 0 there; SE and limits are NaN (R: NA).
	one, _ := NewEventTable(1)
	_ = one.AddN(3, 1, 4)
	c, _ = KaplanMeier(one, 0, 0.95, LogLog)
	if c.Len() != 1 || c.S[0] != 0 || !math.IsNaN(c.SE[0]) || !math.IsNaN(c.Lo[0]) {
		t.Errorf("all at one time: %+v", c)
	}
	if m := c.Median(); m.Value != 3 {
		t.Errorf("all at one time: median %v, want 3", m.Value)
	}
	// n = 1.
	n1, _ := NewEventTable(1)
	_ = n1.Add(2, 1)
	c, _ = KaplanMeier(n1, 0, 0.95, Plain)
	if c.Len() != 1 || c.S[0] != 0 || c.AtRisk[0] != 1 {
		t.Errorf("n=1: %+v", c)
	}
	// Bad arguments.
	for _, tc := range []struct {
		cause int
		conf  float64
		ci    CIType
	}{{3, 0.95, LogLog}, {-1, 0.95, LogLog}, {0, 1.5, LogLog}, {0, 0.95, CIType(7)}} {
		if _, err := KaplanMeier(one, tc.cause, tc.conf, tc.ci); !errors.Is(err, ErrDomain) {
			t.Errorf("%+v: err = %v, want ErrDomain", tc, err)
		}
	}
	if _, err := c.Quantile(1); !errors.Is(err, ErrDomain) {
		t.Errorf("Quantile(1): err = %v", err)
	}
	if _, err := c.RMST(math.NaN()); !errors.Is(err, ErrDomain) {
		t.Errorf("RMST(NaN): err = %v", err)
	}
}

func TestEventTableErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewEventTable(0); !errors.Is(err, ErrDomain) {
		t.Errorf("NewEventTable(0): %v", err)
	}
	et, _ := NewEventTable(2)
	for _, x := range []float64{math.NaN(), -1, math.Inf(1), 2.5} {
		if err := et.AddFloat(x, 1); !errors.Is(err, ErrDomain) {
			t.Errorf("AddFloat(%v): err = %v", x, err)
		}
	}
	if err := et.Add(-1, 1); !errors.Is(err, ErrDomain) {
		t.Errorf("Add(-1): %v", err)
	}
	if err := et.Add(1, 3); !errors.Is(err, ErrDomain) {
		t.Errorf("Add cause 3: %v", err)
	}
	if et.N() != 0 || et.MaxTime() != -1 {
		t.Errorf("table changed by failed adds: N=%d MaxTime=%d", et.N(), et.MaxTime())
	}
	other, _ := NewEventTable(3)
	if err := et.Merge(other); !errors.Is(err, ErrMismatch) {
		t.Errorf("Merge mismatch: %v", err)
	}
	_ = et.Add(4, 2)
	et.Reset()
	if et.N() != 0 || et.MaxTime() != -1 {
		t.Errorf("after Reset: N=%d MaxTime=%d", et.N(), et.MaxTime())
	}
}

func ExampleKaplanMeier() {
	// 6-MP arm of Freireich et al. (1963): weeks in remission; cause 0 = censored.
	et, _ := NewEventTable(1)
	for _, x := range [][2]int{
		{6, 1}, {6, 1}, {6, 1}, {6, 0}, {7, 1}, {9, 0}, {10, 1}, {10, 0}, {11, 0}, {13, 1}, {16, 1},
		{17, 0}, {19, 0}, {20, 0}, {22, 1}, {23, 1}, {25, 0}, {32, 0}, {32, 0}, {34, 0}, {35, 0},
	} {
		_ = et.Add(x[0], x[1])
	}
	km, err := KaplanMeier(et, 0, 0.95, LogLog)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range km.Len() {
		fmt.Printf("t=%2d n=%2d d=%d S=%.3f SE=%.3f [%.3f, %.3f]\n",
			km.T[i], km.AtRisk[i], km.Events[i], km.S[i], km.SE[i], km.Lo[i], km.Hi[i])
	}
	q, _ := km.Quantile(0.25)
	fmt.Printf("25%% quantile %v, 95%% CI [%v, %v]\n", q.Value, q.Interval.Lo, q.Interval.Hi)
	r, _ := km.RMST(35)
	fmt.Printf("RMST(35) = %.2f (SE %.2f)\n", r.Mean, r.SE)
	// Output:
	// t= 6 n=21 d=3 S=0.857 SE=0.076 [0.620, 0.952]
	// t= 7 n=17 d=1 S=0.807 SE=0.087 [0.563, 0.923]
	// t=10 n=15 d=1 S=0.753 SE=0.096 [0.503, 0.889]
	// t=13 n=12 d=1 S=0.690 SE=0.107 [0.432, 0.849]
	// t=16 n=11 d=1 S=0.627 SE=0.114 [0.368, 0.805]
	// t=22 n= 7 d=1 S=0.538 SE=0.128 [0.268, 0.747]
	// t=23 n= 6 d=1 S=0.448 SE=0.135 [0.188, 0.680]
	// 25% quantile 13, 95% CI [6, 22]
	// RMST(35) = 23.29 (SE 2.83)
}
