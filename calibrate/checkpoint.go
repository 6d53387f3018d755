package calibrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// CheckpointVersion is the format version written by Result.Checkpoint.
const CheckpointVersion = 1

// Checkpoint is the state of a run after a finished generation: enough to
// resume it with Resume and obtain the same generations, bit for bit, as a
// run that was never interrupted. It marshals to and from JSON with
// encoding/json (Go writes float64 values so that they read back exactly).
type Checkpoint struct {
	// Version is CheckpointVersion.
	Version int `json:"version"`
	// Seed is the master seed of the run.
	Seed uint64 `json:"seed"`
	// Params holds the parameter names, which Resume checks.
	Params []string `json:"params"`
	// Observed holds the observed summaries, which Resume checks.
	Observed []float64 `json:"observed"`
	// Distance is the distance of the run (its spreads were estimated in
	// generation 0 and must not change).
	Distance Distance `json:"distance"`
	// Simulations is the total number of model runs up to and including
	// Last.
	Simulations int `json:"simulations"`
	// Last is the last finished generation.
	Last Generation `json:"last"`
}

// Checkpoint returns the state of r after its last finished generation. It
// returns an error wrapping ErrInvalid if r has no finished generation.
// Last shares its slices with r's last generation: marshal the checkpoint
// (or stop using r) before modifying either.
func (r *Result) Checkpoint() (*Checkpoint, error) {
	g := r.Posterior()
	if g == nil {
		return nil, fmt.Errorf("calibrate: Result.Checkpoint: no finished generation: %w", ErrInvalid)
	}
	return &Checkpoint{
		Version:     CheckpointVersion,
		Seed:        r.Seed,
		Params:      slices.Clone(r.Params),
		Observed:    slices.Clone(r.Observed),
		Distance:    Distance{Scale: slices.Clone(r.Distance.Scale), Weights: slices.Clone(r.Distance.Weights)},
		Simulations: r.Simulations,
		Last:        *g,
	}, nil
}

// Resume continues the run described by cfg from checkpoint ck, which must
// come from a run of the same configuration (same Seed, Particles,
// parameter names, Observed and distance; the stopping rules, Workers and
// Progress may differ, for example to allow more generations). The stopping
// rules are first applied to ck.Last, as they were in the original run.
//
// The returned Result starts with ck.Last and then holds the new
// generations; its Simulations include those before the checkpoint.
// Config.Progress is called for the new generations only. With
// the same stopping rules, its generations equal (==) those an
// uninterrupted Run would have produced. Errors are as for Run; a
// checkpoint that does not match cfg gives an error wrapping ErrInvalid.
func Resume(ctx context.Context, cfg Config, ck *Checkpoint) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := ck.match(&cfg); err != nil {
		return nil, err
	}
	r := newRunner(&cfg)
	r.dist = &Distance{Scale: slices.Clone(ck.Distance.Scale), Weights: slices.Clone(ck.Distance.Weights)}
	res := &Result{Params: cfg.names(), Observed: slices.Clone(cfg.Observed), Seed: cfg.Seed,
		Distance: *r.dist, Simulations: ck.Simulations, Generations: []Generation{ck.Last}}
	return r.loop(ctx, res)
}

// match checks that ck belongs to a run of cfg.
func (ck *Checkpoint) match(cfg *Config) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("calibrate: Resume: checkpoint "+format+": %w", append(args, ErrInvalid)...))
	}
	if ck == nil {
		return fmt.Errorf("calibrate: Resume: checkpoint is nil: %w", ErrInvalid)
	}
	if ck.Version != CheckpointVersion {
		bad("Version = %d: want %d", ck.Version, CheckpointVersion)
	}
	if ck.Seed != cfg.Seed {
		bad("Seed = %d: want Config.Seed = %d", ck.Seed, cfg.Seed)
	}
	if !slices.Equal(ck.Params, cfg.names()) {
		bad("Params = %q: want Config.Params names %q", ck.Params, cfg.names())
	}
	if !slices.Equal(ck.Observed, cfg.Observed) {
		bad("Observed = %v: want Config.Observed = %v", ck.Observed, cfg.Observed)
	}
	if err := ck.Distance.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("calibrate: Resume: checkpoint: %w", err))
	} else if len(ck.Distance.Scale) != len(cfg.Observed) {
		bad("Distance.Scale has %d entries: want %d", len(ck.Distance.Scale), len(cfg.Observed))
	}
	if cfg.Scale != nil && !slices.Equal(ck.Distance.Scale, cfg.Scale) {
		bad("Distance.Scale = %v: want Config.Scale = %v", ck.Distance.Scale, cfg.Scale)
	}
	if !slices.Equal(ck.Distance.Weights, cfg.Weights) {
		bad("Distance.Weights = %v: want Config.Weights = %v", ck.Distance.Weights, cfg.Weights)
	}
	if err := ck.Last.check(cfg.Particles, len(cfg.Params), len(cfg.Observed)); err != nil {
		errs = append(errs, fmt.Errorf("calibrate: Resume: checkpoint: %w", err))
	}
	if ck.Simulations < ck.Last.Simulations {
		bad("Simulations = %d: want ≥ Last.Simulations = %d", ck.Simulations, ck.Last.Simulations)
	}
	return errors.Join(errs...)
}
