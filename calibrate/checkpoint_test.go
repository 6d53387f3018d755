package calibrate

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestCheckpointResume checks that a run stopped after generation 2,
// checkpointed through JSON and resumed gives the same generations, bit for
// bit, as a run that was never interrupted.
func TestCheckpointResume(t *testing.T) {
	t.Parallel()
	for _, sched := range []Schedule{ScheduleQuantile, ScheduleESS} {
		t.Run(sched.String(), func(t *testing.T) {
			t.Parallel()
			full := twoParamConfig(11, 2)
			full.Schedule = sched
			want, err := Run(context.Background(), full)
			if err != nil {
				t.Fatal(err)
			}
			short := full
			short.MaxGenerations = 3
			first, err := Run(context.Background(), short)
			if err != nil {
				t.Fatal(err)
			}
			ck, err := first.Checkpoint()
			if err != nil {
				t.Fatal(err)
			}
			blob, err := json.Marshal(ck)
			if err != nil {
				t.Fatal(err)
			}
			var back Checkpoint
			if err := json.Unmarshal(blob, &back); err != nil {
				t.Fatal(err)
			}
			full.Workers = 3 // resuming on another machine size changes nothing
			got, err := Resume(context.Background(), full, &back)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Generations) != 6 {
				t.Fatalf("uninterrupted run has %d generations, want 6", len(want.Generations))
			}
			if !reflect.DeepEqual(got.Generations, want.Generations[2:]) {
				t.Errorf("resumed generations differ from the uninterrupted run's generations 2..5")
			}
			if got.Simulations != want.Simulations || got.Stop != want.Stop || got.Partial {
				t.Errorf("resumed: simulations %d stop %v partial %v, want %d %v false",
					got.Simulations, got.Stop, got.Partial, want.Simulations, want.Stop)
			}
		})
	}
}

// TestResumeMismatch checks that a checkpoint from another configuration is
// refused with an error naming the field.
func TestResumeMismatch(t *testing.T) {
	t.Parallel()
	cfg := twoParamConfig(5, 1)
	cfg.MaxGenerations = 2
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(c *Config, ck *Checkpoint)
		want   string
	}{
		{"seed", func(c *Config, _ *Checkpoint) { c.Seed = 6 }, "Seed = 5"},
		{"particles", func(c *Config, _ *Checkpoint) { c.Particles = 200 }, "want 200 of each"},
		{"observed", func(c *Config, _ *Checkpoint) { c.Observed = []float64{0, 1} }, "Observed"},
		{"names", func(c *Config, _ *Checkpoint) { c.Params[0].Name = "m" }, "Params"},
		{"version", func(_ *Config, ck *Checkpoint) { ck.Version = 9 }, "Version = 9"},
		{"weights", func(_ *Config, ck *Checkpoint) { ck.Last.Weights = make([]float64, len(ck.Last.Weights)) }, "weights sum to 0"},
		{"distance", func(_ *Config, ck *Checkpoint) { ck.Last.Distances[3] = ck.Last.Epsilon * 2 }, "distance 3"},
		{"scale", func(_ *Config, ck *Checkpoint) { ck.Distance.Scale = []float64{1, -1} }, "Scale[1] = -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ck, err := res.Checkpoint()
			if err != nil {
				t.Fatal(err)
			}
			blob, _ := json.Marshal(ck)
			var back Checkpoint
			if err := json.Unmarshal(blob, &back); err != nil {
				t.Fatal(err)
			}
			c := twoParamConfig(5, 1)
			tc.mutate(&c, &back)
			_, err = Resume(context.Background(), c, &back)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Resume error = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := Resume(context.Background(), cfg, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Resume(nil checkpoint) error = %v, want ErrInvalid", err)
	}
	if _, err := (&Result{}).Checkpoint(); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty Result.Checkpoint() error = %v, want ErrInvalid", err)
	}
}
