package explorerun

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/backchannel-sim/backchannel/explore"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// Design methods of a Spec.
const (
	MethodSobol  = "sobol"  // Saltelli design on the Sobol sequence, N(k+2) points
	MethodMorris = "morris" // Morris trajectories, r(k+1) points
	MethodLHS    = "lhs"    // Latin hypercube of N points
)

// DefaultWithin is the window of the breakthrough outputs: 260 rounds
// (weeks), five years.
const DefaultWithin = 260

// Range is one explored parameter with the reason for its range.
type Range struct {
	// Name is the scenario field's path (sim.SweepParam).
	Name string
	// Lo and Hi bound the range, sampled uniformly.
	Lo, Hi float64
	// Why says where the range comes from.
	Why string
}

// DefaultRanges returns the default exploration ranges of model 2.0.0:
// sixteen parameters, each around its documented default
// (sim.DefaultScenario) and inside its allowed range. Model 2.0.0 has no
// concession deadline; its concession rate, the pace of concessions, takes
// the deadline's place.
func DefaultRanges() []Range {
	return []Range{
		{"parties.negotiator.concession_rate", 0.03, 0.3, "default 0.1; the pace of concessions (model 2.0.0 has no deadline)"},
		{"parties.negotiator.initial_trust", 0.05, 0.5, "default 0.2; deep enmity to guarded trust"},
		{"parties.negotiator.gesture_rate", 0, 0.15, "default 0.05 per round; no gestures to three times the default"},
		{"ratification.prep_bonus", 0, 0.3, "default 0.15; no effect of preparedness to twice the default"},
		{"spoilers.progress_boost", 1, 8, "default 4: the spoilers' response to visible progress toward a deal; a quarter to twice"},
		{"ratification.vote_noise", 0, 0.15, "default 0.05; a predictable vote to three times the default mood shock"},
		{"leaks.base_hazard", 0.0002, 0.0015, "default 0.0006; a third to 2.5 times"},
		{"leaks.insiders", 3, 12, "default 6; 4-12 insiders (Steele 1989)"},
		{"talks.front_min_trust", 0.2, 0.5, "default 0.35; precondition for public talks"},
		{"parties.negotiator.cost_rate", 0.0005, 0.005, "default 0.002 per round; a quarter to 2.5 times (ripeness)"},
		{"parties.constituents.hawk_mean", 0.38, 0.58, "default 0.48; dovish to hawkish publics"},
		{"ratification.surprise_penalty", 0, 0.15, "default 0.05; none to three times"},
		{"spoilers.capability", 0.005, 0.08, "default 0.02; weak to strong spoilers (all factions)"},
		{"parties.negotiator.posturing", 0.5, 2, "default 1.75; allowed [0, 2]"},
		{"parties.negotiator.audience_cost", 0, 1.5, "default 0.5; no audience cost to three times"},
		{"parties.negotiator.signal_noise", 0.01, 0.2, "default 0.05; how much candid secret talks reveal"},
	}
}

// Spec is everything that determines an exploration's design and results.
// It is stored in every part file and hashed.
type Spec struct {
	// Method is MethodSobol, MethodMorris or MethodLHS.
	Method string `json:"method"`
	// Params are the explored parameters (scenario field paths); Integer
	// is set for integer fields.
	Params []explore.Param `json:"params"`
	// N is the number of base rows (Sobol) or points (LHS).
	N int `json:"n,omitempty"`
	// Trajectories and Levels configure a Morris design.
	Trajectories int `json:"trajectories,omitempty"`
	Levels       int `json:"levels,omitempty"`
	// Seed is the master seed: replications draw from
	// mc.ReplicationRand(Seed, r); random designs from DesignRand(Seed).
	Seed uint64 `json:"seed"`
	// Reps is the number of replications per point and policy.
	Reps int `json:"reps"`
	// Policy is the policy of interest, Baseline the compared one ("" for
	// none); both are sim.ParsePolicy names.
	Policy   string `json:"policy"`
	Baseline string `json:"baseline"`
	// Within is the window W of the breakthrough outputs, in rounds.
	Within int `json:"within"`
	// ImpasseK is the order k of repeated impasse in p_repeated_impasse:
	// the k-th impasse of the model's definition (docs/MODEL.md §7.18),
	// sim.DefaultImpasseK (2) by default, in 1..sim.MaxImpasses. It also
	// versions the definition: parts written before the model defined
	// impasse (which counted breakdowns + leaks + failed ratifications)
	// have no impasse_k and are refused (ErrIncompatible).
	ImpasseK int `json:"impasse_k"`
	// Scenario is the base scenario as JSON (json.Marshal of a
	// *sim.Scenario).
	Scenario json.RawMessage `json:"scenario"`
}

// noImpasseK explains a spec without impasse_k.
const noImpasseK = "the spec has no order of repeated impasse, so its p_repeated_impasse counted breakdowns + leaks + failed ratifications, not the model's impasses (docs/MODEL.md §7.18); run the design again"

// DesignRand returns the generator of a random design (Morris, LHS):
// replication 0 of the stream StreamSeed(seed, 2⁶⁴−1), which no
// replication uses.
func DesignRand(seed uint64) *rand.Rand {
	return mc.ReplicationRand(mc.StreamSeed(seed, math.MaxUint64), 0)
}

// BootstrapRand returns the generator of the bootstrap of output number i.
func BootstrapRand(seed uint64, i int) *rand.Rand {
	return mc.ReplicationRand(mc.StreamSeed(seed, math.MaxUint64-1), uint64(i))
}

// NewSpec returns a spec over sc with the given ranges; the caller sets
// the method and its sizes. Integer fields are detected from the
// scenario's types.
func NewSpec(sc *sim.Scenario, ranges []Range) (Spec, error) {
	raw, err := json.Marshal(sc)
	if err != nil {
		return Spec{}, err
	}
	sp := Spec{Scenario: raw, Policy: sc.Policy, Baseline: "front-only", Within: DefaultWithin, ImpasseK: sim.DefaultImpasseK, Seed: 1}
	for _, r := range ranges {
		p, err := paramFor(r.Name, r.Lo, r.Hi)
		if err != nil {
			return Spec{}, err
		}
		sp.Params = append(sp.Params, explore.Param{Name: r.Name, Lo: p.Lo, Hi: p.Hi, Integer: p.Integer})
	}
	return sp, nil
}

func paramFor(name string, lo, hi float64) (mc.Param[sim.Arm], error) {
	if strings.HasPrefix(name, "policy.") {
		return mc.Param[sim.Arm]{}, fmt.Errorf("explore: parameter %q: policy parameters cannot be explored (the policies are fixed: --policy, --baseline)", name)
	}
	p, err := sim.SweepParam(name, lo, hi)
	if err != nil {
		return p, err
	}
	if !(p.Lo < p.Hi) {
		return p, fmt.Errorf("explore: parameter %q: range [%g, %g]: want lo < hi", name, lo, hi)
	}
	return p, nil
}

// Hash returns the SHA-256, in hex, of the spec's canonical JSON.
func (sp *Spec) Hash() (string, error) {
	b, err := json.Marshal(sp)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Model is a Spec made ready to run: the parsed scenario and policies,
// the design and the setters of the parameters.
type Model struct {
	Spec     Spec
	Scenario *sim.Scenario
	Policies []sim.Policy // the policy, then the baseline if any
	Design   *explore.Design
	// Saltelli or Morris is set for those methods.
	Saltelli *explore.Saltelli
	Morris   *explore.Morris
	// Values holds the design points in model values.
	Values  [][]float64
	setters []mc.Param[sim.Arm]
}

// NewModel checks sp and builds its design. Errors name the field, the
// value and the allowed range.
func NewModel(sp Spec) (*Model, error) {
	m := &Model{Spec: sp}
	sc, err := sim.ParseScenario(sp.Scenario)
	if err != nil {
		return nil, fmt.Errorf("explore: scenario: %w", err)
	}
	canon, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(canon, sp.Scenario) {
		m.Spec.Scenario = canon
	}
	m.Scenario = sc
	switch {
	case sp.Reps < 1:
		return nil, fmt.Errorf("explore: reps = %d: must be ≥ 1", sp.Reps)
	case sp.Within < 1:
		return nil, fmt.Errorf("explore: within = %d rounds: must be ≥ 1", sp.Within)
	case sp.ImpasseK == 0:
		return nil, fmt.Errorf("explore: %w: impasse_k = 0: %s", ErrIncompatible, noImpasseK)
	case sp.ImpasseK < 1 || sp.ImpasseK > sim.MaxImpasses:
		return nil, fmt.Errorf("explore: impasse_k = %d: must be in 1..%d", sp.ImpasseK, sim.MaxImpasses)
	case len(sp.Params) == 0:
		return nil, fmt.Errorf("explore: no parameters")
	}
	for _, name := range []string{sp.Policy, sp.Baseline} {
		if name == "" {
			continue
		}
		p, err := sim.ParsePolicy(name)
		if err != nil {
			return nil, fmt.Errorf("explore: %w", err)
		}
		m.Policies = append(m.Policies, p)
	}
	if sp.Policy == "" {
		return nil, fmt.Errorf("explore: no policy")
	}
	space := explore.Space(sp.Params)
	if err := space.Validate(); err != nil {
		return nil, err
	}
	for _, p := range sp.Params {
		s, err := paramFor(p.Name, p.Lo, p.Hi)
		if err != nil {
			return nil, err
		}
		if s.Integer != p.Integer {
			return nil, fmt.Errorf("explore: parameter %q: integer = %v, but the field is %s", p.Name, p.Integer, map[bool]string{true: "an integer", false: "not an integer"}[s.Integer])
		}
		m.setters = append(m.setters, s)
	}
	switch sp.Method {
	case MethodSobol:
		if sp.N < 2 {
			return nil, fmt.Errorf("explore: sobol: n = %d base samples: must be ≥ 2 (a power of two keeps the Sobol net)", sp.N)
		}
		s, err := explore.NewSaltelli(space, sp.N, explore.SaltelliOptions{})
		if err != nil {
			return nil, err
		}
		m.Saltelli, m.Design = s, &s.Design
	case MethodMorris:
		if sp.Trajectories < 2 {
			return nil, fmt.Errorf("explore: morris: trajectories = %d: must be ≥ 2", sp.Trajectories)
		}
		if sp.Levels < 2 || sp.Levels%2 != 0 {
			return nil, fmt.Errorf("explore: morris: levels = %d: must be an even number ≥ 2", sp.Levels)
		}
		mo, err := explore.NewMorris(space, sp.Trajectories, sp.Levels, DesignRand(sp.Seed))
		if err != nil {
			return nil, err
		}
		m.Morris, m.Design = mo, &mo.Design
	case MethodLHS:
		if sp.N < 2 {
			return nil, fmt.Errorf("explore: lhs: n = %d points: must be ≥ 2", sp.N)
		}
		m.Design = &explore.Design{Space: space, Unit: latinHypercube(sp.N, len(space), DesignRand(sp.Seed))}
	default:
		return nil, fmt.Errorf("explore: method %q: want %s, %s or %s", sp.Method, MethodSobol, MethodMorris, MethodLHS)
	}
	m.Values = m.Design.Values()
	return m, nil
}

// latinHypercube returns n points in [0, 1)^k, each coordinate taking one
// point in each of the n strata [i/n, (i+1)/n), uniformly within it.
func latinHypercube(n, k int, rng *rand.Rand) [][]float64 {
	back := make([]float64, n*k)
	out := make([][]float64, n)
	for i := range out {
		out[i] = back[i*k : (i+1)*k]
	}
	for j := range k {
		perm := rng.Perm(n)
		for i := range n {
			out[i][j] = (float64(perm[i]) + rng.Float64()) / float64(n)
		}
	}
	return out
}

// Len returns the number of design points.
func (m *Model) Len() int { return len(m.Values) }

// Arm returns the scenario of design point j: the base scenario with the
// point's values set, validated.
func (m *Model) Arm(j int) (*sim.Scenario, error) {
	a := sim.Arm{Scenario: m.Scenario, Policy: m.Policies[0]}
	for i, s := range m.setters {
		if err := s.Set(&a, m.Values[j][i]); err != nil {
			return nil, fmt.Errorf("explore: point %d: %s = %g: %w", j, s.Name, m.Values[j][i], err)
		}
	}
	if err := a.Scenario.Validate(); err != nil {
		return nil, fmt.Errorf("explore: point %d: %w", j, err)
	}
	return a.Scenario, nil
}

// Validate checks every design point, so that every shard of a design
// fails alike on an invalid one.
func (m *Model) Validate() error {
	for j := range m.Values {
		if _, err := m.Arm(j); err != nil {
			return err
		}
	}
	return nil
}
