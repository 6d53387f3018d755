package studykit

import (
	"math"
	"strings"
	"testing"
)

func TestMedianCI(t *testing.T) {
	// n = 100: ranks 50 ∓ 9.8 → [40, 60] (0-based floor/ceil), median of 1..100 is 50.5.
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(100 - i)
	}
	got := MedianCI(v)
	if got[0] != 50.5 || got[1] != 41 || got[2] != 61 {
		t.Errorf("MedianCI(1..100) = %v, want [50.5 41 61]", got)
	}
	if v[0] != 100 {
		t.Error("MedianCI sorted its input")
	}
	if e := MedianCI(nil); !math.IsNaN(float64(e[0])) {
		t.Errorf("empty: %v", e)
	}
}

func TestProportionAndFormat(t *testing.T) {
	// Wilson 3/20 at 95%: [0.0524, 0.3604] (by hand from Wilson's 1927 formula: centre 0.2064, half-width 0.1540).
	e := Proportion(3, 20)
	if math.Abs(float64(e.CI[0])-0.0524) > 5e-4 || math.Abs(float64(e.CI[1])-0.3604) > 5e-4 {
		t.Errorf("Proportion(3, 20) = %+v", e)
	}
	if s := FmtEst(e); s != "0.150 [0.052, 0.360] (n=20)" {
		t.Errorf("FmtEst = %q", s)
	}
	if s := FmtEst(Proportion(0, 0)); s != "–" {
		t.Errorf("FmtEst(0/0) = %q", s)
	}
}

func TestParseFlags(t *testing.T) {
	var w strings.Builder
	o, err := ParseFlags("oslo", nil, &w)
	if err != nil || o != (Options{Reps: 2000, Seed: 1, Out: "./oslo-out"}) {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	o, err = ParseFlags("oslo", []string{"--reps", "5", "--seed", "9", "--out", "x", "--workers", "2"}, &w)
	if err != nil || o != (Options{Reps: 5, Seed: 9, Out: "x", Workers: 2}) {
		t.Errorf("flags: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"--reps", "0"}, {"--workers", "-1"}, {"extra"}, {"--nope"}} {
		if _, err := ParseFlags("oslo", bad, &w); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
