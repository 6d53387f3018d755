package sim

import (
	"math"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
)

// Stylized facts of MODEL-NOTES.md as comparative statics on common random
// numbers: each policy runs replication i from the same seed. Margins are
// several standard errors on fixed seeds, at the documented defaults.

const factReps = 1000

func runPolicies(t *testing.T, sc *Scenario, pols []Policy, n int, f func(i int, o []Outcome)) {
	t.Helper()
	reps := make([]*Replication, len(pols))
	for k, p := range pols {
		reps[k] = newRep(t, sc, p)
	}
	outs := make([]Outcome, len(pols))
	for i := range n {
		for k := range pols {
			outs[k] = reps[k].Run(mc.ReplicationRand(20261129, uint64(i)), nil)
		}
		f(i, outs)
	}
}

// pairedCount is the 2×2 table of two indicators on the same replications.
type pairedCount struct{ metrics.PairedTable }

func (p *pairedCount) add(a, b bool) { p.Add(a, b) }

// Fact 1: back-channel-first gives earlier breakthroughs than front-only.
func TestFactBackFirstEarlierBreakthroughs(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	const early = 260 // five years of weekly rounds
	var tab pairedCount
	btf, fo := newTable(), newTable()
	runPolicies(t, sc, []Policy{BackThenFront{Threshold: DefaultSwitchTrust}, FrontOnly{}}, factReps, func(_ int, o []Outcome) {
		tab.add(o[0].Kind == Breakthrough && o[0].Round <= early, o[1].Kind == Breakthrough && o[1].Round <= early)
		addOutcome(t, btf, o[0])
		addOutcome(t, fo, o[1])
	})
	d, err := metrics.PairedDifference(tab.PairedTable, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if d.D < 4*d.SE {
		t.Errorf("P(breakthrough within %d rounds): back-then-front − front-only = %.3f (SE %.3f), want > 4 SE", early, d.D, d.SE)
	}
	mb, mf := median(t, btf), median(t, fo)
	if !(float64(mb.CI[1]) < float64(mf.CI[0])) {
		t.Errorf("median time to breakthrough: back-then-front %v %v, front-only %v %v: want disjoint intervals, the first earlier", mb.Median, mb.CI, mf.Median, mf.CI)
	}
	t.Logf("P(early) diff %.3f ± %.3f; median %v vs %v", d.D, d.SE, mb.Median, mf.Median)
}

// Fact 2: a back channel delays spoiler mobilisation and attacks, but the
// protection is temporary: after exposure the attack hazard jumps.
func TestFactBackChannelProtectsTemporarily(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	const window = 26 // half a year after talks first open
	var tab pairedCount
	var as, rs, av, rv float64
	runPolicies(t, sc, []Policy{BackOnly{}, FrontOnly{}}, factReps, func(_ int, o []Outcome) {
		b, f := o[0], o[1]
		tab.add(attackedWithin(b, window), attackedWithin(f, window))
		as += float64(b.AttacksSecret)
		rs += float64(b.RoundsSecret)
		av += float64(b.AttacksVisible)
		rv += float64(b.RoundsVisible)
	})
	d, err := metrics.PairedDifference(tab.PairedTable, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// Attack within half a year of opening: secret talks less often.
	if -d.D < 4*d.SE {
		t.Errorf("P(attack within %d rounds of opening): back-only − front-only = %.3f (SE %.3f), want < −4 SE", window, d.D, d.SE)
	}
	// Attack rate per round of talks before and after exposure (Poisson SEs).
	r0, r1 := as/rs, av/rv
	se := math.Sqrt(as/(rs*rs) + av/(rv*rv))
	if r1-r0 < 4*se || r1 < 2*r0 {
		t.Errorf("attack rate: secret %.4f/round, exposed or public %.4f/round (SE of difference %.4f): want a jump", r0, r1, se)
	}
	t.Logf("P(attack in window) diff %.3f ± %.3f; attack rate secret %.4f vs visible %.4f", d.D, d.SE, r0, r1)
}

func attackedWithin(o Outcome, w int) bool {
	return o.FirstTalks > 0 && o.FirstAttack > 0 && o.FirstAttack-o.FirstTalks < w
}

func newTable() *metrics.EventTable {
	et, err := metrics.NewEventTable(2)
	if err != nil {
		panic(err)
	}
	return et
}

func addOutcome(t *testing.T, et *metrics.EventTable, o Outcome) {
	t.Helper()
	tm, cause := o.Time()
	if err := et.Add(tm, cause); err != nil {
		t.Fatal(err)
	}
}

// median is the Report's median time to breakthrough: the round at which
// the Aalen-Johansen cumulative incidence (collapse competing) reaches 0.5.
func median(t *testing.T, et *metrics.EventTable) TimeEstimate {
	t.Helper()
	cr, err := metrics.CumulativeIncidence(et, 0.95, metrics.Log)
	if err != nil {
		t.Fatal(err)
	}
	return crossing(cr.Cause(int(Breakthrough)), 0.5, "")
}

// breakthroughBy reports a ratified breakthrough by round r.
func breakthroughBy(o Outcome, r int) bool { return o.Kind == Breakthrough && o.Round <= r }

// pairedMeanDiff returns the mean and standard error of paired differences.
func pairedMeanDiff(d []float64) (mean, se float64) {
	n := float64(len(d))
	var s, s2 float64
	for _, x := range d {
		s += x
	}
	mean = s / n
	for _, x := range d {
		s2 += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(s2 / (n - 1) / n)
}

func pairedDiff(t *testing.T, tab pairedCount) metrics.PairedDiff {
	t.Helper()
	d, err := metrics.PairedDifference(tab.PairedTable, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Fact 3: ratified-breakthrough probability is hump-shaped in back-channel
// reliance: some reliance beats none (preconditions bypassed, earlier
// trust), full reliance loses it again (diminishing returns of repeated
// channels, surprise and backlash at ratification, leaks).
func TestFactRelianceHump(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	const early = 260
	var lowMid, highMid pairedCount // (mid, low) and (mid, high)
	var midHi pairedCount           // over the whole horizon: (0.25, 1)
	runPolicies(t, sc, []Policy{Reliance{P: 0}, Reliance{P: 0.25}, Reliance{P: 0.5}, Reliance{P: 1}}, factReps, func(_ int, o []Outcome) {
		lowMid.add(breakthroughBy(o[2], early), breakthroughBy(o[0], early))
		highMid.add(breakthroughBy(o[2], early), breakthroughBy(o[3], early))
		midHi.add(o[1].Kind == Breakthrough, o[3].Kind == Breakthrough)
	})
	up, down, fall := pairedDiff(t, lowMid), pairedDiff(t, highMid), pairedDiff(t, midHi)
	if up.D < 4*up.SE {
		t.Errorf("within %d rounds: P(reliance 0.5) − P(reliance 0) = %.3f (SE %.3f), want > 4 SE (early gains)", early, up.D, up.SE)
	}
	if down.D < 4*down.SE {
		t.Errorf("within %d rounds: P(reliance 0.5) − P(reliance 1) = %.3f (SE %.3f), want > 4 SE (diminishing returns)", early, down.D, down.SE)
	}
	if fall.D < 4*fall.SE {
		t.Errorf("by the horizon: P(reliance 0.25) − P(reliance 1) = %.3f (SE %.3f), want > 4 SE", fall.D, fall.SE)
	}
	t.Logf("5-year: mid−low %.3f±%.3f, mid−high %.3f±%.3f; horizon: 0.25−1 %.3f±%.3f", up.D, up.SE, down.D, down.SE, fall.D, fall.SE)
}

// Fact 4: deals born in secret ratify less often than deals made in public
// with prepared constituents; a leak lowers approval.
func TestFactSecretDealsRatifyLess(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	var sv, sp, pv, pp int
	var drops []float64
	runPolicies(t, sc, []Policy{BackThenFront{Threshold: DefaultSwitchTrust}, Reliance{P: 0.5}}, factReps, func(_ int, o []Outcome) {
		for _, x := range o {
			sv += x.SecretVotes
			sp += x.SecretPasses
			pv += x.PublicVotes
			pp += x.PublicPasses
			if x.Leaks > 0 {
				drops = append(drops, x.ApprovalBeforeLeak-x.ApprovalAfterLeak)
			}
		}
	})
	ps, pu := float64(sp)/float64(sv), float64(pp)/float64(pv)
	se := math.Sqrt(ps*(1-ps)/float64(sv) + pu*(1-pu)/float64(pv))
	if pu-ps < 4*se {
		t.Errorf("ratification: secret %d/%d = %.3f, public %d/%d = %.3f (SE of difference %.3f): want public > secret by 4 SE", sp, sv, ps, pp, pv, pu, se)
	}
	m, mse := pairedMeanDiff(drops)
	if len(drops) < 100 || m < 4*mse {
		t.Errorf("approval drop at the first leak: %.4f ± %.4f over %d leaks, want > 4 SE", m, mse, len(drops))
	}
	t.Logf("pass rate secret %.3f (%d votes) vs public %.3f (%d votes); approval drop at leak %.4f±%.4f (n=%d)", ps, sv, pu, pv, m, mse, len(drops))
}

// Fact 7: higher costs of no deal (sanctions) bring earlier talks and
// earlier deals (Zartman 2000).
func TestFactCostsBringEarlierTalksAndDeals(t *testing.T) {
	t.Parallel()
	lo, hi := DefaultScenario(), DefaultScenario()
	for i := range hi.Parties {
		hi.Parties[i].Negotiator.CostRate = 2 * lo.Parties[i].Negotiator.CostRate
	}
	pol := BackThenFront{Threshold: DefaultSwitchTrust}
	rl, rh := newRep(t, lo, pol), newRep(t, hi, pol)
	var talks, deals []float64
	for i := range uint64(factReps) {
		a, b := rl.Run(mc.ReplicationRand(7, i), nil), rh.Run(mc.ReplicationRand(7, i), nil)
		if a.FirstTalks > 0 && b.FirstTalks > 0 {
			talks = append(talks, float64(a.FirstTalks-b.FirstTalks))
		}
		// Restricted time to breakthrough: the round of the breakthrough,
		// or the horizon if there was none (collapse or impasse). Its mean
		// is the expected number of rounds without a ratified deal.
		deals = append(deals, float64(restricted(a, lo.Horizon)-restricted(b, hi.Horizon)))
	}
	m, se := pairedMeanDiff(talks)
	if m < 4*se {
		t.Errorf("first talks: low-cost minus high-cost round = %.1f ± %.1f, want > 4 SE (earlier talks)", m, se)
	}
	dm, dse := pairedMeanDiff(deals)
	if dm < 4*dse {
		t.Errorf("restricted mean time to breakthrough: low − high cost = %.1f ± %.1f rounds, want > 4 SE (earlier deals)", dm, dse)
	}
	t.Logf("talks earlier by %.1f±%.1f rounds; restricted time to breakthrough shorter by %.1f±%.1f rounds", m, se, dm, dse)
}

// restricted returns the breakthrough round, or h without a breakthrough.
func restricted(o Outcome, h int) int {
	if o.Kind == Breakthrough {
		return o.Round
	}
	return h
}

// Fact 8: a secure mediator lowers leaks and raises the breakthrough
// probability (Beardsley et al. 2006; Pruitt 1997 on Norway).
func TestFactSecureMediator(t *testing.T) {
	t.Parallel()
	off, on := DefaultScenario(), DefaultScenario()
	on.Mediator.Enabled = true
	pol := BackThenFront{Threshold: DefaultSwitchTrust}
	r0, r1 := newRep(t, off, pol), newRep(t, on, pol)
	var leaks []float64
	var bt pairedCount
	for i := range uint64(factReps) {
		a, b := r0.Run(mc.ReplicationRand(8, i), nil), r1.Run(mc.ReplicationRand(8, i), nil)
		// Leaks per round of secret talks, so that a shorter process is not
		// mistaken for a safer one.
		la, lb := 0.0, 0.0
		if a.RoundsSecret > 0 {
			la = float64(a.Leaks) / float64(a.RoundsSecret)
		}
		if b.RoundsSecret > 0 {
			lb = float64(b.Leaks) / float64(b.RoundsSecret)
		}
		leaks = append(leaks, la-lb)
		bt.add(b.Kind == Breakthrough, a.Kind == Breakthrough)
	}
	m, se := pairedMeanDiff(leaks)
	if m < 4*se {
		t.Errorf("leaks per secret round: without − with mediator = %.4f ± %.4f, want > 4 SE", m, se)
	}
	d := pairedDiff(t, bt)
	if d.D < 4*d.SE {
		t.Errorf("P(breakthrough): with − without mediator = %.3f (SE %.3f), want > 4 SE", d.D, d.SE)
	}
	t.Logf("leak rate lower by %.4f±%.4f; breakthrough +%.3f±%.3f", m, se, d.D, d.SE)
}
