package facts

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// Check is one comparison within a fact: Estimate must exceed Margin
// standard errors for the fact to hold.
type Check struct {
	Name     string  // what is compared
	Estimate float64 // the paired difference (positive in the fact's direction)
	SE       float64 // its standard error
	N        int     // number of pairs or observations
}

// Z returns Estimate/SE (+Inf for a positive estimate with SE 0).
func (c Check) Z() float64 {
	if c.SE == 0 {
		switch {
		case c.Estimate > 0:
			return math.Inf(1)
		case c.Estimate < 0:
			return math.Inf(-1)
		}
		return 0
	}
	return c.Estimate / c.SE
}

// Result is a fact's checks.
type Result struct {
	Fact   int     // number in docs/MODEL.md §1.2 (0 for the ratification checks)
	Name   string  // short statement
	Checks []Check // all must hold
}

// MinZ returns the smallest Z over the checks.
func (r Result) MinZ() float64 {
	z := math.Inf(1)
	for _, c := range r.Checks {
		z = math.Min(z, c.Z())
	}
	return z
}

// Holds reports whether every check's Z reaches margin.
func (r Result) Holds(margin float64) bool { return r.MinZ() >= margin }

// Config sets the size and seed of the comparisons.
type Config struct {
	Reps int    // replications per arm
	Seed uint64 // master seed
}

// Rand returns the generator of replication i: a PCG seeded with (seed, i).
// Every arm of a comparison uses the same generator for the same i (common
// random numbers).
func Rand(seed uint64, i int) *rand.Rand { return rand.New(rand.NewPCG(seed, uint64(i))) }

// arm is one scenario under one policy.
type arm struct {
	sc  *sim.Scenario
	pol sim.Policy
}

// run simulates replication i of every arm on common random numbers and
// passes the outcomes to f.
func run(c Config, arms []arm, f func(i int, o []sim.Outcome)) error {
	if c.Reps < 2 {
		return fmt.Errorf("facts: %d replications, want at least 2", c.Reps)
	}
	reps := make([]*sim.Replication, len(arms))
	for k, a := range arms {
		r, err := sim.NewReplication(a.sc, a.pol)
		if err != nil {
			return err
		}
		reps[k] = r
	}
	outs := make([]sim.Outcome, len(arms))
	for i := range c.Reps {
		for k := range arms {
			outs[k] = reps[k].Run(Rand(c.Seed, i), nil)
		}
		f(i, outs)
	}
	return nil
}

// pairedProp is a paired difference of two indicators.
type pairedProp struct{ t metrics.PairedTable }

func (p *pairedProp) add(a, b bool) { p.t.Add(a, b) }

func (p *pairedProp) check(name string) Check {
	d, err := metrics.PairedDifference(p.t, 0.95)
	if err != nil {
		return Check{Name: name, Estimate: math.NaN(), SE: math.NaN()}
	}
	return Check{Name: name, Estimate: d.D, SE: d.SE, N: d.N}
}

// mean is a running mean with its standard error, kept exactly by
// metrics.Moments (so the order of additions does not matter).
type mean struct{ m metrics.Moments }

// add records x; the statistics fed here are finite by construction
// (rounds, counts, shares), so Moments' refusal of NaN and ±Inf cannot
// drop a value silently: it panics instead.
func (m *mean) add(x float64) {
	if err := m.m.Add(x); err != nil {
		panic("facts: " + err.Error())
	}
}

func (m *mean) check(name string) Check {
	n := m.m.N()
	if n < 2 {
		return Check{Name: name, Estimate: math.NaN(), SE: math.NaN(), N: n}
	}
	return Check{Name: name, Estimate: m.m.Mean(), SE: m.m.SE(), N: n}
}

// restricted is the round of the breakthrough, or the horizon without one:
// its mean is the expected number of rounds without a ratified deal.
func restricted(o sim.Outcome, h int) float64 {
	if o.Kind == sim.Breakthrough {
		return float64(o.Round)
	}
	return float64(h)
}

// restrictedTalks is the round of the first talks, or the horizon without
// any: its mean is the restricted mean time to first talks, which counts a
// replication that never talks as censored at the horizon instead of
// dropping it.
func restrictedTalks(o sim.Outcome, h int) float64 {
	if o.FirstTalks > 0 {
		return float64(o.FirstTalks - 1)
	}
	return float64(h)
}

func within(o sim.Outcome, r int) bool { return o.Kind == sim.Breakthrough && o.Round <= r }

// dealWithin reports a ratified deal within w rounds of the first talks.
func dealWithin(o sim.Outcome, w int) bool {
	return o.Kind == sim.Breakthrough && o.FirstTalks > 0 && o.Round-o.FirstTalks < w
}

var btf = sim.BackThenFront{Threshold: sim.DefaultSwitchTrust}

// Fact1 compares back-then-front with front-only: the first gives earlier
// breakthroughs. Checks: P(ratified deal within three years) and the
// restricted mean time to breakthrough (front-only minus back-then-front,
// in rounds).
func Fact1(sc *sim.Scenario, c Config) (Result, error) {
	var early pairedProp
	var rm mean
	err := run(c, []arm{{sc, btf}, {sc, sim.FrontOnly{}}}, func(_ int, o []sim.Outcome) {
		early.add(within(o[0], 156), within(o[1], 156))
		rm.add(restricted(o[1], sc.Horizon) - restricted(o[0], sc.Horizon))
	})
	return Result{Fact: 1, Name: "back channel first gives earlier breakthroughs than front-only", Checks: []Check{
		early.check("P(breakthrough within 156 rounds): back-then-front − front-only"),
		rm.check("restricted mean time to breakthrough: front-only − back-then-front"),
	}}, err
}

// Fact2 compares back-only with front-only: secret talks delay the first
// attack, and the attack rate jumps once talks are visible. Checks: P(attack
// within 26 rounds of first talks) front-only − back-only, each among its
// own arm's replications whose talks opened at least 26 rounds before the
// horizon (a replication without talks says nothing about attacks on talks,
// and one whose window is cut by the horizon is censored; the standard
// error ignores the pairing, which is conservative when the arms are
// positively correlated, as common random numbers make them), and the attack rate per round of visible talks minus the
// rate in secret talks (Poisson standard errors) under back-only.
func Fact2(sc *sim.Scenario, c Config) (Result, error) {
	const window = 26
	var front, back prop
	var as, rs, av, rv float64
	err := run(c, []arm{{sc, sim.FrontOnly{}}, {sc, sim.BackOnly{}}}, func(_ int, o []sim.Outcome) {
		front.addIf(talksBefore(o[0], sc.Horizon-window), attackedWithin(o[0], window))
		back.addIf(talksBefore(o[1], sc.Horizon-window), attackedWithin(o[1], window))
		b := o[1]
		as += float64(b.AttacksSecret)
		rs += float64(b.RoundsSecret)
		av += float64(b.AttacksVisible)
		rv += float64(b.RoundsVisible)
	})
	jump := Check{Name: "attacks per round: visible − secret talks (back-only)", N: int(rs + rv)}
	if rs > 0 && rv > 0 {
		jump.Estimate = av/rv - as/rs
		jump.SE = math.Sqrt(math.Max(as, 1)/(rs*rs) + math.Max(av, 1)/(rv*rv))
	} else {
		jump.Estimate, jump.SE = math.NaN(), math.NaN()
	}
	return Result{Fact: 2, Name: "a back channel delays attacks; exposure makes them jump", Checks: []Check{
		diff(&front, &back, fmt.Sprintf("P(attack within %d rounds of first talks): front-only − back-only", window)),
		jump,
	}}, err
}

// talksBefore reports talks opened by round r (FirstTalks is the round
// number plus one).
func talksBefore(o sim.Outcome, r int) bool { return o.FirstTalks > 0 && o.FirstTalks-1 <= r }

// prop counts hits among the replications added.
type prop struct{ k, n int }

// addIf adds a replication when ok, a hit when hit.
func (p *prop) addIf(ok, hit bool) {
	if ok {
		p.n++
		if hit {
			p.k++
		}
	}
}

// diff is the difference of two proportions from separate samples with its
// Wald standard error (NaN when either sample is empty).
func diff(a, b *prop, name string) Check {
	if a.n == 0 || b.n == 0 {
		return Check{Name: name, Estimate: math.NaN(), SE: math.NaN(), N: a.n + b.n}
	}
	pa, pb := float64(a.k)/float64(a.n), float64(b.k)/float64(b.n)
	return Check{Name: name, Estimate: pa - pb, SE: math.Sqrt(pa*(1-pa)/float64(a.n) + pb*(1-pb)/float64(b.n)), N: a.n + b.n}
}

func attackedWithin(o sim.Outcome, w int) bool {
	return o.FirstTalks > 0 && o.FirstAttack > 0 && o.FirstAttack-o.FirstTalks < w
}

// Fact3 checks the hump in back-channel reliance: within five years
// reliance 0.5 beats reliance 0 and reliance 1, and by the horizon reliance
// 0.25 beats reliance 1.
func Fact3(sc *sim.Scenario, c Config) (Result, error) {
	const early = 260
	var up, down, fall pairedProp
	pols := []sim.Policy{sim.Reliance{P: 0}, sim.Reliance{P: 0.25}, sim.Reliance{P: 0.5}, sim.Reliance{P: 1}}
	arms := make([]arm, len(pols))
	for k, p := range pols {
		arms[k] = arm{sc, p}
	}
	err := run(c, arms, func(_ int, o []sim.Outcome) {
		up.add(within(o[2], early), within(o[0], early))
		down.add(within(o[2], early), within(o[3], early))
		fall.add(o[1].Kind == sim.Breakthrough, o[3].Kind == sim.Breakthrough)
	})
	return Result{Fact: 3, Name: "P(breakthrough) is hump-shaped in back-channel reliance", Checks: []Check{
		up.check("P(breakthrough within 260 rounds): reliance 0.5 − reliance 0"),
		down.check("P(breakthrough within 260 rounds): reliance 0.5 − reliance 1"),
		fall.check("P(breakthrough by the horizon): reliance 0.25 − reliance 1"),
	}}, err
}

// Fact4 checks that deals born in secret ratify less often than deals made
// in public (votes pooled over back-then-front and reliance 0.5, binomial
// standard errors), and that a leak lowers approval (side A's approval just
// before minus just after the first leak).
func Fact4(sc *sim.Scenario, c Config) (Result, error) {
	var sv, sp, pv, pp int
	var drop mean
	err := run(c, []arm{{sc, btf}, {sc, sim.Reliance{P: 0.5}}}, func(_ int, o []sim.Outcome) {
		for _, x := range o {
			sv += x.SecretVotes
			sp += x.SecretPasses
			pv += x.PublicVotes
			pp += x.PublicPasses
			if x.Leaks > 0 {
				drop.add(x.ApprovalBeforeLeak - x.ApprovalAfterLeak)
			}
		}
	})
	rate := Check{Name: "ratification rate: public − secret deals", N: sv + pv}
	if sv > 0 && pv > 0 {
		ps, pu := float64(sp)/float64(sv), float64(pp)/float64(pv)
		rate.Estimate = pu - ps
		rate.SE = math.Sqrt(ps*(1-ps)/float64(sv) + pu*(1-pu)/float64(pv))
	} else {
		rate.Estimate, rate.SE = math.NaN(), math.NaN()
	}
	return Result{Fact: 4, Name: "secret deals ratify less often; a leak lowers approval", Checks: []Check{
		rate, drop.check("approval drop at the first leak"),
	}}, err
}

// Fact5 checks Steele's law on sc's leak process: with n and 2n insiders
// (n = sc.Leaks.Insiders) the mean time from the opening of a back channel
// to its first leak falls by more than the factor 2 of a linear law; the
// estimate is T(n)/T(2n) − 2 with a delta-method standard error. Deals,
// breakdowns and spoilers are switched off so that only the leak hazard
// acts.
func Fact5(sc *sim.Scenario, c Config) (Result, error) {
	mk := func(n int) *sim.Scenario {
		s := sc.Clone()
		s.Horizon = 5000
		s.Spoilers = nil
		s.Leaks.Insiders = n
		s.Talks.OpenRate = 1
		s.Talks.CommitTrust, s.Talks.EnvoyCommitBonus = 1, 0
		s.Talks.BreakdownHazard, s.Talks.BreakdownTrust = 0, 0
		s.Talks.ContinueBias = 20 // the parties always go on
		for i := range s.Parties {
			s.Parties[i].Negotiator.Readiness0 = 1
		}
		return s
	}
	n := sc.Leaks.Insiders
	var t1, t2 mean
	for k, s := range []*sim.Scenario{mk(n), mk(2 * n)} {
		r, err := sim.NewReplication(s, sim.BackOnly{})
		if err != nil {
			return Result{}, err
		}
		for i := range c.Reps {
			r.Reset(Rand(c.Seed, i))
			for !r.Step(nil) && r.Outcome().FirstLeak == 0 {
			}
			o := r.Outcome()
			if o.FirstLeak == 0 {
				continue // no leak within 5000 rounds: left out
			}
			d := float64(o.FirstLeak - o.FirstTalks + 1)
			if k == 0 {
				t1.add(d)
			} else {
				t2.add(d)
			}
		}
	}
	ch := Check{Name: fmt.Sprintf("T(%d insiders)/T(%d insiders) − 2", n, 2*n), N: t1.m.N() + t2.m.N()}
	if t1.m.N() > 1 && t2.m.N() > 1 {
		m1, m2 := t1.m.Mean(), t2.m.Mean()
		ratio := m1 / m2
		ch.Estimate = ratio - 2
		ch.SE = ratio * math.Hypot(t1.m.SE()/m1, t2.m.SE()/m2)
	} else {
		ch.Estimate, ch.SE = math.NaN(), math.NaN()
	}
	return Result{Fact: 5, Name: "time to leak shrinks about with the square of the insiders", Checks: []Check{ch}}, nil
}

// Fact6 checks the trust rule of sc's side A: starting from trust 0.5,
// more unit positive events are needed to raise trust by 0.1 than unit
// negative events to lower it by 0.1. The estimate is the ratio of the two
// counts minus 1; the rule is deterministic, so its SE is 0.
func Fact6(sc *sim.Scenario, _ Config) (Result, error) {
	rule := agents.DefaultTrustRule(&sc.Parties[0].Negotiator)
	count := func(step func(float64) float64, done func(float64) bool) int {
		x := 0.5
		for k := 1; k <= 100000; k++ {
			x = step(x)
			if done(x) {
				return k
			}
		}
		return 100000
	}
	up := count(func(x float64) float64 { return rule.Gain(x, 1) }, func(x float64) bool { return x >= 0.6 })
	down := count(func(x float64) float64 { return rule.Lose(x, 1) }, func(x float64) bool { return x <= 0.4 })
	return Result{Fact: 6, Name: "trust rises slowly and falls fast", Checks: []Check{{
		Name:     fmt.Sprintf("events to gain 0.1 (%d) / events to lose 0.1 (%d) − 1", up, down),
		Estimate: float64(up)/float64(down) - 1, N: 1,
	}}}, nil
}

// Fact7 doubles every side's cost rate under back-then-front: talks open
// earlier (restricted mean time to first talks, paired) and deals come
// earlier (restricted mean time to breakthrough, paired).
func Fact7(sc *sim.Scenario, c Config) (Result, error) {
	hi := sc.Clone()
	for i := range hi.Parties {
		hi.Parties[i].Negotiator.CostRate = math.Min(1, 2*sc.Parties[i].Negotiator.CostRate)
	}
	var talks, deals mean
	err := run(c, []arm{{sc, btf}, {hi, btf}}, func(_ int, o []sim.Outcome) {
		a, b := o[0], o[1]
		talks.add(restrictedTalks(a, sc.Horizon) - restrictedTalks(b, hi.Horizon))
		deals.add(restricted(a, sc.Horizon) - restricted(b, hi.Horizon))
	})
	return Result{Fact: 7, Name: "higher costs of no deal bring earlier talks and deals", Checks: []Check{
		talks.check("restricted mean time to first talks: base − doubled cost (rounds)"),
		deals.check("restricted mean time to breakthrough: base − doubled cost (rounds)"),
	}}, err
}

// Fact8 switches the mediator on under back-only (the mediator hosts the
// secret channel): fewer leaks per round of secret talks and a higher
// P(breakthrough). (Under back-then-front the mediator's faster trust moves
// talks public sooner, where they are slower: its net effect there is
// small; see docs/MODEL.md §1.2.)
func Fact8(sc *sim.Scenario, c Config) (Result, error) {
	off, on := sc.Clone(), sc.Clone()
	off.Mediator.Enabled = false
	on.Mediator.Enabled = true
	var leaks mean
	var bt pairedProp
	pol := sim.BackOnly{}
	err := run(c, []arm{{off, pol}, {on, pol}}, func(_ int, o []sim.Outcome) {
		a, b := o[0], o[1]
		leaks.add(rate(a.Leaks, a.RoundsSecret) - rate(b.Leaks, b.RoundsSecret))
		bt.add(b.Kind == sim.Breakthrough, a.Kind == sim.Breakthrough)
	})
	return Result{Fact: 8, Name: "a secure mediator lowers leaks and raises P(breakthrough)", Checks: []Check{
		leaks.check("leaks per round of secret talks: without − with mediator (back-only)"),
		bt.check("P(breakthrough): with − without mediator (back-only)"),
	}}, err
}

func rate(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// All computes facts 1-8 in order.
func All(sc *sim.Scenario, c Config) ([]Result, error) {
	fs := []func(*sim.Scenario, Config) (Result, error){Fact1, Fact2, Fact3, Fact4, Fact5, Fact6, Fact7, Fact8}
	out := make([]Result, 0, len(fs))
	for _, f := range fs {
		r, err := f(sc, c)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
