//go:build heavy

package targets

import (
	"testing"

	"github.com/backchannel-sim/backchannel/calibrate"
)

// TestSBCHeavy is TestSBC at a size with power: 200 repetitions of a
// 240-particle run, 7 posterior draws each, ranks in 8 bins (25 expected
// per bin). Run with go test -tags heavy ./sim/targets (about 3 minutes of
// CPU). On seed 17 it gave p = 0.46, 0.28 and 0.056 for the three
// parameters, and 0.22, 0.29 and 0.31 on seed 18.
//
// It ran 60 particles until the concession rate's ranks came out at
// χ² 22.1, p 0.002 (the truth above all seven draws in 45 repetitions, 25
// expected). That was not a bias of the sampler but two other things.
// First, these 200 data sets: exact posterior draws on them (see
// TestSBCRejectionHeavy) put the truth above all seven in 41 repetitions.
// Second, Monte Carlo error: the draws are resampled from the final
// population, whose ESS at 60 particles was 31-44 (quartiles; down to 5),
// so its posterior CDF at the truth was off by about 0.075 (RMS, against
// 100 rejection draws per data set; 0.035 at 240 particles) without a
// significant shift (+0.009, SE 0.006), and such noise inflates the
// extreme ranks wherever the CDF is near 0 or 1 and noisiest: here the
// concession rate's tail against the top of its prior, held by a few
// heavily weighted particles. The expected count of truths above all
// seven draws, the sum of CDF⁷ over the data sets, was 39.7 from the
// 60-particle populations, 33.4 at 240 and 33.9 from the rejection
// draws. At 240 particles the ESS is 148-178.
func TestSBCHeavy(t *testing.T) {
	st := newSBCSetup(t, 4)
	ranks := sbcRanks(t, st, 200, 240, 7, 17)
	checkRanks(t, st, ranks, 7, 8)
}

// TestSBCRejectionHeavy runs the SBC harness of TestSBCHeavy (same seed;
// its first 200 repetitions have the same truths and noisy observations)
// with independent draws from the exact ABC posterior by rejection from
// the prior instead of ABC-SMC: it checks the model, the observation
// noise, the ranks and the chi-square without the sampler, so that a
// failure of TestSBCHeavy alone points at the sampler. It runs 1000
// repetitions (125 ranks expected per bin; 381,803 simulations, 40 s),
// where seed 17 gave p = 0.58, 0.85 and 0.52, and also logs the first
// 200, TestSBCHeavy's data sets. On those the exact draws lean as the
// sampler's do (concession rate χ² 13.9, p 0.053, the truth above all
// seven draws 41 times; leak hazard χ² 22.3, p 0.002, low ranks in
// excess): a property of these 200 data sets, not of the harness, since
// the same 200-repetition test on seeds 19-28 gave 30 p-values from 0.067
// to 0.97.
func TestSBCRejectionHeavy(t *testing.T) {
	st := newSBCSetup(t, 4)
	ranks, sims := rejectionRanks(t, st, 1000, 7, 17)
	t.Logf("%d simulations for %d draws", sims, 7*len(ranks[0]))
	for k, p := range st.cfg.Params {
		rt, err := calibrate.TestRanks(ranks[k][:200], 7, 8)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s, repetitions 0-199: bins %v, χ² = %.2f (df %d), p = %.3f", p.Name, rt.Counts, rt.ChiSquare, rt.DF, rt.P)
	}
	checkRanks(t, st, ranks, 7, 8)
}

// checkRanks logs the chi-square test of each parameter's ranks and fails
// if its p-value is below 0.001.
func checkRanks(t *testing.T, st *sbcSetup, ranks [][]int, l, bins int) {
	t.Helper()
	for k, p := range st.cfg.Params {
		rt, err := calibrate.TestRanks(ranks[k], l, bins)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: bins %v, χ² = %.2f (df %d), p = %.3f", p.Name, rt.Counts, rt.ChiSquare, rt.DF, rt.P)
		if rt.P < 0.001 {
			t.Errorf("%s: SBC ranks not uniform: χ² = %.2f, df %d, p = %.4f < 0.001", p.Name, rt.ChiSquare, rt.DF, rt.P)
		}
	}
}
