package sim

import (
	"math"
	"testing"

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
			outs[k] = reps[k].Run(ReplicationRand(20261129, uint64(i)), nil)
		}
		f(i, outs)
	}
}

// add counts one replication in the 2×2 table of two indicators.
func (p *pairedCount) add(a, b bool) {
	switch {
	case a && b:
		p.N11++
	case a:
		p.N10++
	case b:
		p.N01++
	default:
		p.N00++
	}
}

// pairedCount is the 2×2 table of two indicators on the same replications.
type pairedCount struct{ metrics.PairedTable }

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
	if !(mb.Interval.Hi < mf.Value) {
		t.Errorf("median time to breakthrough: back-then-front %v %v, front-only %v: want the first clearly earlier", mb.Value, mb.Interval, mf.Value)
	}
	t.Logf("P(early) diff %.3f ± %.3f; median %v vs %v", d.D, d.SE, mb.Value, mf.Value)
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

func median(t *testing.T, et *metrics.EventTable) metrics.TimeQuantile {
	t.Helper()
	km, err := metrics.KaplanMeier(et, int(Breakthrough), 0.95, metrics.LogLog)
	if err != nil {
		t.Fatal(err)
	}
	return km.Median()
}
