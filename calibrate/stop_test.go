package calibrate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func toyConfig(seed uint64) Config {
	return Config{
		Params:    []Param{{Name: "mu", Prior: Uniform{Lo: -10, Hi: 10}}},
		Model:     meanModel(0.5),
		Observed:  []float64{1.3},
		Scale:     []float64{1},
		Particles: 200,
		Seed:      seed,
		Workers:   2,
	}
}

// TestStopRules checks each stopping rule against its definition.
func TestStopRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		set   func(c *Config)
		want  StopReason
		check func(t *testing.T, c *Config, r *Result)
	}{
		{"generations", func(c *Config) { c.MaxGenerations = 3 }, StopGenerations,
			func(t *testing.T, c *Config, r *Result) {
				if len(r.Generations) != 3 {
					t.Errorf("%d generations, want 3", len(r.Generations))
				}
			}},
		{"budget", func(c *Config) { c.MaxSimulations = 1500 }, StopBudget,
			func(t *testing.T, c *Config, r *Result) {
				prev := r.Simulations - r.Posterior().Simulations
				if !(r.Simulations >= 1500 && prev < 1500) {
					t.Errorf("simulations %d (before last generation %d), want the first total ≥ 1500", r.Simulations, prev)
				}
			}},
		{"tolerance", func(c *Config) { c.FinalEpsilon = 0.2 }, StopTolerance,
			func(t *testing.T, c *Config, r *Result) {
				if got := r.Posterior().Epsilon; got != 0.2 {
					t.Errorf("final epsilon %v, want exactly 0.2 (the schedule is clamped at FinalEpsilon)", got)
				}
				for _, g := range r.Generations[:len(r.Generations)-1] {
					if g.Epsilon <= 0.2 {
						t.Errorf("generation %d has epsilon %v ≤ 0.2 but the run went on", g.Index, g.Epsilon)
					}
				}
			}},
		{"acceptance", func(c *Config) { c.MinAcceptance = 0.3 }, StopAcceptance,
			func(t *testing.T, c *Config, r *Result) {
				for _, g := range r.Generations[1 : len(r.Generations)-1] {
					if g.AcceptanceRate < 0.3 {
						t.Errorf("generation %d acceptance %v < 0.3 but the run went on", g.Index, g.AcceptanceRate)
					}
				}
				if a := r.Posterior().AcceptanceRate; a >= 0.3 {
					t.Errorf("last acceptance %v, want < 0.3", a)
				}
			}},
		{"attempts", func(c *Config) { c.MaxAttempts = 3; c.MaxGenerations = 50 }, StopAttempts, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := toyConfig(3)
			tc.set(&c)
			r, err := Run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if r.Stop != tc.want || r.Partial {
				t.Fatalf("stop %v partial %v, want %v false", r.Stop, r.Partial, tc.want)
			}
			sims := 0
			for i, g := range r.Generations {
				sims += g.Simulations
				if g.Index != i {
					t.Errorf("generation %d has Index %d", i, g.Index)
				}
				if i > 0 && !(g.Epsilon < r.Generations[i-1].Epsilon) {
					t.Errorf("generation %d epsilon %v not below the previous %v", i, g.Epsilon, r.Generations[i-1].Epsilon)
				}
				if want := float64(c.Particles) / float64(g.Simulations); g.AcceptanceRate != want {
					t.Errorf("generation %d acceptance %v, want N/simulations = %v", i, g.AcceptanceRate, want)
				}
				if math.Abs(g.ESS-ESS(g.Weights)) > 1e-9*g.ESS {
					t.Errorf("generation %d ESS %v, want %v", i, g.ESS, ESS(g.Weights))
				}
				for j, d := range g.Distances {
					if d > g.Epsilon {
						t.Errorf("generation %d particle %d distance %v > epsilon %v", i, j, d, g.Epsilon)
					}
				}
			}
			if sims != r.Simulations {
				t.Errorf("Simulations %d, want the sum over generations %d", r.Simulations, sims)
			}
			if tc.check != nil {
				tc.check(t, &c, r)
			}
		})
	}
}

// TestStalled checks that a discrete summary whose distances tie stops the
// schedule instead of looping.
func TestStalled(t *testing.T) {
	t.Parallel()
	c := toyConfig(4)
	c.Model = ModelFunc(func(theta []float64, rng *rand.Rand) ([]float64, error) {
		if theta[0] > -9 {
			return []float64{1}, nil
		}
		return []float64{0}, nil
	})
	// Distances are 1 (95% of the prior) or 2: generation 1 has ε = 1 and
	// every distance equal to 1, so the median cannot go lower.
	c.Observed = []float64{2}
	r, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stop != StopStalled || len(r.Generations) != 2 {
		t.Errorf("stop %v after %d generations, want %v after 2", r.Stop, len(r.Generations), StopStalled)
	}
}

// TestCancel checks that cancelling the context returns the finished
// generations, marked partial, and an error wrapping context.Canceled.
func TestCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := toyConfig(5)
	var seen []int
	c.Progress = func(g *Generation) {
		seen = append(seen, g.Index)
		if g.Index == 1 {
			cancel()
		}
	}
	r, err := Run(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if r == nil || len(r.Generations) != 2 || !r.Partial || r.Stop != StopCancelled {
		t.Fatalf("result %+v, want 2 generations, partial, cancelled", r)
	}
	if len(seen) != 2 || seen[0] != 0 || seen[1] != 1 {
		t.Errorf("progress saw generations %v, want [0 1]", seen)
	}
	// The partial result checkpoints and resumes like any other.
	ck, err := r.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	seen = nil
	c.Progress = func(g *Generation) { seen = append(seen, g.Index) }
	c.MaxGenerations = 4
	got, err := Resume(context.Background(), c, ck)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Generations) != 3 || got.Generations[2].Index != 3 {
		t.Errorf("resumed %d generations, want 3 ending at index 3", len(got.Generations))
	}
	if len(seen) != 2 || seen[0] != 2 || seen[1] != 3 {
		t.Errorf("progress after resume saw generations %v, want [2 3] (not the checkpoint's)", seen)
	}
}

// TestModelErrors checks that model failures stop the run with ErrModel,
// naming the generation, particle and attempt.
func TestModelErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name  string
		model ModelFunc
		want  string
	}{
		{"error", func(th []float64, _ *rand.Rand) ([]float64, error) { return nil, boom }, "boom"},
		{"length", func(th []float64, _ *rand.Rand) ([]float64, error) { return []float64{1, 2}, nil }, "2 summaries: want 1"},
		{"nan", func(th []float64, _ *rand.Rand) ([]float64, error) { return []float64{math.NaN()}, nil }, "summary 0 = NaN"},
		{"late", func(th []float64, rng *rand.Rand) ([]float64, error) {
			if math.Abs(th[0]-1.3) < 0.2 {
				return []float64{math.Inf(1)}, nil
			}
			return []float64{th[0] + 0.5*rng.NormFloat64()}, nil
		}, "generation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := toyConfig(6)
			c.Model = tc.model
			r, err := Run(context.Background(), c)
			if !errors.Is(err, ErrModel) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "attempt") {
				t.Fatalf("error %v, want ErrModel mentioning %q and the attempt", err, tc.want)
			}
			if r == nil || !r.Partial || r.Stop != StopError {
				t.Errorf("result %+v, want partial with StopError", r)
			}
			if tc.name == "error" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the model's error", err)
			}
		})
	}
}

// TestDegenerate checks that a population collapsed onto one point is
// reported as ErrDegenerate.
func TestDegenerate(t *testing.T) {
	t.Parallel()
	c := toyConfig(8)
	c.Params = []Param{{Name: "p", Prior: pointPrior{}}}
	r, err := Run(context.Background(), c)
	if !errors.Is(err, ErrDegenerate) || r == nil || len(r.Generations) != 1 {
		t.Errorf("error %v with %d generations, want ErrDegenerate after generation 0", err, len(r.Generations))
	}
}

// pointPrior puts all its mass on 0: legal, but no kernel can be built.
type pointPrior struct{}

func (pointPrior) LogProb(x float64) float64 {
	if x == 0 {
		return 0
	}
	return math.Inf(-1)
}
func (pointPrior) Rand(*rand.Rand) float64 { return 0 }
