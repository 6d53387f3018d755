package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// draws are one round's event draws, named by what they decide. Every round
// fills all of them from the event stream in the order of the fields
// (spoilers last, in scenario order, each attack, leak, suspend), whatever
// happens, so that two policies compared on common random numbers see the
// same shocks round by round.
type draws struct {
	open      float64    // talks (re)open
	leak      float64    // the secret channel leaks (Steele's law)
	gesture   [2]float64 // each side makes a goodwill gesture
	breakdown float64    // talks break down (base and posturing hazard)
	collapse  float64    // a breakdown is terminal
	vote      float64    // the common mood of a vote day (a uniform)
	exposure  float64    // the parties break off after an exposure
	signal    [2]float64 // what side i learns of the other's reservation (a uniform)
	spoiler   []spoilerDraws
}

// spoilerDraws are one spoiler's draws in a round.
type spoilerDraws struct {
	attack, leak, suspend float64
}

func (d *draws) fill(rng *rand.Rand) {
	d.open = rng.Float64()
	d.leak = rng.Float64()
	d.gesture[0] = rng.Float64()
	d.gesture[1] = rng.Float64()
	d.breakdown = rng.Float64()
	d.collapse = rng.Float64()
	d.vote = rng.Float64()
	d.exposure = rng.Float64()
	d.signal[0] = rng.Float64()
	d.signal[1] = rng.Float64()
	for k := range d.spoiler {
		s := &d.spoiler[k]
		s.attack = rng.Float64()
		s.leak = rng.Float64()
		s.suspend = rng.Float64()
	}
}

// normal maps a uniform draw to a standard normal one.
func normal(u float64) float64 { return distuv.UnitNormal.Quantile(math.Max(u, 0x1p-53)) }

// state is the dynamic state of the negotiation (channels, deal, flags);
// Reset assigns a fresh one.
type state struct {
	round     int
	ch        Channel
	exposed   bool // the current secret channel has been exposed
	exposures int  // secret channels exposed so far (leaks, failed secret deals)
	chAge     int  // rounds since the current secret channel opened
	talkAge   int  // rounds since talks (re)opened
	cool      int  // cool-down rounds left
	ratifying bool
	voteRound int
	dealShare float64 // side A's share of the tentative deal
	dealSec   bool    // the tentative deal was sprung from secret talks
	dealCh    Channel
	redecide  bool // the secret channel was exposed: the parties choose how to go on
	done      bool
	hawk      [2]float64 // mean hawkishness this round
	press     [2]float64 // audience pressure attention × hawkishness
	voted     bool       // a vote was held this round
	lastVote  Vote
	stuck     bool // an impasse was recorded and the parties have not bargained since
}

// Replication is the reusable state of one negotiation. Build it once per
// worker with NewReplication and call Run for each replication: after the
// first Run it allocates nothing. It is not safe for concurrent use.
type Replication struct {
	sc  *Scenario
	pol Policy

	neg [2]agents.Negotiator
	con [2]agents.Constituency
	spo []agents.Spoiler

	// Four streams derived from the replication's generator: constituents,
	// events, policy, and voters (seeded from the events stream). Held by value; the *rand.Rand
	// wrappers are built once.
	popSrc, evSrc, polSrc, voteSrc rand.PCG
	pop, ev, polRand, voteRand     *rand.Rand
	d                              draws
	scratch                        [2][]float64 // voters' utilities at a vote

	state

	out  Outcome
	snap Snapshot
	view View

	// Hooks installed after each reset (nil: defaults).
	hooks Hooks
	// polState is pol as a StatefulPolicy (nil if it is not one), reset at
	// the start of every replication.
	polState StatefulPolicy

	// track, if set (by the study runner), receives the state of every
	// round and the rounds of every impasse and every back channel opened.
	track *tracker
}

// Hooks let a user replace a behaviour without forking: each non-nil
// function is called after the defaults are installed at the start of every
// replication and returns the rule to use for that agent.
//
// The call at the start of a replication is where a rule with memory (a
// trust rule that holds grudges, a concession strategy that plays tit for
// tat) resets its per-replication state. To keep replications free of
// allocations, build the rules' storage once (in the function given as
// Arm.NewHooks, which runs once per worker), reset it in the hook and
// return a pointer to it. A Replication calls its hooks from one goroutine
// only; the study runner gives every worker its own Hooks through
// Arm.NewHooks, so rules made there need no locking.
type Hooks struct {
	Trust      func(party int, p *agents.NegotiatorParams) agents.TrustRule
	Concession func(party int, p *agents.NegotiatorParams) agents.ConcessionStrategy
	Opinion    func(party int, p *agents.ConstituencyParams) agents.OpinionDynamics
	Spoiler    func(p *agents.SpoilerParams) agents.SpoilerBehaviour
}

// NewReplication validates the scenario and prepares reusable state for
// policy pol (nil: the scenario's Policy). The scenario must not be modified
// while the Replication is in use. If pol is a StatefulPolicy, the
// Replication resets it at the start of every replication; a caller that
// runs Replications on several goroutines gives each its own pol.Clone().
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
	r.polState = statefulOf(pol)
	r.pop = rand.New(&r.popSrc)
	r.ev = rand.New(&r.evSrc)
	r.polRand = rand.New(&r.polSrc)
	r.voteRand = rand.New(&r.voteSrc)
	r.spo = make([]agents.Spoiler, len(sc.Spoilers))
	r.d.spoiler = make([]spoilerDraws, len(sc.Spoilers))
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
	// The voters' stream is seeded from the event stream's first two words,
	// so that Reset draws six words from rng (the study runner replays
	// exactly six to give every arm the same start).
	r.voteSrc.Seed(r.ev.Uint64(), r.ev.Uint64())
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
	}
	for k := range r.spo {
		r.spo[k].Reset(&sc.Spoilers[k])
		if r.hooks.Spoiler != nil {
			r.spo[k].Behaviour = r.hooks.Spoiler(&sc.Spoilers[k])
		}
	}
	if r.polState != nil {
		r.polState.Reset()
	}
	r.state = state{}
	r.out = Outcome{}
	if r.track != nil {
		r.track.reset()
	}
}

// Outcome returns the outcome so far (final once Step has returned true).
func (r *Replication) Outcome() Outcome { return r.out }

// secret reports whether talks run in a secret table the audience does not
// know of: a back or parallel channel, not exposed, no deal announced.
func (r *Replication) secret() bool { return r.ch.secret() && !r.exposed && !r.ratifying }

// talking reports whether the parties are bargaining this round.
func (r *Replication) talking() bool { return r.ch != Closed && !r.ratifying }

// visible reports whether the audience can see talks: public or exposed
// talks (a parallel channel's public table included), or an announced deal
// awaiting its vote.
func (r *Replication) visible() bool {
	return (r.ch != Closed || r.ratifying) && (!r.secret() || r.ch.public())
}

// Step simulates one round and reports whether the replication has ended.
// It allocates nothing.
func (r *Replication) Step(obs Observer) bool {
	if r.done {
		return true
	}
	sc := r.sc
	t := r.round
	r.d.fill(r.ev)

	// 1. Costs of no deal (ripeness) and peer influence.
	for i := range r.neg {
		r.neg[i].AccrueCost()
		r.con[i].Step(r.pop)
		r.hawk[i] = r.con[i].Mean()
		r.press[i] = r.con[i].Pressure(r.hawk[i])
	}

	// 2. Channel choice.
	if !r.ratifying {
		switch {
		case r.ch == Closed:
			r.maybeOpen(t)
		case r.redecide:
			r.afterExposure(t)
		default:
			r.fillView(t)
			c := r.pol.Choose(&r.view)
			if c != Closed && c != r.ch && (r.view.FrontAllowed || !c.public()) {
				r.switchTo(c)
			}
		}
	}

	// 3. Gestures (GRIT): public ones cost approval, secret ones are
	// deniable and less credible.
	if !r.ratifying {
		r.gestures()
	}

	// 4. Bargaining, learning and a tentative deal.
	if r.talking() {
		r.stuck = false
		r.bargain()
		r.maybeDeal(t)
	}

	// 5. Leaks of an unexposed secret channel (Steele 1989).
	if r.secret() {
		n := float64(r.insiders())
		h := sc.Leaks.BaseHazard * n * n * (1 + sc.Leaks.AgeFactor*float64(r.chAge)) * sc.Mediator.LeakFactor()
		if r.d.leak < h {
			r.expose(t, true)
		}
	}

	// 6. Audiences: attention, preparedness and leader messages (the
	// leader's stated demand, or the deal awaiting its vote).
	visible := r.visible()
	for i := range r.con {
		c := &r.con[i]
		c.Attend(visible, visible)
		if visible && c.Attention > 0 {
			msg := r.neg[i].Demand
			if r.ratifying {
				msg = r.share(i)
			}
			c.Message(msg, c.Attention*r.neg[i].Approval)
		}
	}

	// 7. Spoilers: awareness, mobilisation, leaks from inside, attacks.
	r.spoilers(t)

	// 8. Ratification vote.
	r.voted = false
	if r.ratifying && t >= r.voteRound && !r.done {
		r.vote(t)
		r.voted = true
	}

	// 9. Breakdown (low trust, or the base hazard raised by posturing in
	// view of an audience; Stasavage 2004).
	if r.talking() && !r.done {
		tMin := math.Min(r.neg[0].Trust, r.neg[1].Trust)
		if r.talkAge >= sc.Talks.MinTalkRounds && tMin < sc.Talks.BreakdownTrust {
			r.breakdown(t)
		} else {
			vis := 0.0
			if r.visible() {
				vis = 1
			}
			p := sc.Talks.BreakdownHazard * (1 + sc.Talks.PosturingBreakdown*math.Max(r.press[0], r.press[1])*vis)
			if r.d.breakdown < p {
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
	if r.track != nil {
		r.track.record(r)
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

// insiders is the number of people in on the current secret table:
// the envoys and aides, more for every further channel (burnt envoys
// replaced, the old ones still knowing), more beside a public table, and the
// mediator's staff.
func (r *Replication) insiders() int {
	l := &r.sc.Leaks
	n := l.Insiders + l.InsidersPerChannel*max(0, r.out.BackChannels-1) + r.sc.Mediator.Insiders()
	if r.ch == Parallel {
		n += l.ParallelInsiders
	}
	return n
}

func (r *Replication) fillView(t int) {
	v := &r.view
	v.Round = t
	v.Channel = r.ch
	v.Exposed = r.exposed
	v.Trust = [2]float64{r.neg[0].Trust, r.neg[1].Trust}
	v.MinTrust = math.Min(v.Trust[0], v.Trust[1])
	v.FrontAllowed = v.MinTrust >= r.sc.Talks.FrontMinTrust
	v.Gap = r.neg[0].Demand + r.neg[1].Demand - 1
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
	if r.d.open >= p {
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

// afterExposure lets the parties decide how to go on once a secret channel
// has been exposed (a leak, or an announced secret deal that failed its
// vote). They first choose between going on and breaking off by a logit on
// their state,
//
//	P(go on) = 1/(1 + exp(−x)),
//	x = β0 + β_τ·(τ̄ − ½) + β_R·(R̄ − ½) + β_A·(Ā − ½) − β_E·(E − 1),
//
// with τ̄, R̄, Ā mean trust, readiness and approval and E the exposures so
// far; going on, the policy chooses the channel: Back (or Parallel) opens a
// fresh back channel, Front goes public if the preconditions allow, Closed
// carries on in the exposed channel.
func (r *Replication) afterExposure(t int) {
	r.redecide = false
	tk := &r.sc.Talks
	n0, n1 := &r.neg[0], &r.neg[1]
	x := tk.ContinueBias +
		tk.ContinueTrust*((n0.Trust+n1.Trust)/2-0.5) +
		tk.ContinueReadiness*((n0.Readiness()+n1.Readiness())/2-0.5) +
		tk.ContinueApproval*((n0.Approval+n1.Approval)/2-0.5) -
		tk.ContinueExposures*float64(r.exposures-1)
	if r.d.exposure >= 1/(1+math.Exp(-x)) {
		r.breakdown(t)
		return
	}
	r.fillView(t)
	r.view.Channel = Closed
	r.view.Exposed = true
	c := r.pol.Choose(&r.view)
	if c == Parallel && !r.view.FrontAllowed {
		c = Back
	}
	switch c {
	case Back, Parallel:
		// The exposed channel is abandoned for a fresh one.
		r.impasse(t)
		if c.public() && !r.ch.public() {
			r.out.FrontChannels++
			for i := range r.con {
				r.con[i].Spike()
			}
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
		// Acknowledged talks are announced: the audience turns to them.
		r.out.FrontChannels++
		for i := range r.con {
			r.con[i].Spike()
		}
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
// Across an unexposed secret channel a gesture is deniable: it costs no
// approval but keeps only GestureDeniability of its credibility. Otherwise
// (talks closed, public or exposed) it is public: the audience sees a
// concession and charges the audience cost. A mediator relays either.
func (r *Replication) gestures() {
	mult := r.sc.Mediator.TrustMultiplier()
	secret := r.secret()
	var made [2]bool
	for i := range r.neg {
		n := &r.neg[i]
		if !n.CanGesture() || r.d.gesture[i] >= n.P.GestureRate {
			continue
		}
		n.MakeGesture()
		s := n.P.GestureStrength * mult
		if secret {
			s *= n.P.GestureDeniability
		} else {
			n.PayAudience(r.press[i], n.P.GestureCost)
		}
		r.neg[1-i].Gain(s)
		made[i] = true
		r.out.Gestures++
	}
	for i := range r.neg {
		if made[1-i] {
			r.neg[i].Reciprocated()
		}
	}
}

// audience is the audience pressure on side i's concessions: attention ×
// hawkishness at a visible table, a share of it at a secret table beside a
// public one (the two must stay consistent), none at an unexposed secret
// table alone.
func (r *Replication) audience(i int) float64 {
	switch {
	case !r.secret():
		return r.press[i]
	case r.ch == Parallel:
		return r.sc.Talks.ParallelConsistency * r.press[i]
	}
	return 0
}

// bargain runs one round of concessions, audience costs, trust from the
// other side's moves and learning about its reservation.
func (r *Replication) bargain() {
	sc := r.sc
	ref := sc.Talks.ConcessionRef
	gain := 1.0
	if r.secret() {
		gain = sc.Mediator.TrustMultiplier()
	}
	var q, a [2]float64
	for i := range r.neg {
		q[i] = math.Min(1, r.neg[1-i].Conceded/ref) // the other's last concession
		a[i] = r.audience(i)
	}
	for i := range r.neg {
		n := &r.neg[i]
		n.Concede(n.Concession.Rate(n, a[i], q[i]))
		if a[i] > 0 {
			n.PayAudience(a[i], n.Conceded)
		}
	}
	for i := range r.neg {
		n, o := &r.neg[i], &r.neg[1-i]
		if s := math.Min(1, o.Conceded/ref); s > 0 {
			n.Gain(s * gain)
			if s >= 0.5 {
				n.Reciprocated()
			}
		}
		// What the other's moves reveal of its reservation: candid in
		// secret, blurred by its posturing in view of an audience.
		sigma := n.P.SignalNoise * (1 + n.P.Bluff*o.P.Posturing*a[1-i])
		n.Learn(o.Reservation+sigma*normal(r.d.signal[i]), sigma, sc.Talks.BeliefDrift)
	}
	r.talkAge++
	if r.ch.secret() {
		r.chAge++
	}
}

// maybeDeal reaches a tentative deal when the stated demands leave at most
// DealTolerance of a gap and mutual trust clears the commitment threshold
// (lowered by the envoys' authority in an unexposed secret channel); the
// surplus left over (or the gap) is split equally.
func (r *Replication) maybeDeal(t int) {
	sc := r.sc
	s0, s1 := r.neg[0].Demand, r.neg[1].Demand
	if s0+s1 > 1+sc.Talks.DealTolerance {
		return
	}
	commit := sc.Talks.CommitTrust
	secret := r.secret()
	if secret {
		commit -= sc.Talks.EnvoyCommitBonus * (r.neg[0].P.EnvoyAuthority + r.neg[1].P.EnvoyAuthority) / 2
	}
	if math.Min(r.neg[0].Trust, r.neg[1].Trust) < commit {
		return
	}
	r.dealShare = s0 + (1-s0-s1)/2
	r.dealSec = secret
	r.dealCh = r.ch
	if secret {
		r.expose(t, false) // the announcement reveals the secret talks
	}
	r.ratifying = true
	r.voteRound = t + sc.Ratification.Delay
	for i := range r.con {
		r.con[i].Spike()
	}
}

// expose makes the secret channel public knowledge, by a leak or an
// announcement: attention spikes and approval drops (Juhl & Hilpert 2021);
// a leak also hardens constituents in proportion to their unpreparedness,
// costs trust on both sides and makes the parties decide how to go on.
func (r *Replication) expose(t int, leak bool) {
	sc := r.sc
	r.exposed = true
	if leak {
		r.exposures++
		r.redecide = true
		r.out.Leaks++
		if r.out.FirstLeak == 0 {
			r.out.FirstLeak = t + 1
			r.out.ApprovalBeforeLeak = r.neg[0].Approval
		}
	}
	for i := range r.con {
		c := &r.con[i]
		c.Spike()
		r.neg[i].Reveal(sc.Leaks.ApprovalPenalty, c.Preparedness)
		if leak {
			// An announced deal meets the surprise term at its vote; a leak
			// hardens the unprepared at once.
			c.Harden(c.P.RevealBacklash * (1 - c.Preparedness))
			r.neg[i].Lose(sc.Leaks.TrustLoss)
		}
	}
	if leak && r.out.FirstLeak == t+1 {
		r.out.ApprovalAfterLeak = r.neg[0].Approval
	}
}

// progress is how close to a deal the talks look to a spoiler that can see
// the table: the share of the opening gap between the demands closed so
// far, and 1 once a deal is announced.
func (r *Replication) progress() float64 {
	if r.ratifying {
		return 1
	}
	if r.ch == Closed {
		return 0
	}
	g0 := r.neg[0].P.Aspiration + r.neg[1].P.Aspiration - 1
	g := r.neg[0].Demand + r.neg[1].Demand - 1
	if g0 <= 0 {
		return 1
	}
	return math.Min(1, math.Max(0, 1-g/g0))
}

// spoilers updates awareness and mobilisation and draws leaks and attacks.
// It stops at a collapse: later spoilers do not act that round.
func (r *Replication) spoilers(t int) {
	for k := range r.spo {
		if r.done {
			return
		}
		// Recomputed per spoiler: an earlier spoiler's attack may have
		// broken the talks off, or its leak exposed them.
		talks := r.ch != Closed || r.ratifying
		secret := r.secret()
		s := &r.spo[k]
		own := s.P.Party
		inside := s.P.Position == agents.Inside
		if !s.Aware && talks && (r.visible() || inside) {
			s.Aware = true
			if r.out.FirstAware == 0 {
				r.out.FirstAware = t + 1
			}
		}
		offer := 1 - r.neg[1-own].Demand
		if r.ratifying {
			offer = r.share(own)
		}
		s.Mobilise(talks, offer, r.hawk[own], secret)
		dr := &r.d.spoiler[k]
		if secret && s.Aware && inside && dr.leak < s.P.LeakRate*s.Mobilisation {
			r.expose(t, true)
			secret = false
		}
		seen := 0.0
		if talks && s.Aware && (!secret || inside) {
			seen = r.progress()
		}
		if dr.attack < s.AttackProb(seen) {
			r.attack(t, s, dr.suspend)
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
	if r.secret() {
		r.out.AttacksSecret++
	} else if r.ch != Closed || r.ratifying {
		r.out.AttacksVisible++
	}
	target := 1 - s.P.Party
	sh := sc.Talks.ModerateStrength
	r.neg[target].Lose(sc.Talks.AttackTrustLoss * sh)
	r.con[target].Harden(sc.Talks.AttackHardening)
	r.hawk[target] = r.con[target].Mean()
	if r.talking() && u < sc.Talks.AttackSuspend*sh {
		r.breakdown(t)
	}
}

// vote holds the two-sided ratification vote by individual voters (random
// utility; McFadden 1974; Putnam 1988 win-sets). Voter v of side i votes
// for the deal iff
//
//	s_i − x_v + b_i + mood + T·ε_v > 0
//	b_i = ψ·p_i + w_A·(app_i − ½) + w_τ·(τ_i − ½) − secret·χ·(1 − p_i)·(1 + κ·E)
//
// with ε_v standard logistic, mood ~ N(0, VoteNoise²) common to all voters,
// E the earlier exposures; side i accepts when the share in favour reaches
// its threshold.
func (r *Replication) vote(t int) {
	sc := r.sc
	rp := &sc.Ratification
	pass := true
	var failed [2]bool
	mood := rp.VoteNoise * normal(r.d.vote)
	v := &r.lastVote
	*v = Vote{Held: true, Secret: r.dealSec, Mood: mood}
	earlier := float64(r.exposures) // leaks and failed secret deals before this deal; its announcement is not counted
	for i := range r.con {
		c := &r.con[i]
		n := &r.neg[i]
		p := c.Preparedness
		bonus := rp.PrepBonus*p + rp.ApprovalWeight*(n.Approval-0.5) + rp.TrustWeight*(n.Trust-0.5)
		if r.dealSec {
			bonus -= rp.SurprisePenalty * (1 - p) * (1 + rp.Suspicion*earlier)
		}
		share, theta := r.share(i), sc.Parties[i].RatifyThreshold
		z := r.scratch[i][:len(c.X)]
		v.Share[i] = share
		v.Support[i] = c.Ballot(share, bonus, mood, z, r.voteRand)
		// The mood at which side i would just reach its threshold: minus
		// the ⌈θN⌉-th largest utility.
		v.Critical[i] = math.Inf(-1)
		if k := int(math.Ceil(theta * float64(len(z)))); k > 0 {
			v.Critical[i] = -agents.KthSmallest(z, len(z)-k+1)
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
	r.impasse(t)
	if r.dealSec {
		r.exposures++
		r.redecide = r.ch.secret()
	}
	for i := range r.neg {
		if failed[i] {
			// Involuntary defection: the other side's trust falls and the
			// failing leader must come back with a better deal.
			r.neg[1-i].Lose(rp.FailTrustLoss)
			r.neg[i].Retract(rp.FailSetback)
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
	if r.out.Breakdowns > sc.Talks.MaxBreakdowns || r.d.collapse < sc.Talks.CollapseBase+sc.Talks.CollapseDistrust*(1-mean) {
		r.finish(Collapse, t+1)
		return
	}
	r.impasse(t)
}

// impasse records an impasse in round t (0-based): a breakdown that is not
// a collapse, an exposed back channel abandoned for a fresh one, or a
// failed ratification (docs/MODEL.md §7.18). Setbacks with no bargaining
// in between (a failed vote on a secret deal and the decision to break off
// that follows) are one impasse, dated at the first.
func (r *Replication) impasse(t int) {
	if r.stuck {
		return
	}
	r.stuck = true
	if n := r.out.Impasses; n < MaxImpasses {
		r.out.ImpasseRounds[n] = t + 1
	}
	r.out.Impasses++
}

// standing returns where the negotiation stands at the end of the round just
// simulated.
func (r *Replication) standing() State {
	switch {
	case r.done && r.out.Kind == Breakthrough:
		return StateBreakthrough
	case r.done && r.out.Kind == Collapse:
		return StateCollapse
	case r.ratifying:
		return StateRatifying
	}
	switch r.ch {
	case Back:
		return StateBack
	case Front:
		return StateFront
	case Parallel:
		return StateBoth
	}
	return StateNoTalks
}

// tracker holds one replication's path through the states and the rounds
// of its impasses and back channels, for the study summary's occupancy and
// mean cumulative counts. Its slices are allocated once with room for the
// horizon, so recording allocates nothing.
type tracker struct {
	states   []int // states[t]: State at the end of round t (states[0]: before round 1, no talks)
	impasses []int // round of every impasse, in order
	opened   []int // round of every back channel opened, in order
}

func newTracker(horizon int) *tracker {
	return &tracker{
		states:   make([]int, 0, horizon+1),
		impasses: make([]int, 0, horizon),
		opened:   make([]int, 0, horizon),
	}
}

func (k *tracker) reset() {
	k.states = append(k.states[:0], int(StateNoTalks))
	k.impasses = k.impasses[:0]
	k.opened = k.opened[:0]
}

// record appends the round just simulated (r.round, 1-based).
func (k *tracker) record(r *Replication) {
	k.states = append(k.states, int(r.standing()))
	for len(k.impasses) < r.out.Impasses {
		k.impasses = append(k.impasses, r.round)
	}
	for len(k.opened) < r.out.BackChannels {
		k.opened = append(k.opened, r.round)
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
		if r.secret() {
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
		s.Stated[i] = r.neg[i].Demand
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
