package targets

import (
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/calibrate"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// Summarize aggregates the outcomes of R replications into one summary per
// target, in target order (see Statistics for each statistic's
// per-replication value and aggregation): the mean of the per-replication
// values, over the replications where the value is defined for conditional
// statistics (0 if it is defined for none). dst is reused if long enough.
// It panics if a target names an unknown statistic (Validate first).
func Summarize(ts []Target, outs []sim.Outcome, dst []float64) []float64 {
	if cap(dst) < len(ts) {
		dst = make([]float64, len(ts))
	}
	dst = dst[:len(ts)]
	for k := range ts {
		t := &ts[k]
		st, ok := stats[t.Statistic]
		if !ok {
			panic("targets: unknown statistic " + t.Statistic)
		}
		sum, n := 0.0, 0
		for i := range outs {
			if v, ok := st.value(&outs[i], t); ok {
				sum += v
				n++
			}
		}
		dst[k] = 0
		if n > 0 {
			dst[k] = sum / float64(n)
		}
	}
	return dst
}

// Model is a targets file bound to a scenario and a list of calibrated
// parameters: a calibrate.Model whose parameter vector sets those scenario
// fields and whose summaries are the targets' statistics over R
// replications.
type Model struct {
	file    *File
	base    sim.Arm
	params  []Param
	setters []mc.Param[sim.Arm]
}

// Bind binds f to the base scenario sc (not modified) and the calibrated
// parameters params (nil: f.Params). It returns an error naming the field
// and value if no parameter is given, a parameter path is unknown, a range
// end is not a valid value of its field, or a target's window exceeds the
// scenario's horizon (time statistics are restricted means and need every
// replication observed up to the window).
func Bind(f *File, sc *sim.Scenario, params []Param) (*Model, error) {
	if f == nil || sc == nil {
		panic("targets: Bind with a nil file or scenario")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if params == nil {
		params = f.Params
	}
	if len(params) == 0 {
		return nil, fmt.Errorf("targets: no parameter to calibrate: give params in the file or on the command line")
	}
	for i, t := range f.Targets {
		if t.Window > sc.Horizon {
			return nil, &FieldError{Path: fmt.Sprintf("targets[%d].window", i), Value: t.Window,
				Allowed: fmt.Sprintf("at most the scenario's horizon %d", sc.Horizon)}
		}
	}
	base, err := sim.SweepBase(sim.Arm{Scenario: sc})
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	m := &Model{file: f, base: base, params: append([]Param(nil), params...)}
	seen := map[string]bool{}
	for i, q := range params {
		if seen[q.Name] {
			return nil, &FieldError{Path: fmt.Sprintf("params[%d].name", i), Value: q.Name, Allowed: "each parameter once"}
		}
		seen[q.Name] = true
		if !finite(q.Lo) || !finite(q.Hi) || !(q.Lo < q.Hi) {
			return nil, &FieldError{Path: fmt.Sprintf("params[%d] (%s)", i, q.Name), Value: fmt.Sprintf("%v:%v", q.Lo, q.Hi), Allowed: "finite lo < hi"}
		}
		sp, err := sim.SweepParam(q.Name, q.Lo, q.Hi)
		if err != nil {
			return nil, fmt.Errorf("targets: params[%d]: %w", i, err)
		}
		for _, v := range []float64{q.Lo, q.Hi} {
			a := m.base
			if err := sp.Set(&a, v); err != nil {
				return nil, fmt.Errorf("targets: params[%d] %s = %v: %w", i, q.Name, v, err)
			}
			if err := a.Scenario.Validate(); err != nil {
				return nil, fmt.Errorf("targets: params[%d] %s = %v is not a valid value:\n%w", i, q.Name, v, err)
			}
		}
		m.setters = append(m.setters, sp)
	}
	return m, nil
}

// File returns the bound targets file.
func (m *Model) File() *File { return m.file }

// Params returns the calibrated parameters with their uniform priors, in
// the order of the parameter vector.
func (m *Model) Params() []calibrate.Param {
	out := make([]calibrate.Param, len(m.params))
	for i, q := range m.params {
		out[i] = calibrate.Param{Name: q.Name, Prior: calibrate.Uniform{Lo: q.Lo, Hi: q.Hi}}
	}
	return out
}

// Ranges returns the calibrated parameters as given to Bind.
func (m *Model) Ranges() []Param { return append([]Param(nil), m.params...) }

// Arm returns the base arm with the calibrated fields set to theta (integer
// fields rounded); the base scenario is not modified.
func (m *Model) Arm(theta []float64) (sim.Arm, error) {
	if len(theta) != len(m.setters) {
		return sim.Arm{}, fmt.Errorf("targets: %d parameter values for %d parameters", len(theta), len(m.setters))
	}
	a := m.base
	for k, sp := range m.setters {
		if err := sp.Set(&a, theta[k]); err != nil {
			return sim.Arm{}, fmt.Errorf("targets: %s = %v: %w", sp.Name, theta[k], err)
		}
	}
	return a, nil
}

// Simulate implements calibrate.Model: it sets the calibrated fields to
// theta, runs File.Replications replications of the scenario under its
// policy, all drawing from rng in turn, and returns Summarize of their
// outcomes. It is safe for concurrent use.
func (m *Model) Simulate(theta []float64, rng *rand.Rand) ([]float64, error) {
	outs, err := m.Outcomes(theta, m.file.Replications, rng)
	if err != nil {
		return nil, err
	}
	return Summarize(m.file.Targets, outs, nil), nil
}

// Outcomes runs r replications of the scenario at theta, drawing from rng,
// and returns their outcomes.
func (m *Model) Outcomes(theta []float64, r int, rng *rand.Rand) ([]sim.Outcome, error) {
	a, err := m.Arm(theta)
	if err != nil {
		return nil, err
	}
	rep, err := sim.NewReplication(a.Scenario, a.Policy)
	if err != nil {
		return nil, fmt.Errorf("targets: at %v: %w", theta, err)
	}
	outs := make([]sim.Outcome, r)
	for i := range outs {
		outs[i] = rep.Run(rng, nil)
	}
	return outs, nil
}
