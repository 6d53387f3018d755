package metrics

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// R reference: survfit(Surv(time, factor(status, 0:2)) ~ 1, conf.type = ct)
// on the data set "cr" of testdata/reference.R; R survival 3.5.3 uses the
// infinitesimal-jackknife variance for multi-state curves.
func TestCumulativeIncidenceMatchesR(t *testing.T) {
	t.Parallel()
	const tol = 1e-10
	et := tableFrom(t, 2, ref(t, "data_cr_time"), ref(t, "data_cr_status"))
	for _, ct := range []CIType{Log, Plain} {
		p := "aj_" + ct.String()
		cr, err := CumulativeIncidence(et, 0.95, ct)
		if err != nil {
			t.Fatal(err)
		}
		// R's rows include censoring-only times; ours are the event times.
		rt := ref(t, p+"_time")
		sel := func(x []float64) []float64 { return atTimes(rt, x, cr.T) }
		checkSlice(t, p+" T", ints(cr.T), sel(rt), 0)
		checkSlice(t, p+" AtRisk", ints(cr.AtRisk), sel(ref(t, p+"_nrisk")), 0)
		checkSlice(t, p+" S", cr.S, sel(ref(t, p+"_surv")), tol)
		checkSlice(t, p+" SESurv", cr.SESurv, sel(ref(t, p+"_sesurv")), tol)
		for k := 1; k <= 2; k++ {
			ic := cr.Cause(k)
			s := fmt.Sprint(k)
			checkSlice(t, p+" F"+s, ic.F, sel(ref(t, p+"_cif"+s)), tol)
			checkSlice(t, p+" SE"+s, ic.SE, sel(ref(t, p+"_se"+s)), tol)
			checkSlice(t, p+" Lo"+s, ic.Lo, sel(ref(t, p+"_lower"+s)), tol)
			checkSlice(t, p+" Hi"+s, ic.Hi, sel(ref(t, p+"_upper"+s)), tol)
		}
		for i := range cr.T {
			if sum := cr.S[i] + cr.Cause(1).F[i] + cr.Cause(2).F[i]; math.Abs(sum-1) > 1e-14 {
				t.Errorf("t=%d: S + F1 + F2 = %v, want 1", cr.T[i], sum)
			}
		}
	}
}

// 1 - KM(cause 1, cause 2 censored) overstates the incidence of cause 1
// once a competing event has occurred (Putter, Fiocco and Geskus 2007);
// the naive values are R's 1 - survfit(Surv(time, status == 1))$surv.
func TestNaiveKMOverstatesIncidence(t *testing.T) {
	t.Parallel()
	et := tableFrom(t, 2, ref(t, "data_cr_time"), ref(t, "data_cr_status"))
	cr, _ := CumulativeIncidence(et, 0.95, Log)
	km, _ := KaplanMeier(et, 1, 0.95, LogLog)
	naive := atTimes(ref(t, "aj_naive1_time"), ref(t, "aj_naive1"), cr.T)
	firstCompeting := -1
	for i, ti := range cr.T {
		if !closeTo(1-km.At(float64(ti)), naive[i], 1e-12) {
			t.Errorf("1-KM(%d) = %v, want %v", ti, 1-km.At(float64(ti)), naive[i])
		}
		f := cr.Cause(1).F[i]
		if cr.Cause(2).Events[i] > 0 && firstCompeting < 0 {
			firstCompeting = ti
		}
		if firstCompeting >= 0 && ti > firstCompeting && cr.Cause(1).Events[i] > 0 && !(1-km.At(float64(ti)) > f) {
			t.Errorf("t=%d: 1-KM = %v not above Aalen-Johansen %v", ti, 1-km.At(float64(ti)), f)
		}
	}
	last := len(cr.T) - 1
	if got, naive := cr.Cause(1).F[last], 1-km.S[len(km.S)-1]; !(naive > got+0.2) {
		t.Errorf("at the end: AJ %v, 1-KM %v; want a large overstatement", got, naive)
	}
}

// Independent check of the IJ variance: the influence of each observation
// by numerical differentiation of the Aalen-Johansen estimate with respect
// to its case weight (central differences of a weighted re-implementation).
func TestCumulativeIncidenceVarianceByFiniteDifferences(t *testing.T) {
	t.Parallel()
	time := ref(t, "data_cr_time")
	status := ref(t, "data_cr_status")
	et := tableFrom(t, 2, time, status)
	cr, _ := CumulativeIncidence(et, 0.95, Plain)
	// Weighted AJ at time tq for cause k.
	aj := func(w []float64, tq float64, k int) float64 {
		s, f := 1.0, 0.0
		for u := 0.0; u <= tq; u++ {
			var n, d, dk float64
			for i := range time {
				if time[i] >= u {
					n += w[i]
				}
				if time[i] == u && status[i] > 0 {
					d += w[i]
					if int(status[i]) == k {
						dk += w[i]
					}
				}
			}
			if n == 0 {
				continue
			}
			f += s * dk / n
			s *= 1 - d/n
		}
		return f
	}
	w := make([]float64, len(time))
	for i := range w {
		w[i] = 1
	}
	const h = 1e-6
	for idx, ti := range cr.T {
		for k := 1; k <= 2; k++ {
			var v float64
			for i := range w {
				w[i] = 1 + h
				up := aj(w, float64(ti), k)
				w[i] = 1 - h
				dn := aj(w, float64(ti), k)
				w[i] = 1
				u := (up - dn) / (2 * h)
				v += u * u
			}
			if got := cr.Cause(k).SE[idx]; !closeTo(got, math.Sqrt(v), 1e-7) {
				t.Errorf("t=%d cause %d: SE %v, finite differences %v", ti, k, got, math.Sqrt(v))
			}
		}
	}
}

// atTimes returns the values x (at R's times rt) at the times want.
func atTimes(rt, x []float64, want []int) []float64 {
	var out []float64
	for _, w := range want {
		for i := range rt {
			if rt[i] == float64(w) {
				out = append(out, x[i])
			}
		}
	}
	return out
}

func TestCumulativeIncidenceEdges(t *testing.T) {
	t.Parallel()
	empty, _ := NewEventTable(2)
	if _, err := CumulativeIncidence(empty, 0.95, Log); !errors.Is(err, ErrNoData) {
		t.Errorf("empty: err = %v", err)
	}
	if _, err := CumulativeIncidence(empty, 2, Log); !errors.Is(err, ErrDomain) {
		t.Errorf("conf 2: err = %v", err)
	}
	// Ties between causes at one time, everybody has an event: F1 + F2 = 1.
	et, _ := NewEventTable(2)
	_ = et.AddN(5, 1, 3)
	_ = et.AddN(5, 2, 1)
	cr, err := CumulativeIncidence(et, 0.95, Log)
	if err != nil {
		t.Fatal(err)
	}
	if cr.Cause(1).F[0] != 0.75 || cr.Cause(2).F[0] != 0.25 || cr.S[0] != 0 {
		t.Errorf("tied causes: F1=%v F2=%v S=%v", cr.Cause(1).F[0], cr.Cause(2).F[0], cr.S[0])
	}
	// Binomial SE when all events are at one time: sqrt(p(1-p)/n).
	if se := cr.Cause(1).SE[0]; !closeTo(se, math.Sqrt(0.75*0.25/4), 1e-14) {
		t.Errorf("tied causes SE = %v, want %v", se, math.Sqrt(0.75*0.25/4))
	}
	// No events: no rows.
	cens, _ := NewEventTable(2)
	_ = cens.Add(3, 0)
	if cr, err := CumulativeIncidence(cens, 0.95, Log); err != nil || cr.Cause(1).Len() != 0 {
		t.Errorf("no events: %v %v", cr, err)
	}
}

func ExampleCumulativeIncidence() {
	// Times to the end of a process by two competing causes (0 = censored).
	et, _ := NewEventTable(2)
	for _, x := range [][2]int{{1, 1}, {2, 2}, {2, 1}, {3, 0}, {4, 1}, {4, 2}, {5, 0}, {6, 1}, {7, 2}, {8, 0}} {
		_ = et.Add(x[0], x[1])
	}
	cr, err := CumulativeIncidence(et, 0.95, Log)
	if err != nil {
		fmt.Println(err)
		return
	}
	naive, _ := KaplanMeier(et, 1, 0.95, LogLog)
	c1 := cr.Cause(1)
	for i := range c1.Len() {
		x, y := c1.XY(i)
		fmt.Printf("t=%v F1=%.3f SE=%.3f  1-KM=%.3f\n", x, y, c1.SE[i], 1-naive.At(x))
	}
	// Output:
	// t=1 F1=0.100 SE=0.095  1-KM=0.100
	// t=2 F1=0.200 SE=0.126  1-KM=0.200
	// t=4 F1=0.317 SE=0.153  1-KM=0.333
	// t=6 F1=0.472 SE=0.178  1-KM=0.556
	// t=7 F1=0.472 SE=0.178  1-KM=0.556
}
