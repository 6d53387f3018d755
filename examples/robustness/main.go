// Command robustness asks whether the model's stylized facts are produced
// by its mechanisms or by a lucky choice of defaults. It samples scenarios
// by Latin hypercube (McKay, Beckman & Conover 1979) with every numeric
// parameter within ±30% of its default (clamped to its valid range; both
// parties and all spoilers share each draw), computes facts 1-8 on each
// scenario with package internal/facts, and reports the share of scenarios
// in which each fact holds, with a Wilson interval. A knockout table then
// switches single mechanisms off at the defaults and shows which fact each
// one carries.
//
//	go run ./examples/robustness [--scenarios 64] [--reps 400] [--seed 1] [--margin 2] [--workers 0]
//
// A fact holds in a scenario when every one of its checks exceeds --margin
// standard errors of its paired comparison at --reps replications per arm.
// The margin is lower than the tests' 4 SE because each scenario uses fewer
// replications; the knockout table reports z itself. See README.md.
package main

import (
	"flag"
	"fmt"
	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strings"

	"github.com/backchannel-sim/backchannel/internal/facts"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// config is the study's size.
type config struct {
	scenarios, reps, workers int
	seed                     uint64
	margin, spread           float64
}

func main() {
	var c config
	flag.IntVar(&c.scenarios, "scenarios", 64, "Latin hypercube scenarios")
	flag.IntVar(&c.reps, "reps", 400, "replications per arm and fact")
	flag.Uint64Var(&c.seed, "seed", 1, "master seed")
	flag.Float64Var(&c.margin, "margin", 2, "standard errors a check must exceed for a fact to hold")
	flag.Float64Var(&c.spread, "spread", 0.3, "relative half-width of the sampling box around each default")
	flag.IntVar(&c.workers, "workers", 0, "parallel scenarios (0: GOMAXPROCS)")
	flag.Parse()
	if err := run(os.Stdout, c); err != nil {
		fmt.Fprintln(os.Stderr, "robustness:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, c config) error {
	if c.scenarios < 1 || c.reps < 2 || c.margin <= 0 || c.spread <= 0 || c.spread >= 1 {
		return fmt.Errorf("need scenarios ≥ 1, reps ≥ 2, margin > 0, spread in (0,1); got %d, %d, %g, %g", c.scenarios, c.reps, c.margin, c.spread)
	}
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	dims := dimensions(sim.DefaultScenario())
	scs, err := sample(dims, c)
	if err != nil {
		return err
	}
	res := make([][]facts.Result, len(scs))
	errs := make([]error, len(scs))
	studykit.ParallelFor(len(scs), c.workers, func(k int) {
		res[k], errs[k] = facts.All(scs[k], facts.Config{Reps: c.reps, Seed: c.seed + uint64(k) + 1})
	})
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("scenario %d: %w", k, err)
		}
	}
	fmt.Fprintf(w, "## Facts across %d Latin hypercube scenarios (±%.0f%% of every default, %d parameters)\n\n", len(scs), 100*c.spread, len(dims))
	fmt.Fprintf(w, "%d replications per arm; a fact holds when every check exceeds %g SE.\n\n", c.reps, c.margin)
	fmt.Fprintln(w, "| Fact | Holds in | Share | 95% Wilson interval | Median of min z |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for f := range res[0] {
		k := 0
		zs := make([]float64, 0, len(res))
		for _, r := range res {
			if r[f].Holds(c.margin) {
				k++
			}
			zs = append(zs, r[f].MinZ())
		}
		iv, err := metrics.Wilson(k, len(res), 0.95)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "| %d %s | %d of %d | %.2f | [%.2f, %.2f] | %.1f |\n", res[0][f].Fact, res[0][f].Name, k, len(res), float64(k)/float64(len(res)), iv.Lo, iv.Hi, median(zs))
	}
	fmt.Fprintln(w)
	return knockouts(w, c)
}

// knockout switches one mechanism off at the defaults.
type knockout struct {
	name string
	why  string
	set  func(*sim.Scenario)
}

func knockouts(w io.Writer, c config) error {
	kos := knockoutList()
	res := make([][]facts.Result, len(kos))
	errs := make([]error, len(kos))
	studykit.ParallelFor(len(kos), c.workers, func(k int) {
		sc := sim.DefaultScenario()
		kos[k].set(sc)
		res[k], errs[k] = facts.All(sc, facts.Config{Reps: c.reps, Seed: c.seed})
	})
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("knockout %q: %w", kos[k].name, err)
		}
	}
	fmt.Fprintf(w, "## Knockouts at the defaults (smallest z over each fact's checks; %d replications per arm)\n\n", c.reps)
	fmt.Fprint(w, "| Mechanism switched off |")
	for f := range res[0] {
		fmt.Fprintf(w, " %d |", res[0][f].Fact)
	}
	fmt.Fprint(w, " Literature |\n|---|")
	for range res[0] {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w, "---|")
	for k, ko := range kos {
		fmt.Fprintf(w, "| %s |", ko.name)
		for _, r := range res[k] {
			fmt.Fprintf(w, " %s |", zString(r.MinZ()))
		}
		fmt.Fprintf(w, " %s |\n", ko.why)
	}
	return nil
}

func zString(z float64) string {
	switch {
	case math.IsInf(z, 1):
		return "exact"
	case math.IsNaN(z):
		return "n/a"
	}
	return fmt.Sprintf("%.1f", z)
}

func parties(f func(n *sim.Party)) func(*sim.Scenario) {
	return func(s *sim.Scenario) {
		for i := range s.Parties {
			f(&s.Parties[i])
		}
	}
}

func knockoutList() []knockout {
	return []knockout{
		{"none (defaults)", "—", func(*sim.Scenario) {}},
		{"audience costs (posturing 0, audience_cost 0)", "Carnevale et al. 1979; Fearon 1994; Stasavage 2004", parties(func(p *sim.Party) {
			p.Negotiator.Posturing, p.Negotiator.AudienceCost = 0, 0
		})},
		{"front-channel precondition (front_min_trust 0)", "Wanis-St. John 2006", func(s *sim.Scenario) { s.Talks.FrontMinTrust = 0 }},
		{"audience costs and precondition", "both of the above", func(s *sim.Scenario) {
			s.Talks.FrontMinTrust = 0
			parties(func(p *sim.Party) { p.Negotiator.Posturing, p.Negotiator.AudienceCost = 0, 0 })(s)
		}},
		{"candour (bluff 0)", "Stasavage 2004", parties(func(p *sim.Party) { p.Negotiator.Bluff = 0 })},
		{"ripeness (readiness_per_cost 0, reservation_per_cost 0)", "Zartman 2000; Pruitt 1997", parties(func(p *sim.Party) {
			p.Negotiator.ReadinessPerCost, p.Negotiator.ReservationPerCost = 0, 0
		})},
		{"reciprocity 0", "Axelrod 1984", parties(func(p *sim.Party) { p.Negotiator.Reciprocity = 0 })},
		{"surprise and preparedness (surprise_penalty 0, prep_bonus 0)", "Wanis-St. John 2006; Putnam 1988", func(s *sim.Scenario) {
			s.Ratification.SurprisePenalty, s.Ratification.PrepBonus = 0, 0
		}},
		{"revelation penalty (approval_penalty 0)", "Juhl & Hilpert 2021", func(s *sim.Scenario) { s.Leaks.ApprovalPenalty = 0 }},
		{"repetition costs (insiders_per_channel 0, suspicion 0, continue_exposures 0)", "Wanis-St. John 2011; Steele 1989", func(s *sim.Scenario) {
			s.Leaks.InsidersPerChannel, s.Ratification.Suspicion, s.Talks.ContinueExposures = 0, 0, 0
		}},
		{"spoilers' progress timing (progress_boost 0)", "Kydd & Walter 2002", func(s *sim.Scenario) {
			for k := range s.Spoilers {
				s.Spoilers[k].ProgressBoost = 0
			}
		}},
		{"spoilers (none)", "Stedman 1997", func(s *sim.Scenario) { s.Spoilers = nil }},
		{"mediator's venue security (security 0)", "Beardsley et al. 2006", func(s *sim.Scenario) { s.Mediator.Security = 0 }},
		{"trust asymmetry (trust_asymmetry 1)", "Slovic 1993", parties(func(p *sim.Party) { p.Negotiator.TrustAsymmetry = 1 })},
	}
}

// dimension is one sampled parameter: a numeric field reached by path in
// every party (or every spoiler) at once.
type dimension struct {
	path string
	get  func(*sim.Scenario) []reflect.Value
}

// skipped fields: labels, switches, the horizon and the population size
// (which changes only the cost of a run), and the spoilers' identity.
var skipped = map[string]bool{
	"horizon": true, "size": true, "party": true, "type": true, "position": true,
	"enabled": true, "trust_model": true, "name": true, "policy": true,
}

// dimensions lists every numeric field of the scenario with a nonzero
// default, by JSON path.
func dimensions(sc *sim.Scenario) []dimension {
	var out []dimension
	var walk func(t reflect.Type, path string, get func(*sim.Scenario) []reflect.Value)
	walk = func(t reflect.Type, path string, get func(*sim.Scenario) []reflect.Value) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "" || tag == "-" || skipped[tag] {
				continue
			}
			p := tag
			if path != "" {
				p = path + "." + tag
			}
			idx := i
			sub := func(s *sim.Scenario) []reflect.Value {
				var vs []reflect.Value
				for _, v := range get(s) {
					vs = append(vs, v.Field(idx))
				}
				return vs
			}
			switch f.Type.Kind() {
			case reflect.Struct:
				walk(f.Type, p, sub)
			case reflect.Slice:
				el := f.Type.Elem()
				if el.Kind() != reflect.Struct {
					continue
				}
				walk(el, p+"[*]", func(s *sim.Scenario) []reflect.Value {
					var vs []reflect.Value
					for _, v := range sub(s) {
						for j := range v.Len() {
							vs = append(vs, v.Index(j))
						}
					}
					return vs
				})
			case reflect.Float64, reflect.Int:
				vs := sub(sc)
				if len(vs) == 0 || isZero(vs[0]) {
					continue
				}
				out = append(out, dimension{path: p, get: sub})
			}
		}
	}
	walk(reflect.TypeOf(*sc), "", func(s *sim.Scenario) []reflect.Value {
		return []reflect.Value{reflect.ValueOf(s).Elem()}
	})
	return out
}

func isZero(v reflect.Value) bool {
	if v.Kind() == reflect.Int {
		return v.Int() == 0
	}
	return v.Float() == 0
}

// sample draws c.scenarios Latin hypercube points: in every dimension the
// unit interval is cut into n strata, each used once in a random order, and
// the point is uniform within its stratum; the unit value u maps to the
// factor 1 + spread·(2u − 1) on the default. A point whose scenario fails
// Validate has its offending values pulled halfway back toward the default,
// up to 20 times, and is rejected after that.
func sample(dims []dimension, c config) ([]*sim.Scenario, error) {
	rng := rand.New(rand.NewPCG(c.seed, 0x1a75))
	n := c.scenarios
	u := make([][]float64, len(dims))
	for d := range dims {
		perm := rng.Perm(n)
		u[d] = make([]float64, n)
		for k := range n {
			u[d][k] = (float64(perm[k]) + rng.Float64()) / float64(n)
		}
	}
	out := make([]*sim.Scenario, n)
	for k := range n {
		shrink := 1.0
		for try := 0; ; try++ {
			sc := sim.DefaultScenario()
			for d, dim := range dims {
				factor := 1 + shrink*c.spread*(2*u[d][k]-1)
				for _, v := range dim.get(sc) {
					scale(v, factor)
				}
			}
			clampToRanges(sc)
			if sc.Validate() == nil {
				sc.Name = fmt.Sprintf("lhs-%d", k)
				out[k] = sc
				break
			}
			if try == 20 {
				return nil, fmt.Errorf("scenario %d stays invalid: %v", k, sc.Validate())
			}
			shrink /= 2
		}
	}
	return out, nil
}

func scale(v reflect.Value, f float64) {
	if v.Kind() == reflect.Int {
		v.SetInt(max(0, int64(math.Round(float64(v.Int())*f))))
		return
	}
	v.SetFloat(v.Float() * f)
}

// clampToRanges keeps probabilities and shares inside [0,1] and the fields
// with tighter ranges inside them (sim.Scenario.Validate gives the ranges).
func clampToRanges(sc *sim.Scenario) {
	c01 := func(x *float64) { *x = math.Min(1, math.Max(0, *x)) }
	for i := range sc.Parties {
		n := &sc.Parties[i].Negotiator
		for _, x := range []*float64{&n.Aspiration, &n.Reservation, &n.ReservationFloor, &n.InitialTrust, &n.InitialApproval,
			&n.Readiness0, &n.GestureRate, &n.GestureStrength, &n.GestureDeniability, &n.EnvoyAuthority, &n.ConcessionRate, &n.BeliefPrior} {
			c01(x)
		}
		n.Posturing = math.Min(2, n.Posturing)
		n.Reservation = math.Min(n.Reservation, n.Aspiration)
		n.ReservationFloor = math.Min(n.ReservationFloor, n.Reservation)
		if n.TrustGain*n.TrustAsymmetry > 1 {
			n.TrustGain = 1 / n.TrustAsymmetry
		}
		p := &sc.Parties[i].Constituents
		p.Mu = math.Min(0.5, p.Mu)
		c01(&sc.Parties[i].RatifyThreshold)
	}
	t := &sc.Talks
	for _, x := range []*float64{&t.OpenRate, &t.FrontMinTrust, &t.CommitTrust, &t.ModerateStrength, &t.AttackTrustLoss, &t.CollapseDistrust} {
		c01(x)
	}
	t.EnvoyCommitBonus = math.Min(t.EnvoyCommitBonus, t.CommitTrust)
	r := &sc.Ratification
	for _, x := range []*float64{&r.FailTrustLoss, &r.PrepBonus, &r.ApprovalWeight} {
		c01(x)
	}
	for k := range sc.Spoilers {
		c01(&sc.Spoilers[k].Demand)
	}
	c01(&sc.Mediator.Security)
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	for i := 1; i < len(s); i++ { // insertion sort: n is small
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// less orders NaN first so that it never becomes the median by accident.
func less(a, b float64) bool { return a < b || (math.IsNaN(a) && !math.IsNaN(b)) }
