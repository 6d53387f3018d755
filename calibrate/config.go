package calibrate

import (
	"errors"
	"fmt"
	"slices"
)

// Schedule selects how the tolerance ε_t of generation t ≥ 1 is chosen from
// the previous generation's distances d_i and weights w_i.
type Schedule int

const (
	// ScheduleQuantile sets ε_t to the weighted Alpha-quantile of the
	// previous distances: the smallest d_(k) (distances in increasing order)
	// whose cumulative weight reaches Alpha (Beaumont et al. 2009 used
	// quantiles of the previous distances; Alpha = 0.5 is the median).
	ScheduleQuantile Schedule = iota
	// ScheduleESS sets ε_t to the smallest d_(k) such that the effective
	// sample size of the previous weights restricted to d_i ≤ ε_t is at
	// least Alpha times the previous ESS, the rule of Del Moral, Doucet and
	// Jasra (2012) for one simulation per particle:
	//
	//	ESS(ε) = (Σ_{d_i≤ε} w_i)² / Σ_{d_i≤ε} w_i² ≥ Alpha · ESS_{t-1}.
	//
	// Only the tolerance rule is theirs: the particles are still moved by
	// the importance-sampling step of Beaumont et al., not by MCMC moves.
	ScheduleESS
)

// String returns "quantile" or "ess".
func (s Schedule) String() string {
	switch s {
	case ScheduleQuantile:
		return "quantile"
	case ScheduleESS:
		return "ess"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// Defaults used for zero fields of Config.
const (
	// DefaultAlpha is the default Config.Alpha: the median of the previous
	// distances (ScheduleQuantile) or half the previous ESS (ScheduleESS).
	DefaultAlpha = 0.5
	// DefaultMaxGenerations is the default Config.MaxGenerations.
	DefaultMaxGenerations = 20
	// DefaultMaxAttempts is the default Config.MaxAttempts.
	DefaultMaxAttempts = 100_000
)

// Config is the input of Run. The zero value of a field marked "0 means"
// takes the stated default; Params, Model, Observed and Particles must be
// set.
type Config struct {
	// Params are the calibrated parameters with their priors, in the order
	// of the theta vectors handed to Model.Simulate. At least one.
	Params []Param
	// Model simulates summaries at a parameter vector.
	Model Model
	// Observed holds the observed summaries (the targets), in the order of
	// the model's output. At least one, all finite.
	Observed []float64
	// Weights are the per-summary weights w_k of the Distance; nil means 1.
	Weights []float64
	// Scale holds the per-summary spreads c_k of the Distance; nil means
	// they are estimated by NewDistance from the N prior-predictive
	// simulations of generation 0.
	Scale []float64

	// Particles is the number N of particles per generation; at least 2.
	Particles int
	// Seed is the master seed; every proposal and simulation derives its
	// generator from it (see SimulationSeed).
	Seed uint64
	// Workers is the number of goroutines running simulations; < 1 means
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int

	// Schedule selects the adaptive tolerance rule.
	Schedule Schedule
	// Alpha is the quantile (ScheduleQuantile) or the ESS fraction
	// (ScheduleESS), in (0, 1); 0 means DefaultAlpha.
	Alpha float64
	// Kernel selects the covariance of the perturbation kernel.
	Kernel KernelKind

	// FinalEpsilon stops the run after the first generation whose tolerance
	// is at most FinalEpsilon; the schedule never goes below it. Finite
	// ≥ 0; 0 means no final tolerance other than an exact match (ε = 0).
	FinalEpsilon float64
	// MinAcceptance stops the run after a generation t ≥ 1 whose acceptance
	// rate N / simulations is below it; in [0, 1); 0 means no minimum.
	MinAcceptance float64
	// MaxSimulations stops the run once the total number of model
	// simulations reaches it (checked after each generation, so the last
	// generation may overshoot it); ≥ 0; 0 means no budget.
	MaxSimulations int
	// MaxGenerations is the largest number of generations (generation 0
	// included); ≥ 0; 0 means DefaultMaxGenerations.
	MaxGenerations int
	// MaxAttempts bounds the proposals per particle slot in one generation;
	// a generation in which any slot needs more is abandoned and the run
	// stops with StopAttempts. ≥ 0; 0 means DefaultMaxAttempts.
	MaxAttempts int

	// Progress, if not nil, is called after every finished generation, from
	// the goroutine that called Run, before the stopping rules are checked.
	// It must not modify the Generation.
	Progress func(g *Generation)
}

// Validate returns every problem of c at once (errors.Join), each wrapping
// ErrInvalid and naming the field, the value and the allowed range. It
// calls Validate on priors that have that method.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("calibrate: Config."+format+": %w", append(args, ErrInvalid)...))
	}
	if len(c.Params) == 0 {
		bad("Params is empty: want at least one parameter")
	}
	for k, p := range c.Params {
		if p.Prior == nil {
			bad("Params[%d] (%q).Prior is nil: want a prior", k, p.Name)
			continue
		}
		if v, ok := p.Prior.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("calibrate: Config.Params[%d] (%q): %w", k, p.Name, err))
			}
		}
	}
	if c.Model == nil {
		bad("Model is nil: want a model")
	}
	if len(c.Observed) == 0 {
		bad("Observed is empty: want at least one summary")
	}
	for k, x := range c.Observed {
		if !finite(x) {
			bad("Observed[%d] = %v: want finite", k, x)
		}
	}
	if c.Weights != nil {
		if err := checkWeights("Config.Weights", c.Weights, len(c.Observed)); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Scale != nil {
		if len(c.Scale) != len(c.Observed) {
			bad("Scale has %d entries: want %d, one per summary", len(c.Scale), len(c.Observed))
		}
		for k, x := range c.Scale {
			if !finite(x) || x <= 0 {
				bad("Scale[%d] = %v: want finite > 0", k, x)
			}
		}
	}
	if c.Particles < 2 {
		bad("Particles = %d: want ≥ 2", c.Particles)
	}
	if c.Schedule != ScheduleQuantile && c.Schedule != ScheduleESS {
		bad("Schedule = %d: want ScheduleQuantile (0) or ScheduleESS (1)", int(c.Schedule))
	}
	if c.Alpha != 0 && !(c.Alpha > 0 && c.Alpha < 1) {
		bad("Alpha = %v: want in (0, 1), or 0 for %v", c.Alpha, DefaultAlpha)
	}
	if c.Kernel != KernelGlobal && c.Kernel != KernelOLCM {
		bad("Kernel = %d: want KernelGlobal (0) or KernelOLCM (1)", int(c.Kernel))
	}
	if !finite(c.FinalEpsilon) || c.FinalEpsilon < 0 {
		bad("FinalEpsilon = %v: want finite ≥ 0", c.FinalEpsilon)
	}
	if !(c.MinAcceptance >= 0 && c.MinAcceptance < 1) {
		bad("MinAcceptance = %v: want in [0, 1)", c.MinAcceptance)
	}
	if c.MaxSimulations < 0 {
		bad("MaxSimulations = %d: want ≥ 0 (0: no budget)", c.MaxSimulations)
	}
	if c.MaxGenerations < 0 {
		bad("MaxGenerations = %d: want ≥ 0 (0: %d)", c.MaxGenerations, DefaultMaxGenerations)
	}
	if c.MaxAttempts < 0 {
		bad("MaxAttempts = %d: want ≥ 0 (0: %d)", c.MaxAttempts, DefaultMaxAttempts)
	}
	return errors.Join(errs...)
}

// withDefaults returns a copy of c with defaults filled in.
func (c *Config) withDefaults() Config {
	d := *c
	if d.Alpha == 0 {
		d.Alpha = DefaultAlpha
	}
	if d.MaxGenerations == 0 {
		d.MaxGenerations = DefaultMaxGenerations
	}
	if d.MaxAttempts == 0 {
		d.MaxAttempts = DefaultMaxAttempts
	}
	d.Observed = slices.Clone(c.Observed)
	return d
}

// names returns the parameter names.
func (c *Config) names() []string {
	n := make([]string, len(c.Params))
	for k, p := range c.Params {
		n[k] = p.Name
	}
	return n
}
