package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// Per-round event draws. Every round draws the same number of uniforms from
// the event stream whatever happens, so that two policies compared on common
// random numbers see the same shocks round by round.
const (
	uOpen = iota
	uLeak
	uGest0
	uGest1
	uBreak
	uCollapse
	uVote
	uFixed // first spoiler draw; each spoiler uses drawsPerSpoiler
)

const drawsPerSpoiler = 3 // attack, leak, suspend

// Replication is the reusable state of one negotiation. Build it once per
// worker with NewReplication and call Run for each replication: after the
// first Run it allocates nothing. It is not safe for concurrent use.
type Replication struct {
	sc  *Scenario
	pol Policy

	neg [2]agents.Negotiator
	con [2]agents.Constituency
	spo []agents.Spoiler

	// Three independent streams derived from the replication's generator:
	// constituents, events, policy. Held by value; the *rand.Rand wrappers
	// are built once.
	popSrc, evSrc, polSrc rand.PCG
	pop, ev, polRand      *rand.Rand
	u                     []float64

	// Dynamic state.
	round     int
	ch        Channel
	exposed   bool
	chAge     int // rounds since the current secret channel opened
	talkAge   int // rounds since talks (re)opened
	cool      int // cool-down rounds left
	ratifying bool
	voteRound int
	dealShare float64 // side A's share of the tentative deal
	dealSec   bool    // the tentative deal was sprung from secret talks
	dealCh    Channel
	milestone bool
	redecide  bool // the secret channel was exposed: the policy chooses how to go on
	done      bool
	hawk      [2]float64
	press     [2]float64
	prevSt    [2]float64
	lastVote  Vote
	voted     bool         // a vote was held this round
	scratch   [2][]float64 // order statistics at a vote

	out  Outcome
	snap Snapshot
	view View

	// Hooks installed after each reset (nil: defaults).
	hooks Hooks
}

// Hooks let a user replace a behaviour without forking: each non-nil
// function is called after the defaults are installed at the start of every
// replication and returns the rule to use for that agent.
type Hooks struct {
	Trust      func(party int, p *agents.NegotiatorParams) agents.TrustRule
	Concession func(party int, p *agents.NegotiatorParams) agents.ConcessionStrategy
	Opinion    func(party int, p *agents.ConstituencyParams) agents.OpinionDynamics
	Spoiler    func(p *agents.SpoilerParams) agents.SpoilerBehaviour
}

// NewReplication validates the scenario and prepares reusable state for
// policy pol (nil: the scenario's Policy). The scenario must not be modified
// while the Replication is in use.
func NewReplication(sc *Scenario, pol Policy) (*Replication, error) {
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("sim: invalid scenario:\n%w", err)
	}
	if pol == nil {
		var err error
		if pol, err = ParsePolicy(sc.Policy); err != nil {
			return nil, err
		}
	}
	r := &Replication{sc: sc, pol: pol}
	r.pop = rand.New(&r.popSrc)
	r.ev = rand.New(&r.evSrc)
	r.polRand = rand.New(&r.polSrc)
	r.spo = make([]agents.Spoiler, len(sc.Spoilers))
	r.u = make([]float64, uFixed+drawsPerSpoiler*len(sc.Spoilers))
	for i := range r.con {
		r.con[i].X = make([]float64, 0, sc.Parties[i].Constituents.Size)
		r.scratch[i] = make([]float64, sc.Parties[i].Constituents.Size)
	}
	return r, nil
}

// SetHooks installs user behaviours for subsequent replications.
func (r *Replication) SetHooks(h Hooks) { r.hooks = h }

// Policy returns the replication's channel policy.
func (r *Replication) Policy() Policy { return r.pol }

// Run simulates one replication from rng to its end and returns its
// outcome. rng is used only to seed the replication's internal streams
// (six draws). obs may be nil; it never changes the outcome.
func (r *Replication) Run(rng *rand.Rand, obs Observer) Outcome {
	r.Reset(rng)
	for !r.Step(obs) {
	}
	return r.out
}

// Reset starts a new replication seeded from rng.
func (r *Replication) Reset(rng *rand.Rand) {
	r.popSrc.Seed(rng.Uint64(), rng.Uint64())
	r.evSrc.Seed(rng.Uint64(), rng.Uint64())
	r.polSrc.Seed(rng.Uint64(), rng.Uint64())
	sc := r.sc
	for i := range r.neg {
		np := &sc.Parties[i].Negotiator
		r.neg[i].Reset(np)
		r.con[i].Reset(&sc.Parties[i].Constituents, r.pop)
		if r.hooks.Trust != nil {
			r.neg[i].Rule = r.hooks.Trust(i, np)
		}
		if r.hooks.Concession != nil {
			r.neg[i].Concession = r.hooks.Concession(i, np)
		}
		if r.hooks.Opinion != nil {
			r.con[i].Dynamics = r.hooks.Opinion(i, &sc.Parties[i].Constituents)
		}
		r.prevSt[i] = r.neg[i].Stated
	}
	for k := range r.spo {
		r.spo[k].Reset(&sc.Spoilers[k])
		if r.hooks.Spoiler != nil {
			r.spo[k].Behaviour = r.hooks.Spoiler(&sc.Spoilers[k])
		}
	}
	r.round = 0
	r.ch = Closed
	r.exposed = false
	r.chAge, r.talkAge, r.cool = 0, 0, 0
	r.ratifying = false
	r.voteRound = 0
	r.dealShare, r.dealSec, r.dealCh = 0, false, Closed
	r.milestone = false
	r.redecide = false
	r.done = false
	r.out = Outcome{}
}

// Outcome returns the outcome so far (final once Step has returned true).
func (r *Replication) Outcome() Outcome { return r.out }

// Step simulates one round and reports whether the replication has ended.
// It allocates nothing.
func (r *Replication) Step(obs Observer) bool {
	if r.done {
		return true
	}
	sc := r.sc
	t := r.round
	for i := range r.u {
		r.u[i] = r.ev.Float64()
	}
	r.milestone = r.ratifying && t >= r.voteRound

	// 1. Costs of no deal (ripeness) and peer influence.
	for i := range r.neg {
		r.neg[i].AccrueCost()
		r.con[i].Step(r.pop)
		r.hawk[i] = r.con[i].Mean()
		r.press[i] = r.con[i].Pressure(r.hawk[i])
	}

	// 2. Channel choice.
	if !r.ratifying {
		if r.ch == Closed {
			r.maybeOpen(t)
		} else if r.redecide {
			r.afterExposure(t)
		} else {
			r.fillView(t)
			c := r.pol.Choose(&r.view)
			if c != Closed && c != r.ch && (r.view.FrontAllowed || !c.public()) {
				r.switchTo(c)
			}
		}
	}

	// 3. Gestures (GRIT): unilateral, costly; relayed by a mediator or made
	// across a secret channel, or announced publicly while talks are closed.
	if !r.ratifying && (r.ch == Closed || r.ch.secret()) {
		r.gestures()
	}

	// 4. Bargaining and a tentative deal.
	talks := r.ch != Closed && !r.ratifying
	if talks {
		r.bargain()
		r.maybeDeal(t)
	}

	// 5. Leaks of an unexposed secret channel (Steele 1989).
	if r.ch.secret() && !r.exposed && !r.ratifying {
		nn := float64(sc.Leaks.Insiders + sc.Mediator.Insiders())
		h := sc.Leaks.BaseHazard * nn * nn * (1 + sc.Leaks.AgeFactor*float64(r.chAge)) * sc.Mediator.LeakFactor()
		if r.u[uLeak] < h {
			r.expose(t, true)
		}
	}

	// 6. Audiences: attention, preparedness and leader messages.
	visible := r.ch.public() || (r.ch.secret() && r.exposed) || r.ratifying
	for i := range r.con {
		c := &r.con[i]
		c.Attend(visible, visible)
		if visible && c.Attention > 0 {
			n := &r.neg[i]
			msg := n.Demand + n.P.Posturing*r.press[i]*(1-n.Demand)
			if r.ratifying {
				msg = r.share(i)
			}
			c.Message(msg, c.Attention*n.Approval)
		}
	}

	// 7. Spoilers: awareness, mobilisation, leaks from inside, attacks.
	r.spoilers(t, visible)

	// 8. Ratification vote.
	r.voted = false
	if r.ratifying && t >= r.voteRound && !r.done {
		r.vote(t)
		r.voted = true
	}

	// 9. Breakdown (low trust or posturing-driven).
	if r.ch != Closed && !r.ratifying && !r.done {
		tMin := math.Min(r.neg[0].Trust, r.neg[1].Trust)
		if r.talkAge >= sc.Talks.MinTalkRounds && tMin < sc.Talks.BreakdownTrust {
			r.breakdown(t)
		} else {
			vis := 0.0
			if r.ch.public() || r.exposed {
				vis = 1
			}
			p := sc.Talks.BreakdownHazard * (1 + sc.Talks.PosturingBreakdown*math.Max(r.press[0], r.press[1])*vis)
			if r.u[uBreak] < p {
				r.breakdown(t)
			}
		}
	}

	// 10. Accounting and observation.
	r.account()
	r.round++
	if !r.done && r.round >= sc.Horizon {
		r.finish(Impasse, sc.Horizon)
	}
	if obs != nil {
		r.snapshot()
		obs.Observe(&r.snap)
	}
	return r.done
}

func (r *Replication) share(i int) float64 {
	if i == 0 {
		return r.dealShare
	}
	return 1 - r.dealShare
}

func (r *Replication) fillView(t int) {
	v := &r.view
	v.Round = t
	v.Channel = r.ch
	v.Exposed = r.exposed
	v.Trust = [2]float64{r.neg[0].Trust, r.neg[1].Trust}
	v.MinTrust = math.Min(v.Trust[0], v.Trust[1])
	v.FrontAllowed = v.MinTrust >= r.sc.Talks.FrontMinTrust
	v.BackChannels = r.out.BackChannels
	v.Breakdowns = r.out.Breakdowns
	v.Rand = r.polRand
}

// maybeOpen (re)opens talks with probability OpenRate·R_A·R_B, plus the
// mediator's ReopenRate after a breakdown, in the channel the policy
// chooses.
func (r *Replication) maybeOpen(t int) {
	if r.cool > 0 {
		r.cool--
		return
	}
	sc := r.sc
	p := sc.Talks.OpenRate * r.neg[0].Readiness() * r.neg[1].Readiness()
	if sc.Mediator.Enabled && r.out.Breakdowns > 0 {
		p += sc.Mediator.ReopenRate
	}
	if r.u[uOpen] >= p {
		return
	}
	r.fillView(t)
	c := r.pol.Choose(&r.view)
	switch c {
	case Front:
		if !r.view.FrontAllowed {
			return
		}
	case Parallel:
		if !r.view.FrontAllowed {
			c = Back
		}
	case Closed:
		return
	}
	if r.out.FirstTalks == 0 {
		r.out.FirstTalks = t + 1
	}
	r.talkAge = 0
	r.switchTo(c)
}

// afterExposure asks the policy how to go on once a secret channel has been
// exposed (a leak, or an announced deal that failed ratification): Back opens
// a fresh back channel (channels beget channels; Wanis-St. John 2011), Front
// or Parallel go public if the preconditions allow, Closed carries on in the
// exposed channel.
func (r *Replication) afterExposure(t int) {
	r.redecide = false
	r.fillView(t)
	r.view.Channel = Closed
	r.view.Exposed = true
	switch c := r.pol.Choose(&r.view); c {
	case Back, Parallel:
		if c == Parallel && !r.view.FrontAllowed {
			c = Back
		}
		r.out.BackChannels++
		r.chAge = 0
		r.exposed = false
		r.ch = c
	case Front:
		if r.view.FrontAllowed {
			r.switchTo(Front)
		}
	}
}

// switchTo moves talks to channel c (from Closed or another channel). A
// secret table that did not exist before is a new back channel.
func (r *Replication) switchTo(c Channel) {
	if c.public() && !r.ch.public() {
		r.out.FrontChannels++
	}
	if c.secret() && !r.ch.secret() {
		r.out.BackChannels++
		r.chAge = 0
		r.exposed = false
	}
	if !c.secret() {
		r.exposed = false
	}
	r.ch = c
}

// gestures lets each side make a goodwill gesture (Osgood 1962; Kydd 2000).
func (r *Replication) gestures() {
	mult := r.sc.Mediator.TrustMultiplier()
	var made [2]bool
	for i := range r.neg {
		n := &r.neg[i]
		if n.CanGesture() && r.u[uGest0+i] < n.P.GestureRate {
			n.MakeGesture()
			r.neg[1-i].Gain(n.P.GestureStrength * mult)
			made[i] = true
			r.out.Gestures++
		}
	}
	for i := range r.neg {
		if made[1-i] {
			r.neg[i].Reciprocated()
		}
	}
}

// bargain runs one round of concessions and trust updates at the table.
func (r *Replication) bargain() {
	sc := r.sc
	secretTable := r.ch.secret()
	vis, eff, gain := 1.0, 1.0, 1.0
	beta0, beta1 := r.neg[0].P.BetaFront, r.neg[1].P.BetaFront
	if secretTable {
		eff = math.Pow(sc.Talks.BackReturns, float64(r.out.BackChannels-1))
		gain = eff * sc.Mediator.TrustMultiplier()
		beta0, beta1 = r.neg[0].P.BetaBack, r.neg[1].P.BetaBack
		if !r.exposed {
			vis = 0
		}
	}
	betas := [2]float64{beta0, beta1}
	for i := range r.neg {
		n := &r.neg[i]
		// Concession speed grows with working trust (Pruitt's optimism) and
		// with readiness (the hurting stalemate sustained during talks;
		// Zartman 2000, Pruitt 1997).
		n.Concede(eff*(0.5+n.Trust)*(0.5+n.Readiness()), betas[i])
		n.State(r.press[i], vis)
	}
	ref := sc.Talks.ConcessionRef
	for i := range r.neg {
		other := &r.neg[1-i]
		d := r.prevSt[1-i] - other.Stated
		s := math.Min(1, math.Abs(d)/ref)
		switch {
		case d > 0:
			r.neg[i].Gain(s * gain)
			if s >= 0.5 {
				r.neg[i].Reciprocated()
			}
		case d < 0:
			r.neg[i].Lose(s)
		}
	}
	r.prevSt[0], r.prevSt[1] = r.neg[0].Stated, r.neg[1].Stated
	r.talkAge++
	if secretTable {
		r.chAge++
	}
}

// maybeDeal reaches a tentative deal when the stated demands are compatible
// and mutual trust clears the commitment threshold; the surplus left over
// is split equally.
func (r *Replication) maybeDeal(t int) {
	sc := r.sc
	s0, s1 := r.neg[0].Stated, r.neg[1].Stated
	if s0+s1 > 1 {
		return
	}
	commit := sc.Talks.CommitTrust
	secret := r.ch.secret() && !r.exposed
	if secret {
		commit -= sc.Talks.EnvoyCommitBonus * (r.neg[0].P.EnvoyAuthority + r.neg[1].P.EnvoyAuthority) / 2
	}
	if math.Min(r.neg[0].Trust, r.neg[1].Trust) < commit {
		return
	}
	r.dealShare = s0 + (1-s0-s1)/2
	r.dealSec = secret
	r.dealCh = r.ch
	r.ratifying = true
	r.voteRound = t + sc.Ratification.Delay
	if secret {
		r.expose(t, false) // the announcement reveals the secret talks
	}
	r.milestone = true
	for i := range r.con {
		r.con[i].Spike()
	}
}

// expose makes the secret channel public knowledge, by a leak or an
// announcement: attention spikes, approval drops (Juhl & Hilpert 2021),
// constituents harden in proportion to their unpreparedness, and a leak
// costs trust on both sides.
func (r *Replication) expose(t int, leak bool) {
	sc := r.sc
	r.exposed = true
	r.milestone = true
	if leak {
		r.redecide = !r.ratifying
		r.out.Leaks++
		if r.out.FirstLeak == 0 {
			r.out.FirstLeak = t + 1
			r.out.ApprovalBeforeLeak = r.neg[0].Approval
		}
	}
	for i := range r.con {
		c := &r.con[i]
		c.Spike()
		c.Harden(c.P.RevealBacklash * (1 - c.Preparedness))
		r.neg[i].Reveal(sc.Leaks.ApprovalPenalty, c.Preparedness)
		if leak {
			r.neg[i].Lose(sc.Leaks.TrustLoss)
		}
	}
	if leak && r.out.FirstLeak == t+1 {
		r.out.ApprovalAfterLeak = r.neg[0].Approval
	}
}

// spoilers updates awareness and mobilisation and draws leaks and attacks.
func (r *Replication) spoilers(t int, visible bool) {
	for k := range r.spo {
		if r.done {
			return
		}
		// Recomputed per spoiler: an earlier spoiler's attack may have
		// broken the talks off, or its leak exposed them.
		talks := r.ch != Closed || r.ratifying
		secret := r.ch.secret() && !r.exposed && !r.ratifying
		visible = visible || (talks && !secret)
		s := &r.spo[k]
		own := s.P.Party
		if !s.Aware && talks && (visible || s.P.Position == agents.Inside) {
			s.Aware = true
			if r.out.FirstAware == 0 {
				r.out.FirstAware = t + 1
			}
		}
		offer := 1 - r.neg[1-own].Stated
		if r.ratifying {
			offer = r.share(own)
		}
		s.Mobilise(talks, offer, r.hawk[own], secret)
		base := uFixed + drawsPerSpoiler*k
		if secret && s.Aware && s.P.Position == agents.Inside && r.u[base+1] < s.P.LeakRate*s.Mobilisation {
			r.expose(t, true)
		}
		if r.u[base] < s.AttackProb(r.milestone) {
			r.attack(t, s, r.u[base+2])
		}
	}
}

// attack applies a spoiler attack (Kydd & Walter 2002): the targeted side's
// trust falls in proportion to the perceived strength of the attacker's
// side's moderates, its constituents harden, and talks may be suspended.
func (r *Replication) attack(t int, s *agents.Spoiler, u float64) {
	sc := r.sc
	r.out.Attacks++
	if r.out.FirstAttack == 0 {
		r.out.FirstAttack = t + 1
	}
	if r.ch.secret() && !r.exposed && !r.ratifying {
		r.out.AttacksSecret++
	} else if r.ch != Closed || r.ratifying {
		r.out.AttacksVisible++
	}
	target := 1 - s.P.Party
	sh := sc.Talks.ModerateStrength
	r.neg[target].Lose(sc.Talks.AttackTrustLoss * sh)
	r.con[target].Harden(sc.Talks.AttackHardening)
	r.hawk[target] = r.con[target].Mean()
	if r.ch != Closed && !r.ratifying && u < sc.Talks.AttackSuspend*sh {
		r.breakdown(t)
	}
}

// vote holds the two-sided ratification vote (Putnam 1988): side i accepts
// if the share of its constituents with x ≤ s_i + ψ·p_i + w·(app_i − ½)
// − χ·surprise·(1 − p_i) reaches its threshold.
func (r *Replication) vote(t int) {
	sc := r.sc
	rp := &sc.Ratification
	pass := true
	var failed [2]bool
	// A common mood shock on the day of the vote: Putnam's uncertainty
	// about the win-set (research/literature.md eq. 3a).
	mood := rp.VoteNoise * distuv.UnitNormal.Quantile(math.Max(r.u[uVote], 0x1p-53))
	v := &r.lastVote
	*v = Vote{Held: true, Secret: r.dealSec, Mood: mood}
	for i := range r.con {
		c := &r.con[i]
		bonus := rp.PrepBonus*c.Preparedness + rp.ApprovalWeight*(r.neg[i].Approval-0.5)
		if r.dealSec {
			bonus -= rp.SurprisePenalty * (1 - c.Preparedness)
		}
		share, theta := r.share(i), sc.Parties[i].RatifyThreshold
		v.Share[i] = share
		v.Support[i] = c.Support(share, bonus+mood)
		// The mood at which side i would just reach its threshold: the
		// ⌈θN⌉-th smallest opinion minus the bar without the mood.
		v.Critical[i] = math.Inf(-1)
		if k := int(math.Ceil(theta * float64(len(c.X)))); k > 0 {
			v.Critical[i] = c.OrderStat(k, r.scratch[i]) - share - bonus
		}
		if v.Support[i] < theta {
			pass = false
			failed[i] = true
		}
	}
	v.Passed = pass
	r.out.VoteSupport = v.Support
	if r.dealSec {
		r.out.SecretVotes++
	} else {
		r.out.PublicVotes++
	}
	r.ratifying = false
	if pass {
		if r.dealSec {
			r.out.SecretPasses++
		} else {
			r.out.PublicPasses++
		}
		r.out.DealChannel = r.dealCh
		r.out.Split = r.dealShare
		r.finish(Breakthrough, t+1)
		return
	}
	r.out.FailedRatifications++
	r.redecide = r.ch.secret()
	for i := range r.neg {
		if failed[i] {
			// Involuntary defection: the other side's trust falls and the
			// failing leader must come back with a better deal.
			r.neg[1-i].Lose(rp.FailTrustLoss)
			r.neg[i].Elapsed *= 1 - rp.FailSetback
		}
	}
}

// breakdown closes the talks; it is a collapse with probability
// CollapseBase + CollapseDistrust·(1 − mean trust), or always after
// MaxBreakdowns breakdowns.
func (r *Replication) breakdown(t int) {
	if r.ch == Closed {
		return
	}
	sc := r.sc
	r.out.Breakdowns++
	r.ch = Closed
	r.exposed = false
	r.redecide = false
	r.cool = sc.Talks.CoolDown
	r.talkAge = 0
	mean := (r.neg[0].Trust + r.neg[1].Trust) / 2
	if r.out.Breakdowns > sc.Talks.MaxBreakdowns || r.u[uCollapse] < sc.Talks.CollapseBase+sc.Talks.CollapseDistrust*(1-mean) {
		r.finish(Collapse, t+1)
	}
}

func (r *Replication) finish(k Kind, round int) {
	r.done = true
	r.out.Kind = k
	r.out.Round = round
	for i := range r.neg {
		r.out.Trust[i] = r.neg[i].Trust
		r.out.Approval[i] = r.neg[i].Approval
		r.out.Preparedness[i] = r.con[i].Preparedness
		r.out.Hawkishness[i] = r.con[i].Mean()
		r.out.Polarisation[i] = r.con[i].Polarisation()
	}
}

func (r *Replication) account() {
	switch r.ch {
	case Closed:
		r.out.RoundsClosed++
	case Back:
		r.out.RoundsBack++
	case Front:
		r.out.RoundsFront++
	case Parallel:
		r.out.RoundsParallel++
	}
	if r.ch != Closed || r.ratifying {
		if r.ch.secret() && !r.exposed && !r.ratifying {
			r.out.RoundsSecret++
		} else {
			r.out.RoundsVisible++
		}
	}
}

func (r *Replication) snapshot() {
	s := &r.snap
	s.Round = r.round
	s.Channel = r.ch
	s.Exposed = r.exposed
	s.Ratifying = r.ratifying
	s.Vote = Vote{}
	if r.voted {
		s.Vote = r.lastVote
	}
	for i := range r.neg {
		s.Trust[i] = r.neg[i].Trust
		s.Approval[i] = r.neg[i].Approval
		s.Pressure[i] = r.press[i]
		s.Attention[i] = r.con[i].Attention
		s.Preparedness[i] = r.con[i].Preparedness
		s.Hawkishness[i] = r.hawk[i]
		s.Stated[i] = r.neg[i].Stated
		s.Mobilisation[i] = 0
	}
	for k := range r.spo {
		p := r.spo[k].P.Party
		s.Mobilisation[p] = math.Max(s.Mobilisation[p], r.spo[k].Mobilisation)
	}
}

// Simulate runs one replication of sc under its Policy with generator rng.
// It validates the scenario; for many replications build a Replication once
// and call Run.
func Simulate(sc *Scenario, rng *rand.Rand, obs Observer) (Outcome, error) {
	if rng == nil {
		return Outcome{}, fmt.Errorf("sim: Simulate: nil generator")
	}
	r, err := NewReplication(sc, nil)
	if err != nil {
		return Outcome{}, err
	}
	return r.Run(rng, obs), nil
}
