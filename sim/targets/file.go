package targets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	"go.yaml.in/yaml/v3"

	"github.com/backchannel-sim/backchannel/internal/check"
	"github.com/backchannel-sim/backchannel/sim"
)

// DefaultReplications is the default File.Replications.
const DefaultReplications = 20

// File is a case's targets file: what was observed, how much each
// observation counts, where it comes from, and which scenario parameters
// may be calibrated against it, over which prior ranges.
type File struct {
	// Case names the case, for outputs.
	Case string `yaml:"case"`
	// Description says what the targets are, in a sentence or two.
	Description string `yaml:"description"`
	// Replications is R, the number of replications per particle whose
	// outcomes are aggregated into the summaries (means and shares);
	// 0 means DefaultReplications; range [1, 100000].
	Replications int `yaml:"replications"`
	// Targets are the observations; at least one.
	Targets []Target `yaml:"targets"`
	// Params are the parameters calibrated by default, with uniform
	// priors; may be empty when the caller supplies them.
	Params []Param `yaml:"params"`
}

// Target is one observation of the case.
type Target struct {
	// Name identifies the target in outputs; unique within the file.
	Name string `yaml:"name"`
	// Statistic names the summary statistic (see Statistics).
	Statistic string `yaml:"statistic"`
	// Window is the window in weeks (rounds) for the statistics that need
	// one; range [1, 100000]; must be 0 for the others.
	Window int `yaml:"window"`
	// Side is the side (0 or 1) for the statistics that read one side.
	Side int `yaml:"side"`
	// Observed is the value observed in the case, on the statistic's
	// scale: 0 or 1 for an event that did or did not happen, a share in
	// [0, 1], a count, or weeks in [0, Window].
	Observed float64 `yaml:"observed"`
	// Weight is w_k in the distance; finite ≥ 0; absent means 1. A weight of
	// 0 keeps the target in the posterior-predictive check but out of the
	// fit.
	Weight *float64 `yaml:"weight"`
	// Scale is the spread c_k the difference is divided by (a tolerance:
	// the difference that counts as one unit of distance); finite > 0.
	// Either every target gives one or none does; when none does, the
	// spreads are estimated from the prior-predictive simulations.
	Scale float64 `yaml:"scale"`
	// Source cites where the observation comes from; required.
	Source string `yaml:"source"`
	// Note explains how the record was read into the value.
	Note string `yaml:"note"`
}

// Param is one calibrated scenario parameter with a uniform prior on
// [Lo, Hi].
type Param struct {
	// Name is the field path as accepted by sim.SweepParam, for example
	// "leaks.base_hazard" or "parties.negotiator.concession_rate".
	Name string `yaml:"name"`
	// Lo and Hi bound the uniform prior; finite, Lo < Hi, and both valid
	// values of the field (checked by Bind).
	Lo float64 `yaml:"lo"`
	Hi float64 `yaml:"hi"`
	// Why says where the range comes from.
	Why string `yaml:"why"`
}

// WeightOf returns t's weight: *Weight, or 1 if absent.
func (t *Target) WeightOf() float64 {
	if t.Weight == nil {
		return 1
	}
	return *t.Weight
}

// Parse decodes a targets file from strict YAML (JSON is YAML): unknown
// keys are an error naming the key and its line. The result is validated,
// so the returned error lists every invalid value. Replications is set to
// DefaultReplications when absent.
func Parse(data []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("targets: empty file")
		}
		return nil, fmt.Errorf("targets: %w", err)
	}
	if f.Replications == 0 {
		f.Replications = DefaultReplications
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate returns every problem of f at once (errors.Join of
// *sim.FieldError values naming the field path, the value and the allowed
// range), or nil. Parameter ranges are checked against the scenario by
// Bind, not here.
func (f *File) Validate() error {
	e := check.New("")
	e.IntRange("replications", f.Replications, 1, 100000)
	if len(f.Targets) == 0 {
		e.Add("targets", 0, "at least one target")
	}
	seen := map[string]bool{}
	scales := 0
	fitted := 0
	for i := range f.Targets {
		t := &f.Targets[i]
		p := fmt.Sprintf("targets[%d].", i)
		if t.Name == "" {
			e.Add(p+"name", `""`, "a non-empty name")
		} else if seen[t.Name] {
			e.Add(p+"name", t.Name, "unique within the file")
		}
		seen[t.Name] = true
		if t.Source == "" {
			e.Add(p+"source", `""`, "a citation of the record")
		}
		st, ok := stats[t.Statistic]
		if !ok {
			e.Add(p+"statistic", t.Statistic, "one of "+statNames())
			continue
		}
		if st.Window {
			e.IntRange(p+"window", t.Window, 1, 100000)
		} else if t.Window != 0 {
			e.Add(p+"window", t.Window, "0 (statistic "+t.Statistic+" takes no window)")
		}
		if st.Side {
			e.IntRange(p+"side", t.Side, 0, 1)
		} else if t.Side != 0 {
			e.Add(p+"side", t.Side, "0 (statistic "+t.Statistic+" reads no side)")
		}
		switch {
		case st.Proportion:
			e.Prob(p+"observed", t.Observed)
		case st.Window:
			e.Closed(p+"observed", t.Observed, 0, float64(t.Window))
		default:
			e.NonNeg(p+"observed", t.Observed)
		}
		if t.Weight != nil {
			e.NonNeg(p+"weight", *t.Weight)
		}
		if t.WeightOf() > 0 {
			fitted++
		}
		if t.Scale != 0 {
			e.Positive(p+"scale", t.Scale)
			scales++
		}
	}
	if len(f.Targets) > 0 && fitted == 0 {
		e.Add("targets[*].weight", 0, "at least one target with weight > 0")
	}
	if scales != 0 && scales != len(f.Targets) {
		e.Add("targets[*].scale", fmt.Sprintf("%d of %d given", scales, len(f.Targets)), "every target or none")
	}
	pseen := map[string]bool{}
	for i, q := range f.Params {
		p := fmt.Sprintf("params[%d].", i)
		if q.Name == "" {
			e.Add(p+"name", `""`, "a scenario field path (see sim.SweepParam)")
		} else if pseen[q.Name] {
			e.Add(p+"name", q.Name, "unique within the file")
		}
		pseen[q.Name] = true
		if !finite(q.Lo) || !finite(q.Hi) || !(q.Lo < q.Hi) {
			e.Add(p+"lo", fmt.Sprintf("%v:%v", q.Lo, q.Hi), "finite lo < hi")
		}
	}
	if err := e.Err(); err != nil {
		return fmt.Errorf("targets: invalid file:\n%w", err)
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Observed returns the observed values in target order.
func (f *File) Observed() []float64 {
	out := make([]float64, len(f.Targets))
	for i, t := range f.Targets {
		out[i] = t.Observed
	}
	return out
}

// Weights returns the weights in target order.
func (f *File) Weights() []float64 {
	out := make([]float64, len(f.Targets))
	for i := range f.Targets {
		out[i] = f.Targets[i].WeightOf()
	}
	return out
}

// Scales returns the targets' spreads in target order, or nil if none is
// given (the spreads are then estimated).
func (f *File) Scales() []float64 {
	if len(f.Targets) == 0 || f.Targets[0].Scale == 0 {
		return nil
	}
	out := make([]float64, len(f.Targets))
	for i, t := range f.Targets {
		out[i] = t.Scale
	}
	return out
}

// Names returns the target names in order.
func (f *File) Names() []string {
	out := make([]string, len(f.Targets))
	for i, t := range f.Targets {
		out[i] = t.Name
	}
	return out
}

// FieldError is the error type of one invalid field (an alias of
// sim.FieldError).
type FieldError = sim.FieldError
