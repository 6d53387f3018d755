package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/mc"
)

// Arm is one variant of a study: a scenario run under a channel policy.
// Arms of a study are compared on common random numbers: replication i of
// every arm starts from the same generator.
//
// An arm may carry its own behaviours: NewHooks returns the Hooks (trust
// rule, concession strategy, opinion dynamics, spoiler behaviour) its
// replications use. The runners call NewHooks once per worker, so every
// worker gets its own rule instances and rules with state need no locking.
// Custom behaviours never draw from the event stream (an OpinionDynamics
// draws from the constituents' own stream), so an arm with custom rules
// stays paired on common random numbers with default arms: replication i
// of both starts from the same generator and sees the same shocks. A
// StatefulPolicy is cloned per worker the same way.
type Arm struct {
	Label    string    // label in tables and figures (default: the policy name)
	Scenario *Scenario // validated scenario (not modified by the study)
	Policy   Policy    // channel policy (nil: the scenario's Policy)
	// NewHooks, if set, returns the arm's custom behaviours for one
	// worker (nil: the defaults). It is called once per worker, from the
	// goroutine that starts the run.
	NewHooks func() Hooks
}

// TrajectoryBins is the number of histogram bins per round used for the
// trajectory bands: quantiles are accurate to 1/TrajectoryBins (0.02).
const TrajectoryBins = 50

// Study is the negotiation-specific Monte Carlo: every arm runs
// replications [Run.Start, Run.Start+Run.Replications) on common random
// numbers, and outcomes stream into a StudySummary.
type Study struct {
	Arms []Arm
	// Trajectories turns on per-round bands of trust, pressure and
	// mobilisation (memory: arms × horizon × 3 × (TrajectoryBins+73) words).
	Trajectories bool
	// ImpasseK is the order k at which impasse counts as repeated: reports
	// and tables show the time to the k-th impasse (docs/MODEL.md §7.18).
	// 0 means DefaultImpasseK; otherwise it must be in 1..MaxImpasses. It
	// selects what is reported, not what is accumulated: the summary holds
	// every k = 1..MaxImpasses, so results of any ImpasseK merge.
	ImpasseK int
}

// DefaultImpasseK is the default order of repeated impasse: the second.
const DefaultImpasseK = 2

// RepeatedK returns the study's order of repeated impasse: ImpasseK, or
// DefaultImpasseK if it is 0.
func (s *Study) RepeatedK() int {
	if s.ImpasseK == 0 {
		return DefaultImpasseK
	}
	return s.ImpasseK
}

// DefaultStudy returns the default study: the built-in policies side by
// side on the default scenario, with trajectories.
func DefaultStudy() *Study {
	return PolicyStudy(DefaultScenario(), BuiltinPolicies())
}

// PolicyStudy returns a study of one scenario under several policies.
func PolicyStudy(sc *Scenario, pols []Policy) *Study {
	s := &Study{Trajectories: true}
	for _, p := range pols {
		s.Arms = append(s.Arms, Arm{Label: p.Name(), Scenario: sc, Policy: p})
	}
	return s
}

// Validate checks the arms: each has a valid scenario, and a built-in
// policy given in code has its parameter in range.
func (s *Study) Validate() error {
	if s == nil {
		return errors.New("sim: nil study")
	}
	if len(s.Arms) == 0 {
		return errors.New("sim: study has no arms")
	}
	var errs []error
	if s.ImpasseK < 0 || s.ImpasseK > MaxImpasses {
		errs = append(errs, fmt.Errorf("sim: study: impasse_k = %d, want 1..%d (0: the default, %d)", s.ImpasseK, MaxImpasses, DefaultImpasseK))
	}
	for i, a := range s.Arms {
		if a.Scenario == nil {
			errs = append(errs, fmt.Errorf("sim: arm %d (%s): no scenario", i, a.Label))
			continue
		}
		if err := a.Scenario.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("sim: arm %d (%s): invalid scenario:\n%w", i, a.Label, err))
		}
		if err := validatePolicy(a.Policy); err != nil {
			errs = append(errs, fmt.Errorf("sim: arm %d (%s): %w", i, a.Label, err))
		}
	}
	return errors.Join(errs...)
}

// Policies returns each arm's policy, parsing the scenario's Policy for
// arms that do not set one.
func (s *Study) Policies() ([]Policy, error) { return s.policies() }

func (s *Study) policies() ([]Policy, error) {
	pols := make([]Policy, len(s.Arms))
	for i, a := range s.Arms {
		pols[i] = a.Policy
		if pols[i] == nil {
			p, err := ParsePolicy(a.Scenario.Policy)
			if err != nil {
				return nil, err
			}
			pols[i] = p
		}
	}
	return pols, nil
}

// Labels returns the arms' labels.
func (s *Study) Labels() []string {
	out := make([]string, len(s.Arms))
	for i, a := range s.Arms {
		out[i] = a.Label
		if out[i] == "" && a.Policy != nil {
			out[i] = a.Policy.Name()
		}
		if out[i] == "" {
			out[i] = a.Scenario.Policy
		}
	}
	return out
}

// RepOutcome is one replication of a study: the outcome of every arm. The
// slices belong to the worker and are overwritten by its next replication
// unless the run keeps outcomes.
type RepOutcome struct {
	Arms  []Outcome
	traj  [][]trajPoint // per arm, per round (nil without trajectories)
	track []*tracker    // per arm: states, impasse and back-channel rounds
}

type trajPoint struct{ trust, pressure, mobilisation float64 }

// replaySource replays the six seed words a Replication draws at Reset, so
// that every arm starts from the same generator state.
type replaySource struct {
	s [6]uint64
	i int
}

func (r *replaySource) Uint64() uint64 {
	v := r.s[r.i%len(r.s)]
	r.i++
	return v
}

// studyRep is one worker's replicator: a Replication per arm.
type studyRep struct {
	src   replaySource
	rng   *rand.Rand
	reps  []*Replication
	outs  []Outcome
	traj  [][]trajPoint
	obs   []trajObserver
	keep  bool
	useTr bool
	// horizons[a] is arm a's horizon, for checkOutcome.
	horizons []int
	// bad[a] records an invalid channel chosen by arm a's policy (nil for
	// the built-in policies).
	bad []*badChoice
	// stop, if set by the runner (mc.Stopper), reports a cancelled run.
	stop func() bool
	// track[a] records arm a's states and event rounds for the summary.
	track []*tracker
}

type trajObserver struct{ buf *[]trajPoint }

func (o trajObserver) Observe(s *Snapshot) {
	m := s.Mobilisation[0]
	if s.Mobilisation[1] > m {
		m = s.Mobilisation[1]
	}
	*o.buf = append(*o.buf, trajPoint{
		trust:        (s.Trust[0] + s.Trust[1]) / 2,
		pressure:     (s.Pressure[0] + s.Pressure[1]) / 2,
		mobilisation: m,
	})
}

func (s *Study) newReplicator(keep bool) (mc.Replicator[RepOutcome], error) {
	pols, err := s.policies()
	if err != nil {
		return nil, err
	}
	r := &studyRep{keep: keep, useTr: s.Trajectories, outs: make([]Outcome, len(s.Arms)), bad: make([]*badChoice, len(s.Arms))}
	r.rng = rand.New(&r.src)
	for i, a := range s.Arms {
		pol := pols[i]
		if err := validatePolicy(pol); err != nil {
			return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
		}
		if !builtinPolicy(pol) {
			if pol, err = workerPolicy(pol); err != nil {
				return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
			}
			r.bad[i] = &badChoice{}
			pol = checkedPolicy{Policy: pol, bad: r.bad[i]}
		}
		rep, err := NewReplication(a.Scenario, pol)
		if err != nil {
			return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
		}
		if a.NewHooks != nil {
			rep.SetHooks(a.NewHooks())
		}
		rep.track = newTracker(a.Scenario.Horizon)
		r.track = append(r.track, rep.track)
		r.reps = append(r.reps, rep)
		r.horizons = append(r.horizons, a.Scenario.Horizon)
	}
	if s.Trajectories {
		r.traj = make([][]trajPoint, len(s.Arms))
		r.obs = make([]trajObserver, len(s.Arms))
		for i, a := range s.Arms {
			r.traj[i] = make([]trajPoint, 0, a.Scenario.Horizon)
			r.obs[i] = trajObserver{buf: &r.traj[i]}
		}
	}
	return r, nil
}

// Replicate implements mc.Replicator: every arm from a copy of the same
// generator state.
func (r *studyRep) Replicate(rep uint64, rng *rand.Rand) (RepOutcome, error) {
	// Each arm's Replication draws exactly six words from its generator at
	// Reset; every arm gets the same six, so arm k's outcome equals
	// Replication.Run(rng) for that arm alone.
	for i := range r.src.s {
		r.src.s[i] = rng.Uint64()
	}
	for a, x := range r.reps {
		r.src.i = 0
		var obs Observer
		if r.useTr {
			r.traj[a] = r.traj[a][:0]
			obs = r.obs[a]
		}
		if b := r.bad[a]; b != nil {
			*b = badChoice{}
		}
		var ok bool
		if r.outs[a], ok = r.runArm(x, obs); !ok {
			return RepOutcome{}, mc.ErrStopped
		}
		if err := r.bad[a].err(x.Policy()); err != nil {
			return RepOutcome{}, fmt.Errorf("arm %d: %w", a, err)
		}
		var traj []trajPoint
		if r.useTr {
			traj = r.traj[a]
		}
		if err := checkOutcome(&r.outs[a], traj, r.horizons[a]); err != nil {
			return RepOutcome{}, fmt.Errorf("arm %d: %w", a, err)
		}
	}
	out := RepOutcome{Arms: r.outs, traj: r.traj, track: r.track}
	if r.keep {
		// Kept outcomes must survive the next replication; the trajectory
		// buffers are only read by the summary, immediately.
		out.Arms = append([]Outcome(nil), r.outs...)
	}
	return out, nil
}

// StudyResult is the result of RunStudy.
type StudyResult = mc.RunResult[RepOutcome, *StudySummary]

// RunStudy runs the study under cfg (seed, replication range, workers,
// progress, KeepOutcomes). On cancellation it returns the finished
// replications with Partial set, together with an error wrapping the
// context's error.
func RunStudy(ctx context.Context, s *Study, cfg mc.RunConfig) (*StudyResult, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return mc.Run(ctx, cfg, func() (mc.Replicator[RepOutcome], error) { return s.newReplicator(cfg.KeepOutcomes) }, s.NewStudySummary)
}

// RunStudySequential runs the study s in batches until stop.HalfWidth of
// its summary reaches stop.Target, or cfg.Replications (the cap) are done:
// mc.RunSequential with the study's replicators and summaries. As with
// RunStudy, the result does not depend on cfg.Workers, and a cancelled run
// returns the finished replications with an error wrapping ctx.Err().
func RunStudySequential(ctx context.Context, s *Study, cfg mc.RunConfig, stop mc.Sequential[*StudySummary]) (*mc.SequentialResult[RepOutcome, *StudySummary], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return mc.RunSequential(ctx, cfg, stop,
		func() (mc.Replicator[RepOutcome], error) { return s.newReplicator(cfg.KeepOutcomes) },
		s.NewStudySummary)
}
