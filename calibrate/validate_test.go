package calibrate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestConfigValidate checks that each bad field is reported with its name,
// value and allowed range, and that all problems are reported at once.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name string
		set  func(c *Config)
		want []string
	}{
		{"no params", func(c *Config) { c.Params = nil }, []string{"Params is empty"}},
		{"nil prior", func(c *Config) { c.Params = []Param{{Name: "x"}} }, []string{`Params[0] ("x").Prior is nil`}},
		{"bad uniform", func(c *Config) { c.Params[0].Prior = Uniform{Lo: 2, Hi: 1} }, []string{`Params[0] ("mu")`, "[2, 1]", "Lo < Hi"}},
		{"bad beta", func(c *Config) { c.Params[0].Prior = Beta{Alpha: -1, Beta: nan, Lo: 0, Hi: 1} },
			[]string{"Beta.Alpha = -1", "Beta.Beta = NaN"}},
		{"nil model", func(c *Config) { c.Model = nil }, []string{"Model is nil"}},
		{"no observed", func(c *Config) { c.Observed = nil; c.Scale = nil }, []string{"Observed is empty"}},
		{"nan observed", func(c *Config) { c.Observed = []float64{nan} }, []string{"Observed[0] = NaN"}},
		{"weights length", func(c *Config) { c.Weights = []float64{1, 1} }, []string{"Config.Weights has 2 entries: want 1"}},
		{"weights negative", func(c *Config) { c.Weights = []float64{-1} }, []string{"Config.Weights[0] = -1"}},
		{"weights zero", func(c *Config) { c.Weights = []float64{0} }, []string{"all zero"}},
		{"scale", func(c *Config) { c.Scale = []float64{0} }, []string{"Scale[0] = 0: want finite > 0"}},
		{"scale length", func(c *Config) { c.Scale = []float64{1, 1} }, []string{"Scale has 2 entries"}},
		{"particles", func(c *Config) { c.Particles = 1 }, []string{"Particles = 1: want ≥ 2"}},
		{"schedule", func(c *Config) { c.Schedule = 7 }, []string{"Schedule = 7"}},
		{"alpha", func(c *Config) { c.Alpha = 1 }, []string{"Alpha = 1: want in (0, 1)"}},
		{"kernel", func(c *Config) { c.Kernel = -1 }, []string{"Kernel = -1"}},
		{"final eps", func(c *Config) { c.FinalEpsilon = -0.1 }, []string{"FinalEpsilon = -0.1"}},
		{"min acceptance", func(c *Config) { c.MinAcceptance = 1 }, []string{"MinAcceptance = 1: want in [0, 1)"}},
		{"budget", func(c *Config) { c.MaxSimulations = -1 }, []string{"MaxSimulations = -1"}},
		{"generations", func(c *Config) { c.MaxGenerations = -2 }, []string{"MaxGenerations = -2"}},
		{"attempts", func(c *Config) { c.MaxAttempts = -3 }, []string{"MaxAttempts = -3"}},
		{"several", func(c *Config) { c.Particles = 0; c.Alpha = -1; c.Model = nil },
			[]string{"Particles = 0", "Alpha = -1", "Model is nil"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := toyConfig(1)
			tc.set(&c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
			if res, err := Run(context.Background(), c); res != nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("Run = %v, %v, want nil, ErrInvalid", res, err)
			}
		})
	}
	c := toyConfig(1)
	if err := c.Validate(); err != nil {
		t.Errorf("valid config: Validate() = %v", err)
	}
}

// TestConstantSummary checks that a summary that does not vary over the
// prior predictive is refused with advice, not divided by zero.
func TestConstantSummary(t *testing.T) {
	t.Parallel()
	c := toyConfig(2)
	c.Scale = nil
	c.Model = ModelFunc(func(th []float64, _ *rand.Rand) ([]float64, error) { return []float64{4}, nil })
	r, err := Run(context.Background(), c)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "summary 0 is constant") || r == nil || !r.Partial {
		t.Errorf("Run = %v, %v, want a partial result and ErrInvalid naming the constant summary", r, err)
	}
}
