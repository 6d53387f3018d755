package sim

import (
	"errors"
	"fmt"
)

// stopEvery is how many rounds a replication runs between two checks of
// the run's stop flag (see studyRep.SetStop): one atomic load every 64
// rounds costs nothing measurable and bounds the delay of a cancellation
// to 64 rounds.
const stopEvery = 64

// SetStop implements mc.Stopper: a cancelled run abandons the replication
// in progress within stopEvery rounds.
func (r *studyRep) SetStop(stop func() bool) { r.stop = stop }

// runArm runs replication x from r.rng to its end, as x.Run does, but
// polls r.stop every stopEvery rounds; it reports false if the run was
// cancelled before the replication ended.
func (r *studyRep) runArm(x *Replication, obs Observer) (Outcome, bool) {
	if r.stop == nil {
		return x.Run(r.rng, obs), true
	}
	x.Reset(r.rng)
	for n := 1; !x.Step(obs); n++ {
		if n%stopEvery == 0 && r.stop() {
			return Outcome{}, false
		}
	}
	return x.Outcome(), true
}

// validatePolicy checks the parameters of the built-in policies (a
// Reliance or BackThenFront built in code, not parsed, may hold any
// float).
func validatePolicy(p Policy) error {
	prob := func(name string, x float64) error {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("policy %s = %v: must be in [0, 1]", name, x)
		}
		return nil
	}
	switch p := p.(type) {
	case Reliance:
		return prob("Reliance.P", p.P)
	case *Reliance:
		if p == nil {
			return errors.New("policy is a nil *Reliance")
		}
		return prob("Reliance.P", p.P)
	case BackThenFront:
		return prob("BackThenFront.Threshold", p.Threshold)
	case *BackThenFront:
		if p == nil {
			return errors.New("policy is a nil *BackThenFront")
		}
		return prob("BackThenFront.Threshold", p.Threshold)
	}
	return nil
}

// builtinPolicy reports whether p is one of the package's policies, which
// only ever return valid channels.
func builtinPolicy(p Policy) bool {
	switch p.(type) {
	case FrontOnly, BackOnly, BackThenFront, Reliance, ParallelChannels:
		return true
	}
	return false
}

// checkedPolicy wraps a user's policy: a choice outside the four channels
// is recorded in bad (the first one) and replaced by Closed, and the
// replication is then reported as failed (never counted as an outcome).
type checkedPolicy struct {
	Policy
	bad *badChoice
}

// badChoice is the first invalid channel a checked policy returned in the
// current replication.
type badChoice struct {
	set   bool
	ch    Channel
	round int
}

// Choose implements Policy.
func (p checkedPolicy) Choose(v *View) Channel {
	c := p.Policy.Choose(v)
	if c > Parallel {
		if !p.bad.set {
			*p.bad = badChoice{set: true, ch: c, round: v.Round}
		}
		return Closed
	}
	return c
}

// err returns the error of an invalid choice of policy pol, or nil.
func (b *badChoice) err(pol Policy) error {
	if b == nil || !b.set {
		return nil
	}
	return fmt.Errorf("policy %q returned the invalid channel %v at round %d (want closed, back, front or parallel)", pol.Name(), b.ch, b.round)
}
