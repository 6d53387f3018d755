package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
)

// errAttempts marks a particle slot that exhausted Config.MaxAttempts.
var errAttempts = errors.New("calibrate: attempt cap exceeded")

// worker is the per-goroutine scratch of a generation: one generator for
// proposals and one for the model, reseeded per attempt without allocating.
type worker struct {
	propPCG, simPCG rand.PCG
	prop, sim       *rand.Rand
	theta, z        []float64
	terms           []float64
}

// runner carries a validated, defaulted configuration through a run.
type runner struct {
	cfg     Config
	d, m, n int
	workers []*worker
	dist    *Distance
}

func newRunner(cfg *Config) *runner {
	c := cfg.withDefaults()
	nw := c.Workers
	if nw < 1 {
		nw = runtime.GOMAXPROCS(0)
	}
	nw = min(nw, c.Particles)
	r := &runner{cfg: c, d: len(c.Params), m: len(c.Observed), n: c.Particles}
	for range nw {
		w := &worker{theta: make([]float64, r.d), z: make([]float64, r.d), terms: make([]float64, r.n)}
		w.prop, w.sim = rand.New(&w.propPCG), rand.New(&w.simPCG)
		r.workers = append(r.workers, w)
	}
	return r
}

func (w *worker) seed(master uint64, g, i, a int) {
	w.propPCG.Seed(ProposalSeed(master, g, i, a))
	w.simPCG.Seed(SimulationSeed(master, g, i, a))
}

// Run calibrates cfg.Params against cfg.Observed by ABC-SMC (population
// Monte Carlo, Beaumont et al. 2009) and returns every finished generation.
// See the package documentation for the algorithm.
//
// Generation 0 draws N particles from the prior and simulates each once;
// all are accepted with equal weights, and their summaries set the
// distance's spreads unless cfg.Scale is given. Each later generation
// chooses its tolerance by cfg.Schedule, then fills each particle slot
// independently, so the result is identical for any cfg.Workers.
//
// Run returns an error wrapping ErrInvalid, and a nil Result, if cfg is
// invalid. Otherwise the Result is never nil: if the context is cancelled,
// the model fails or the population degenerates, it holds the generations
// finished so far, is marked Partial, and the error says what happened
// (wrapping ctx.Err(), ErrModel or ErrDegenerate).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := newRunner(&cfg)
	res := &Result{Params: cfg.names(), Observed: slices.Clone(cfg.Observed), Seed: cfg.Seed}
	g0, err := r.generation0(ctx)
	if err != nil {
		return r.fail(res, err)
	}
	if cfg.Scale != nil {
		r.dist = &Distance{Scale: slices.Clone(cfg.Scale), Weights: slices.Clone(cfg.Weights)}
	} else if r.dist, err = NewDistance(g0.Summaries, cfg.Weights); err != nil {
		return r.fail(res, fmt.Errorf("calibrate: generation 0 (prior predictive): %w", err))
	}
	res.Distance = *r.dist
	for i, s := range g0.Summaries {
		g0.Distances[i] = r.dist.Dist(s, r.cfg.Observed)
		g0.Epsilon = max(g0.Epsilon, g0.Distances[i])
	}
	r.record(res, g0)
	return r.loop(ctx, res)
}

// fail marks res as partial after err.
func (r *runner) fail(res *Result, err error) (*Result, error) {
	res.Partial = true
	res.Stop = StopError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		res.Stop = StopCancelled
	}
	return res, err
}

// record appends the finished generation g to res and reports it.
func (r *runner) record(res *Result, g *Generation) {
	res.Generations = append(res.Generations, *g)
	res.Simulations += g.Simulations
	if r.cfg.Progress != nil {
		r.cfg.Progress(&res.Generations[len(res.Generations)-1])
	}
}

// loop applies the stopping rules to the last generation of res and
// produces further generations until one holds.
func (r *runner) loop(ctx context.Context, res *Result) (*Result, error) {
	for {
		last := &res.Generations[len(res.Generations)-1]
		if s := r.stopAfter(last, res.Simulations); s != StopNone {
			res.Stop = s
			return res, nil
		}
		eps := max(r.nextEpsilon(last), r.cfg.FinalEpsilon)
		if !(eps < last.Epsilon) {
			res.Stop = StopStalled
			return res, nil
		}
		next, err := r.generation(ctx, last, eps)
		if errors.Is(err, errAttempts) {
			res.Stop = StopAttempts
			return res, nil
		}
		if err != nil {
			return r.fail(res, err)
		}
		r.record(res, next)
	}
}

// stopAfter applies the stopping rules to the finished generation g.
func (r *runner) stopAfter(g *Generation, total int) StopReason {
	c := &r.cfg
	switch {
	case g.Epsilon <= c.FinalEpsilon:
		return StopTolerance
	case g.Index >= 1 && g.AcceptanceRate < c.MinAcceptance:
		return StopAcceptance
	case c.MaxSimulations > 0 && total >= c.MaxSimulations:
		return StopBudget
	case g.Index+1 >= c.MaxGenerations:
		return StopGenerations
	}
	return StopNone
}

// newGeneration allocates a generation of n particles.
func (r *runner) newGeneration(t int) *Generation {
	g := &Generation{
		Index:     t,
		Particles: make([][]float64, r.n),
		Weights:   make([]float64, r.n),
		Distances: make([]float64, r.n),
		Summaries: make([][]float64, r.n),
		Attempts:  make([]int, r.n),
	}
	flat := make([]float64, r.n*r.d)
	for i := range g.Particles {
		g.Particles[i] = flat[i*r.d : (i+1)*r.d : (i+1)*r.d]
	}
	return g
}

// simulate runs the model for slot i, attempt a of generation t at theta
// and checks its output.
func (r *runner) simulate(w *worker, t, i, a int, theta []float64) ([]float64, error) {
	s, err := r.cfg.Model.Simulate(theta, w.sim)
	if err != nil {
		return nil, fmt.Errorf("calibrate: generation %d particle %d attempt %d: theta %v: %w: %w", t, i, a, theta, ErrModel, err)
	}
	if len(s) != r.m {
		return nil, fmt.Errorf("calibrate: generation %d particle %d attempt %d: theta %v: %d summaries: want %d: %w", t, i, a, theta, len(s), r.m, ErrModel)
	}
	for k, x := range s {
		if !finite(x) {
			return nil, fmt.Errorf("calibrate: generation %d particle %d attempt %d: theta %v: summary %d = %v: want finite: %w", t, i, a, theta, k, x, ErrModel)
		}
	}
	return s, nil
}

// generation0 samples the prior and simulates once per particle. Distances
// are filled in by the caller once the distance is known.
func (r *runner) generation0(ctx context.Context) (*Generation, error) {
	g := r.newGeneration(0)
	err := forEach(ctx, r.n, len(r.workers), func(wi, i int) error {
		w := r.workers[wi]
		w.seed(r.cfg.Seed, 0, i, 0)
		th := g.Particles[i]
		for k, p := range r.cfg.Params {
			th[k] = p.Prior.Rand(w.prop)
		}
		if lp := logPrior(r.cfg.Params, th); math.IsInf(lp, -1) || math.IsNaN(lp) {
			return fmt.Errorf("calibrate: generation 0 particle %d: prior draw %v has log density %v: the priors' Rand and LogProb disagree: %w", i, th, lp, ErrInvalid)
		}
		copy(w.theta, th)
		s, err := r.simulate(w, 0, i, 0, w.theta)
		if err != nil {
			return err
		}
		g.Summaries[i] = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("calibrate: generation 0: %w", err)
	}
	for i := range g.Weights {
		g.Weights[i] = 1 / float64(r.n)
	}
	g.Proposals, g.Simulations, g.AcceptanceRate, g.ESS = r.n, r.n, 1, float64(r.n)
	return g, nil
}

// generation produces generation prev.Index+1 with tolerance eps.
func (r *runner) generation(ctx context.Context, prev *Generation, eps float64) (*Generation, error) {
	t := prev.Index + 1
	k, err := buildKernel(r.cfg.Kernel, prev, eps)
	if err != nil {
		return nil, err
	}
	cum := make([]float64, r.n)
	s := 0.0
	for j, w := range prev.Weights {
		s += w
		cum[j] = s
	}
	props := make([]int, r.n)
	sims := make([]int, r.n)
	g := r.newGeneration(t)
	g.Epsilon = eps
	err = forEach(ctx, r.n, len(r.workers), func(wi, i int) error {
		w := r.workers[wi]
		for a := range r.cfg.MaxAttempts {
			if a > 0 && a%64 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			w.seed(r.cfg.Seed, t, i, a)
			j := min(sort.SearchFloat64s(cum, w.prop.Float64()*s), r.n-1)
			k.of(j).sample(w.theta, prev.Particles[j], w.z, w.prop)
			props[i]++
			if math.IsInf(logPrior(r.cfg.Params, w.theta), -1) {
				continue
			}
			sims[i]++
			sum, err := r.simulate(w, t, i, a, w.theta)
			if err != nil {
				return err
			}
			if d := r.dist.Dist(sum, r.cfg.Observed); d <= eps {
				copy(g.Particles[i], w.theta)
				g.Summaries[i], g.Distances[i], g.Attempts[i] = sum, d, a
				return nil
			}
		}
		return fmt.Errorf("calibrate: generation %d particle %d: no acceptance in %d attempts at tolerance %v: %w", t, i, r.cfg.MaxAttempts, eps, errAttempts)
	})
	if err != nil {
		return nil, fmt.Errorf("calibrate: generation %d: %w", t, err)
	}
	if err := r.weigh(ctx, prev, g, k); err != nil {
		return nil, err
	}
	for i := range r.n {
		g.Proposals += props[i]
		g.Simulations += sims[i]
	}
	g.AcceptanceRate = float64(r.n) / float64(g.Simulations)
	g.ESS = ESS(g.Weights)
	return g, nil
}
