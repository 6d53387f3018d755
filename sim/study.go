package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/backchannel-sim/backchannel/metrics"
)

// Arm is one variant of a study: a scenario run under a channel policy.
// Arms of a study are compared on common random numbers: replication i of
// every arm starts from the same generator.
type Arm struct {
	Label    string    // label in tables and figures (default: the policy name)
	Scenario *Scenario // validated scenario (not modified by the study)
	Policy   Policy    // channel policy (nil: the scenario's Policy)
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

// Validate checks the arms.
func (s *Study) Validate() error {
	if len(s.Arms) == 0 {
		return errors.New("sim: study has no arms")
	}
	var errs []error
	for i, a := range s.Arms {
		if a.Scenario == nil {
			errs = append(errs, fmt.Errorf("sim: arm %d (%s): no scenario", i, a.Label))
			continue
		}
		if err := a.Scenario.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("sim: arm %d (%s): invalid scenario:\n%w", i, a.Label, err))
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
	Arms []Outcome
	traj [][]trajPoint // per arm, per round (nil without trajectories)
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

func (s *Study) newReplicator(keep bool) (Replicator[RepOutcome], error) {
	pols, err := s.policies()
	if err != nil {
		return nil, err
	}
	r := &studyRep{keep: keep, useTr: s.Trajectories, outs: make([]Outcome, len(s.Arms))}
	r.rng = rand.New(&r.src)
	for i, a := range s.Arms {
		rep, err := NewReplication(a.Scenario, pols[i])
		if err != nil {
			return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
		}
		r.reps = append(r.reps, rep)
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

// Replicate implements Replicator: every arm from a copy of the same
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
		r.outs[a] = x.Run(r.rng, obs)
	}
	out := RepOutcome{Arms: r.outs, traj: r.traj}
	if r.keep {
		// Kept outcomes must survive the next replication; the trajectory
		// buffers are only read by the summary, immediately.
		out.Arms = append([]Outcome(nil), r.outs...)
	}
	return out, nil
}

// StudySummary accumulates a study's outcomes per arm. Every accumulator
// is exact (integer counts, exact sums), so shards merge bit-identically.
type StudySummary struct {
	Arms []*ArmSummary
	// Paired[k] compares arm k with arm 0 on the same replications
	// (Paired[0] is empty).
	Paired []PairedCounts
}

// PairedCounts are the 2×2 tables of breakthrough and of collapse (by the
// horizon) for an arm against the reference arm 0.
type PairedCounts struct {
	Breakthrough metrics.PairedTable
	Collapse     metrics.PairedTable
}

// ArmSummary accumulates one arm.
type ArmSummary struct {
	Kinds  [3]int64            // replications by Kind
	Events *metrics.EventTable // (round, cause) for survival and competing risks
	Counts map[string]*metrics.IntHistogram
	Values map[string]*metrics.Moments
	// Votes on deals from secret and public talks.
	SecretVotes, SecretPasses, PublicVotes, PublicPasses int64
	// Per-round bands among replications still undecided at that round
	// (nil without trajectories).
	Trust, Pressure, Mobilisation *metrics.Bands
}

// Count names of ArmSummary.Counts, in report order.
var countNames = []string{"back_channels", "leaks", "attacks", "failed_ratifications", "breakdowns", "gestures"}

// Value names of ArmSummary.Values, in report order.
var valueNames = []string{"split", "trust", "approval", "polarisation", "hawkishness"}

func countOf(o *Outcome, name string) int {
	switch name {
	case "back_channels":
		return o.BackChannels
	case "leaks":
		return o.Leaks
	case "attacks":
		return o.Attacks
	case "failed_ratifications":
		return o.FailedRatifications
	case "breakdowns":
		return o.Breakdowns
	case "gestures":
		return o.Gestures
	}
	panic("sim: unknown count " + name)
}

// NewStudySummary returns an empty summary for s.
func (s *Study) NewStudySummary() *StudySummary {
	ss := &StudySummary{Paired: make([]PairedCounts, len(s.Arms))}
	for _, a := range s.Arms {
		et, err := metrics.NewEventTable(2)
		if err != nil {
			panic(err) // 2 causes is always valid
		}
		et.Grow(a.Scenario.Horizon)
		as := &ArmSummary{Events: et, Counts: map[string]*metrics.IntHistogram{}, Values: map[string]*metrics.Moments{}}
		for _, n := range countNames {
			as.Counts[n] = &metrics.IntHistogram{}
		}
		for _, n := range valueNames {
			as.Values[n] = &metrics.Moments{}
		}
		if s.Trajectories {
			mk := func() *metrics.Bands {
				b, err := metrics.NewBands(a.Scenario.Horizon, 0, 1, TrajectoryBins)
				if err != nil {
					panic(err)
				}
				return b
			}
			as.Trust, as.Pressure, as.Mobilisation = mk(), mk(), mk()
		}
		ss.Arms = append(ss.Arms, as)
	}
	return ss
}

// Add implements Summary.
func (ss *StudySummary) Add(rep uint64, r RepOutcome) {
	for a, o := range r.Arms {
		as := ss.Arms[a]
		as.Kinds[o.Kind]++
		t, c := o.Time()
		_ = as.Events.Add(t, c) // times are in [1, horizon], causes in {0,1,2}
		for _, n := range countNames {
			_ = as.Counts[n].Add(countOf(&o, n))
		}
		if o.Kind == Breakthrough {
			_ = as.Values["split"].Add(o.Split)
		}
		_ = as.Values["trust"].Add((o.Trust[0] + o.Trust[1]) / 2)
		_ = as.Values["approval"].Add((o.Approval[0] + o.Approval[1]) / 2)
		_ = as.Values["polarisation"].Add((o.Polarisation[0] + o.Polarisation[1]) / 2)
		_ = as.Values["hawkishness"].Add((o.Hawkishness[0] + o.Hawkishness[1]) / 2)
		as.SecretVotes += int64(o.SecretVotes)
		as.SecretPasses += int64(o.SecretPasses)
		as.PublicVotes += int64(o.PublicVotes)
		as.PublicPasses += int64(o.PublicPasses)
		if as.Trust != nil && r.traj != nil {
			for i, p := range r.traj[a] {
				_ = as.Trust.Add(i+1, p.trust)
				_ = as.Pressure.Add(i+1, clamp01(p.pressure))
				_ = as.Mobilisation.Add(i+1, p.mobilisation)
			}
		}
		if a > 0 {
			o0 := &r.Arms[0]
			ss.Paired[a].Breakthrough.Add(o.Kind == Breakthrough, o0.Kind == Breakthrough)
			ss.Paired[a].Collapse.Add(o.Kind == Collapse, o0.Kind == Collapse)
		}
	}
}

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// Merge implements Summary; it is exact.
func (ss *StudySummary) Merge(o *StudySummary) error {
	if len(o.Arms) != len(ss.Arms) {
		return fmt.Errorf("sim: merge summaries of %d and %d arms", len(ss.Arms), len(o.Arms))
	}
	for a, x := range ss.Arms {
		y := o.Arms[a]
		for k := range x.Kinds {
			x.Kinds[k] += y.Kinds[k]
		}
		if err := x.Events.Merge(y.Events); err != nil {
			return err
		}
		for _, n := range countNames {
			x.Counts[n].Merge(y.Counts[n])
		}
		for _, n := range valueNames {
			x.Values[n].Merge(y.Values[n])
		}
		x.SecretVotes += y.SecretVotes
		x.SecretPasses += y.SecretPasses
		x.PublicVotes += y.PublicVotes
		x.PublicPasses += y.PublicPasses
		if (x.Trust == nil) != (y.Trust == nil) {
			return errors.New("sim: merge summaries with and without trajectories")
		}
		if x.Trust != nil {
			for _, p := range [][2]*metrics.Bands{{x.Trust, y.Trust}, {x.Pressure, y.Pressure}, {x.Mobilisation, y.Mobilisation}} {
				if err := p[0].Merge(p[1]); err != nil {
					return err
				}
			}
		}
		ss.Paired[a].Breakthrough.Merge(o.Paired[a].Breakthrough)
		ss.Paired[a].Collapse.Merge(o.Paired[a].Collapse)
	}
	return nil
}

// Reset implements Summary.
func (ss *StudySummary) Reset() {
	for a, x := range ss.Arms {
		x.Kinds = [3]int64{}
		x.Events.Reset()
		for _, n := range countNames {
			x.Counts[n].Reset()
		}
		for _, n := range valueNames {
			x.Values[n].Reset()
		}
		x.SecretVotes, x.SecretPasses, x.PublicVotes, x.PublicPasses = 0, 0, 0, 0
		if x.Trust != nil {
			x.Trust.Reset()
			x.Pressure.Reset()
			x.Mobilisation.Reset()
		}
		ss.Paired[a] = PairedCounts{}
	}
}

// StudyResult is the result of RunStudy.
type StudyResult = RunResult[RepOutcome, *StudySummary]

// RunStudy runs the study under cfg (seed, replication range, workers,
// progress, KeepOutcomes). On cancellation it returns the finished
// replications with Partial set, together with an error wrapping the
// context's error.
func RunStudy(ctx context.Context, s *Study, cfg RunConfig) (*StudyResult, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return Run(ctx, cfg, func() (Replicator[RepOutcome], error) { return s.newReplicator(cfg.KeepOutcomes) }, s.NewStudySummary)
}

// Equal reports whether two summaries hold the same information: the same
// counts, event tables, exact sums and histograms. (Their internal
// representations may differ: exact sums defer carries.)
func (ss *StudySummary) Equal(o *StudySummary) bool {
	if len(ss.Arms) != len(o.Arms) || !reflect.DeepEqual(ss.Paired, o.Paired) {
		return false
	}
	for a, x := range ss.Arms {
		y := o.Arms[a]
		if x.Kinds != y.Kinds || !x.Events.Equal(y.Events) ||
			x.SecretVotes != y.SecretVotes || x.SecretPasses != y.SecretPasses ||
			x.PublicVotes != y.PublicVotes || x.PublicPasses != y.PublicPasses {
			return false
		}
		for _, n := range countNames {
			h, g := x.Counts[n], y.Counts[n]
			if h.N() != g.N() || h.Max() != g.Max() {
				return false
			}
			for v := 0; v <= h.Max(); v++ {
				if h.Count(v) != g.Count(v) {
					return false
				}
			}
		}
		for _, n := range valueNames {
			m, k := x.Values[n], y.Values[n]
			if m.N() != k.N() || !sameFloat(m.Sum(), k.Sum()) || !sameFloat(m.Variance(), k.Variance()) {
				return false
			}
		}
		if (x.Trust == nil) != (y.Trust == nil) {
			return false
		}
		if x.Trust != nil {
			for _, p := range [][2]*metrics.Bands{{x.Trust, y.Trust}, {x.Pressure, y.Pressure}, {x.Mobilisation, y.Mobilisation}} {
				if !bandsEqual(p[0], p[1]) {
					return false
				}
			}
		}
	}
	return true
}

func sameFloat(a, b float64) bool { return a == b || (a != a && b != b) }

func bandsEqual(a, b *metrics.Bands) bool {
	if a.Horizon() != b.Horizon() || a.Bins() != b.Bins() {
		return false
	}
	for t := 0; t <= a.Horizon(); t++ {
		if a.Count(t) != b.Count(t) || !sameFloat(a.Mean(t), b.Mean(t)) {
			return false
		}
		for _, p := range []float64{0.1, 0.5, 0.9} {
			qa, _ := a.Quantile(t, p)
			qb, _ := b.Quantile(t, p)
			if !sameFloat(qa, qb) {
				return false
			}
		}
	}
	return true
}
