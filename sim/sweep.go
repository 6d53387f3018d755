package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/backchannel-sim/backchannel/mc"
)

// SweepParam returns a design parameter over arms for a scenario field or a
// policy parameter, named by its path in the scenario file:
//
//	"leaks.insiders", "talks.front_min_trust", "mediator.security",
//	"parties.negotiator.cost_rate"      (every party)
//	"parties[1].negotiator.cost_rate"   (one party)
//	"spoilers.capability"               (every spoiler)
//	"policy.reliance"                   (sets the policy to Reliance{P})
//	"policy.switch_trust"               (sets it to BackThenFront{T})
//
// The path is resolved once, here, to a typed setter; Set clones the arm's
// scenario before writing, so the base arm is never modified. Integer
// fields round the value; boolean fields take v ≥ 0.5 as true.
func SweepParam(name string, lo, hi float64) (mc.Param[Arm], error) {
	p := mc.Param[Arm]{Name: name, Lo: lo, Hi: hi}
	switch name {
	case "policy.reliance":
		p.Set = func(a *Arm, v float64) error { a.Policy = Reliance{P: v}; a.Label = a.Policy.Name(); return nil }
		return p, nil
	case "policy.switch_trust":
		p.Set = func(a *Arm, v float64) error {
			a.Policy = BackThenFront{Threshold: v}
			a.Label = a.Policy.Name()
			return nil
		}
		return p, nil
	}
	steps, kind, err := resolvePath(reflect.TypeFor[Scenario](), name)
	if err != nil {
		return p, err
	}
	p.Integer = kind == reflect.Int
	if p.Integer {
		p.Lo, p.Hi = math.Round(lo), math.Round(hi)
	}
	p.Set = func(a *Arm, v float64) error {
		if a.Scenario == nil {
			return fmt.Errorf("sim: sweep parameter %q: the arm has no scenario", name)
		}
		a.Scenario = a.Scenario.Clone()
		return setPath(reflect.ValueOf(a.Scenario).Elem(), steps, v, name)
	}
	return p, nil
}

// step is one resolved path element: a struct field, or every element
// (index −1) or one element of a slice.
type step struct {
	field int
	slice bool
	index int
}

func resolvePath(t reflect.Type, path string) ([]step, reflect.Kind, error) {
	var steps []step
	parts := strings.Split(path, ".")
	for _, part := range parts {
		name, idx, hasIdx := strings.Cut(part, "[")
		if t.Kind() != reflect.Struct {
			return nil, 0, fmt.Errorf("sim: sweep parameter %q: %q is not a group of fields", path, name)
		}
		f, ok := fieldByTag(t, name)
		if !ok {
			return nil, 0, fmt.Errorf("sim: sweep parameter %q: no field %q; known: %s", path, name, strings.Join(tagNames(t), ", "))
		}
		steps = append(steps, step{field: f.Index[0]})
		t = f.Type
		if t.Kind() == reflect.Slice {
			i := -1
			if hasIdx {
				n, err := fmt.Sscanf(strings.TrimSuffix(idx, "]"), "%d", &i)
				if err != nil || n != 1 || i < 0 {
					return nil, 0, fmt.Errorf("sim: sweep parameter %q: bad index in %q", path, part)
				}
			}
			steps = append(steps, step{slice: true, index: i})
			t = t.Elem()
		} else if hasIdx {
			return nil, 0, fmt.Errorf("sim: sweep parameter %q: %q is not a list", path, name)
		}
	}
	switch k := t.Kind(); k {
	case reflect.Float64, reflect.Int, reflect.Bool:
		return steps, k, nil
	}
	return nil, 0, fmt.Errorf("sim: sweep parameter %q: not a number or a switch (%s)", path, t)
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tagNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" {
			out = append(out, tag)
		}
	}
	sort.Strings(out)
	return out
}

// setPath writes x at the resolved path; an index past the end of a list
// is an error naming the path and the list's length (never skipped).
func setPath(v reflect.Value, steps []step, x float64, path string) error {
	if len(steps) == 0 {
		switch v.Kind() {
		case reflect.Float64:
			v.SetFloat(x)
		case reflect.Int:
			v.SetInt(int64(math.Round(x)))
		case reflect.Bool:
			v.SetBool(x >= 0.5)
		}
		return nil
	}
	s := steps[0]
	if !s.slice {
		return setPath(v.Field(s.field), steps[1:], x, path)
	}
	if s.index >= 0 {
		if s.index >= v.Len() {
			return &FieldError{Path: path, Value: fmt.Sprintf("index %d", s.index),
				Allowed: fmt.Sprintf("an index below %d: index out of range (the list has %d elements)", v.Len(), v.Len())}
		}
		return setPath(v.Index(s.index), steps[1:], x, path)
	}
	for i := range v.Len() {
		if err := setPath(v.Index(i), steps[1:], x, path); err != nil {
			return err
		}
	}
	return nil
}

// SweepPoint is the result of one design point of RunSweep.
type SweepPoint = mc.PointResult[Arm, RepOutcome, *StudySummary]

// SweepBase returns base as RunSweep runs it: the policy set (the
// scenario's if nil) and the label set (the policy's name if empty). It
// returns an error if base has no scenario or an unknown policy name.
func SweepBase(base Arm) (Arm, error) {
	if base.Scenario == nil {
		return base, errors.New("sim: sweep: base arm has no scenario")
	}
	if base.Policy == nil {
		p, err := ParsePolicy(base.Scenario.Policy)
		if err != nil {
			return base, err
		}
		base.Policy = p
	}
	if base.Label == "" {
		base.Label = base.Policy.Name()
	}
	return base, nil
}

// ValidateSweep applies and validates every point of d on base, as
// RunSweep would before running it, and returns the first invalid point's
// error (wrapping a *FieldError for a value outside a field's allowed
// range), so that every shard of a sweep fails the same way.
func ValidateSweep(d *mc.Design[Arm], base Arm) error {
	if d == nil {
		return errors.New("sim: sweep: nil design")
	}
	for j := range d.Points {
		a, err := d.Apply(j, base)
		if err != nil {
			return err
		}
		if err := a.Scenario.Validate(); err != nil {
			return fmt.Errorf("sim: design point %d: %w", j, err)
		}
		if err := validatePolicy(a.Policy); err != nil {
			return fmt.Errorf("sim: design point %d: %w", j, err)
		}
	}
	return nil
}

// RunSweep runs the points [lo, hi) of a design over arms derived from
// base (0 and len(d.Points) for the whole design; a shard of a sweep runs
// a sub-range and gets exactly the whole sweep's points). Each point is a
// one-arm study without trajectories, with its own seed stream (see
// mc.RunDesign). An invalid point (a value outside a field's allowed
// range) stops the sweep with the validation error.
func RunSweep(ctx context.Context, cfg mc.RunConfig, d *mc.Design[Arm], base Arm, lo, hi int) ([]SweepPoint, error) {
	base, err := SweepBase(base)
	if err != nil {
		return nil, err
	}
	proto := &Study{Arms: []Arm{base}}
	return mc.RunDesign(ctx, cfg, d, lo, hi, base,
		func(a Arm) (mc.Replicator[RepOutcome], error) {
			if err := a.Scenario.Validate(); err != nil {
				return nil, err
			}
			return (&Study{Arms: []Arm{a}}).newReplicator(false)
		}, func() *StudySummary { return proto.newSummary(false) })
}
