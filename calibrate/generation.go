package calibrate

import "fmt"

// Generation is one finished population of ABC-SMC: N particles with their
// normalised importance weights, the distances and summaries of the
// simulations that were accepted for them, and the cost of the generation.
// It marshals to JSON (every value finite), which is what Checkpoint stores.
type Generation struct {
	// Index is t, counting from 0 (the prior-predictive generation).
	Index int `json:"index"`
	// Epsilon is the tolerance ε_t: every particle's distance is at most
	// it. Generation 0 accepts every prior draw; its Epsilon is the largest
	// distance.
	Epsilon float64 `json:"epsilon"`
	// Particles holds θ_i, one row of len(Config.Params) per particle.
	Particles [][]float64 `json:"particles"`
	// Weights holds w_i, normalised to sum to 1.
	Weights []float64 `json:"weights"`
	// Distances holds d_i, the distance of particle i's accepted simulation.
	Distances []float64 `json:"distances"`
	// Summaries holds the accepted simulation's summaries of particle i
	// (a posterior-predictive sample when weighted by Weights).
	Summaries [][]float64 `json:"summaries"`
	// Attempts holds, for particle slot i, the attempt index a of the
	// accepted proposal, so its simulation can be replayed with
	// SimulationSeed(Seed, Index, i, a).
	Attempts []int `json:"attempts"`
	// Proposals is the number of proposals drawn, including those outside
	// the prior's support, which are not simulated.
	Proposals int `json:"proposals"`
	// Simulations is the number of model runs in this generation.
	Simulations int `json:"simulations"`
	// AcceptanceRate is N / Simulations.
	AcceptanceRate float64 `json:"acceptance_rate"`
	// ESS is the effective sample size (Σ w_i)² / Σ w_i² (Kish 1965).
	ESS float64 `json:"ess"`
}

// check returns an error wrapping ErrInvalid if g is not a well-formed
// generation of n particles of d parameters and m summaries (used on
// checkpoints read back from files).
func (g *Generation) check(n, d, m int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("calibrate: generation %d: "+format+": %w", append([]any{g.Index}, append(args, ErrInvalid)...)...)
	}
	if g.Index < 0 {
		return bad("Index = %d: want ≥ 0", g.Index)
	}
	if len(g.Particles) != n || len(g.Weights) != n || len(g.Distances) != n || len(g.Summaries) != n || len(g.Attempts) != n {
		return bad("%d particles, %d weights, %d distances, %d summaries, %d attempts: want %d of each",
			len(g.Particles), len(g.Weights), len(g.Distances), len(g.Summaries), len(g.Attempts), n)
	}
	if !finite(g.Epsilon) || g.Epsilon < 0 {
		return bad("Epsilon = %v: want finite ≥ 0", g.Epsilon)
	}
	sum := 0.0
	for i := range n {
		if len(g.Particles[i]) != d {
			return bad("particle %d has %d parameters: want %d", i, len(g.Particles[i]), d)
		}
		if len(g.Summaries[i]) != m {
			return bad("particle %d has %d summaries: want %d", i, len(g.Summaries[i]), m)
		}
		for _, x := range g.Particles[i] {
			if !finite(x) {
				return bad("particle %d has parameter %v: want finite", i, x)
			}
		}
		if !finite(g.Weights[i]) || g.Weights[i] < 0 {
			return bad("weight %d = %v: want finite ≥ 0", i, g.Weights[i])
		}
		if !(g.Distances[i] >= 0 && g.Distances[i] <= g.Epsilon) {
			return bad("distance %d = %v: want in [0, Epsilon = %v]", i, g.Distances[i], g.Epsilon)
		}
		sum += g.Weights[i]
	}
	if !(sum > 0) {
		return bad("weights sum to %v: want > 0", sum)
	}
	if g.Simulations < n || g.Proposals < g.Simulations {
		return bad("Simulations = %d, Proposals = %d: want N = %d ≤ Simulations ≤ Proposals", g.Simulations, g.Proposals, n)
	}
	return nil
}

// StopReason says why Run stopped.
type StopReason int

const (
	// StopNone means the run has not stopped (never in a returned Result).
	StopNone StopReason = iota
	// StopTolerance means the last generation reached Config.FinalEpsilon.
	StopTolerance
	// StopAcceptance means the last generation's acceptance rate fell below
	// Config.MinAcceptance.
	StopAcceptance
	// StopBudget means the total simulations reached Config.MaxSimulations.
	StopBudget
	// StopGenerations means Config.MaxGenerations generations ran.
	StopGenerations
	// StopStalled means the schedule gave a tolerance no smaller than the
	// last one (many equal distances, as with discrete summaries).
	StopStalled
	// StopAttempts means a particle slot of the next generation needed more
	// than Config.MaxAttempts proposals; that generation was abandoned.
	StopAttempts
	// StopCancelled means the context was cancelled; the generation in
	// progress was abandoned and the Result is marked Partial.
	StopCancelled
	// StopError means an error (model failure, degenerate population)
	// ended the run; the Result is marked Partial.
	StopError
)

var stopNames = [...]string{"none", "final tolerance reached", "acceptance rate below minimum",
	"simulation budget reached", "maximum generations reached", "tolerance stalled",
	"attempt cap exceeded", "cancelled", "error"}

// String returns a short English description of r.
func (r StopReason) String() string {
	if r >= 0 && int(r) < len(stopNames) {
		return stopNames[r]
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Result is the output of Run or Resume: every finished generation, the
// distance used, the total cost and why the run stopped.
type Result struct {
	// Params holds the parameter names, in the order of the particles'
	// columns.
	Params []string `json:"params"`
	// Observed holds the observed summaries.
	Observed []float64 `json:"observed"`
	// Distance is the distance used, with the spreads estimated from
	// generation 0 unless Config.Scale was given.
	Distance Distance `json:"distance"`
	// Seed is the master seed.
	Seed uint64 `json:"seed"`
	// Generations holds the finished generations in order; the last one is
	// the posterior sample. After Resume the first is the checkpoint's.
	Generations []Generation `json:"generations"`
	// Simulations is the total number of model runs of all finished
	// generations (those before a checkpoint included).
	Simulations int `json:"simulations"`
	// Stop says why the run stopped.
	Stop StopReason `json:"stop"`
	// Partial is true when the run was cancelled or ended by an error: the
	// generations are correct but the run did not reach a stopping rule.
	Partial bool `json:"partial"`
}

// Posterior returns the last finished generation, or nil if there is none.
func (r *Result) Posterior() *Generation {
	if len(r.Generations) == 0 {
		return nil
	}
	return &r.Generations[len(r.Generations)-1]
}
