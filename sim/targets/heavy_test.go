//go:build heavy

package targets

import (
	"testing"

	"github.com/backchannel-sim/backchannel/calibrate"
)

// TestSBCHeavy is TestSBC at a size with power: 200 repetitions of a
// 60-particle run, 7 posterior draws each, ranks in 8 bins (25 expected per
// bin). Run with go test -tags heavy ./sim/targets (about 2 minutes of CPU).
func TestSBCHeavy(t *testing.T) {
	st := newSBCSetup(t, 4)
	ranks := sbcRanks(t, st, 200, 60, 7, 17)
	for k, p := range st.cfg.Params {
		rt, err := calibrate.TestRanks(ranks[k], 7, 8)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: bins %v, χ² = %.2f (df %d), p = %.3f", p.Name, rt.Counts, rt.ChiSquare, rt.DF, rt.P)
		if rt.P < 0.001 {
			t.Errorf("%s: SBC ranks not uniform: χ² = %.2f, df %d, p = %.4f < 0.001", p.Name, rt.ChiSquare, rt.DF, rt.P)
		}
	}
}
