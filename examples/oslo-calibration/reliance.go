package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/calibrate"
	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/sim/targets"
)

// arms are the policies compared, as in examples/oslo: the case (a secret
// channel beside the public one), public talks only, a back channel only.
var arms = []sim.Policy{sim.ParallelChannels{}, sim.FrontOnly{}, sim.BackOnly{}}

// ArmReliance is one arm's numbers under the calibrated posterior and
// under the hand-set scenario.
type ArmReliance struct {
	Policy string `json:"policy"`
	// Posterior: over posterior draws d = 1..D (resampled by weight), the
	// mean over draws of the per-draw share, its 90% interval across draws
	// (parameter uncertainty plus the binomial noise of reps replications),
	// and the standard error of the mean over draws.
	Breakthrough     Band `json:"breakthrough"`
	DiffVsParallel   Band `json:"breakthrough_minus_parallel"`
	TwoPlusChannels  Band `json:"two_or_more_back_channels"`
	HandBreakthrough Est  `json:"hand_set_breakthrough"`
	HandDiff         Est  `json:"hand_set_breakthrough_minus_parallel"`
	HandTwoPlus      Est  `json:"hand_set_two_or_more_back_channels"`
}

// Band is a posterior-predictive summary over draws.
type Band struct {
	Mean float64    `json:"mean"`
	SE   float64    `json:"se"`
	I90  [2]float64 `json:"interval_90"`
	N    int        `json:"draws"`
}

// Est is an estimate with its standard error over n replications.
type Est struct {
	Value float64 `json:"value"`
	SE    float64 `json:"se"`
	N     int     `json:"n"`
}

// reliance runs the three arms on common random numbers at o.draws
// posterior draws (o.reps replications each; draw d's replications i use
// mc.ReplicationSeed(StreamSeed(seed, 3+d), i) in every arm) and at the
// hand-set scenario (o.refReps replications, stream 3 + o.draws).
func reliance(m *targets.Model, sc *sim.Scenario, post *calibrate.Generation, o options) ([]ArmReliance, error) {
	idx := calibrate.Resample(post.Weights, o.draws, drawRand(o.seed))
	perDraw := make([][]armOutcomes, o.draws)
	errs := make([]error, o.draws)
	studykit.ParallelFor(o.draws, o.workers, func(d int) {
		a, err := m.Arm(post.Particles[idx[d]])
		if err != nil {
			errs[d] = err
			return
		}
		perDraw[d], errs[d] = runArms(a.Scenario, o.reps, mc.StreamSeed(o.seed, uint64(3+d)))
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	hand, err := runArms(sc, o.refReps, mc.StreamSeed(o.seed, uint64(3+o.draws)))
	if err != nil {
		return nil, err
	}
	out := make([]ArmReliance, len(arms))
	for a, pol := range arms {
		var bt, diff, two []float64
		for d := range perDraw {
			c, c0 := perDraw[d][a], perDraw[d][0]
			bt = append(bt, mean(c.bt))
			diff = append(diff, mean(c.bt)-mean(c0.bt))
			two = append(two, mean(c.two))
		}
		h, h0 := hand[a], hand[0]
		dh := make([]float64, len(h.bt))
		for i := range dh {
			dh[i] = h.bt[i] - h0.bt[i]
		}
		out[a] = ArmReliance{Policy: pol.Name(), Breakthrough: band(bt), DiffVsParallel: band(diff), TwoPlusChannels: band(two),
			HandBreakthrough: est(h.bt), HandDiff: est(dh), HandTwoPlus: est(h.two)}
	}
	return out, nil
}

// armOutcomes are one arm's per-replication breakthrough and ≥ 2
// back-channel indicators.
type armOutcomes struct{ bt, two []float64 }

// runArms runs n replications of every arm on common random numbers and
// returns, per arm, the per-replication breakthrough and ≥ 2 back-channel
// indicators.
func runArms(sc *sim.Scenario, n int, master uint64) ([]armOutcomes, error) {
	res := make([]armOutcomes, len(arms))
	for a, pol := range arms {
		rep, err := sim.NewReplication(sc, pol)
		if err != nil {
			return nil, fmt.Errorf("oslo-calibration: %s: %w", pol.Name(), err)
		}
		for i := range n {
			out := rep.Run(mc.ReplicationRand(master, uint64(i)), nil)
			res[a].bt = append(res[a].bt, b2f(out.Kind == sim.Breakthrough))
			res[a].two = append(res[a].two, b2f(out.BackChannels >= 2))
		}
	}
	return res, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func sd(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	m, ss := mean(x), 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return math.Sqrt(ss / float64(len(x)-1))
}

func band(x []float64) Band {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(math.Min(float64(len(s)-1), math.Floor(p*float64(len(s)))))] }
	return Band{Mean: mean(x), SE: sd(x) / math.Sqrt(float64(len(x))), I90: [2]float64{q(0.05), q(0.95)}, N: len(x)}
}

func est(x []float64) Est {
	return Est{Value: mean(x), SE: sd(x) / math.Sqrt(float64(len(x))), N: len(x)}
}

func writeTables(w io.Writer, out *Output, ranges []targets.Param) error {
	fmt.Fprintf(w, "Oslo calibration: %d particles, %d replications each, %d generations (%s)\n\n", out.Particles, out.Reps, len(out.Generations), out.Stop)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "generation\tepsilon\tacceptance\tESS\tsimulations\t")
	for _, g := range out.Generations {
		fmt.Fprintf(tw, "%d\t%.3f\t%.3f\t%.1f\t%d\t\n", g.Index, g.Epsilon, g.Acceptance, g.ESS, g.Simulations)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "parameter\tprior\tposterior mean\tSD\tMCSE\t90% credible interval\t")
	for k, s := range out.Posterior {
		fmt.Fprintf(tw, "%s\t[%.4g, %.4g]\t%.4g\t%.3g\t%.2g\t[%.4g, %.4g]\t\n", s.Name, ranges[k].Lo, ranges[k].Hi, s.Mean, s.SD, s.MCSE, s.Lo, s.Hi)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\trecord\tposterior predictive mean\t90% interval\thand-set (SE)\t")
	for _, c := range out.Predictive {
		fmt.Fprintf(tw, "%s\t%.3g\t%.3f\t[%.3f, %.3f]\t%.3f (%.3f)\t\n", c.Name, c.Observed, c.Mean, c.PI90[0], c.PI90[1], c.HandSet, c.HandSE)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "policy\tbreakthrough, calibrated (SE) [90% across draws]\thand-set (SE)\tminus parallel, calibrated (SE)\thand-set (SE)\t≥2 back channels, calibrated (SE)\thand-set (SE)\t")
	for _, r := range out.Reliance {
		fmt.Fprintf(tw, "%s\t%.3f (%.3f) [%.2f, %.2f]\t%.3f (%.3f)\t%+.3f (%.3f)\t%+.3f (%.3f)\t%.3f (%.3f)\t%.3f (%.3f)\t\n", r.Policy,
			r.Breakthrough.Mean, r.Breakthrough.SE, r.Breakthrough.I90[0], r.Breakthrough.I90[1], r.HandBreakthrough.Value, r.HandBreakthrough.SE,
			r.DiffVsParallel.Mean, r.DiffVsParallel.SE, r.HandDiff.Value, r.HandDiff.SE,
			r.TwoPlusChannels.Mean, r.TwoPlusChannels.SE, r.HandTwoPlus.Value, r.HandTwoPlus.SE)
	}
	return tw.Flush()
}
