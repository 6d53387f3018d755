package main

import (
	"path/filepath"
	"strings"

	"github.com/backchannel-sim/backchannel/sim"
)

const compareUsage = `usage: backchannel compare [flags] A.yaml B.yaml

Runs two scenarios as two arms on common random numbers (replication i of
both starts from the same generator) and reports each arm and the paired
difference B − A (the "vs_reference" of the JSON summary). Both arms use
--policy if given, otherwise each scenario's own "policy" field (as does
--policy scenario). --precision X stops early once both arms' breakthrough
shares are known to ±X, with --reps the cap. Outputs as for run; the
scenarios are written as scenario-0.yaml (A) and scenario-1.yaml (B).
`

func (c *cli) compareCmd(args []string) error {
	fs := c.newFlagSet("compare", compareUsage)
	var f runFlags
	f.register(fs, flagSet{csv: true, json: true, reps: DefaultReps,
		repsHelp:   "number `N` of replications (the cap with --precision)",
		policyHelp: "channel `POLICY` of both arms (at most one; default: each scenario's policy field): front-only, back-only, back-then-front[=T], reliance=P, parallel"})
	f.fig.cmdline = append([]string{"compare"}, args...)
	var o runOpts
	fs.Float64Var(&o.precision, "precision", 0, "sequential stopping: stop when the 95% Wilson half-width of both arms' breakthrough shares is below `X` (or at --reps)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("compare: want two scenario files A.yaml B.yaml, got %d arguments", len(pos))
	}
	if len(f.policies) > 1 {
		return usagef("compare: at most one --policy (both arms use it), got %d", len(f.policies))
	}
	if err := f.check(); err != nil {
		return err
	}
	if o.precision != 0 && !(o.precision > 0 && o.precision <= 0.5) {
		return usagef("--precision = %v: must be in (0, 0.5]", o.precision)
	}
	if _, ok := f.policies.first().(scenarioPolicy); ok {
		f.policies = nil // each scenario's own policy, the default
	}
	s := &sim.Study{Trajectories: true}
	for _, file := range pos {
		sc, err := loadScenario(file, f.horizon)
		if err != nil {
			return err
		}
		var pol sim.Policy
		if len(f.policies) == 1 {
			pol = f.policies[0]
		} else if pol, err = sim.ParsePolicy(sc.Policy); err != nil {
			return usagef("%s: %v", file, err)
		}
		noteSpoilers(c.stderr, file, sc)
		s.Arms = append(s.Arms, sim.Arm{Label: sc.Name, Scenario: sc, Policy: pol})
	}
	if s.Arms[0].Label == s.Arms[1].Label {
		for i, file := range pos {
			s.Arms[i].Label = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		}
		if s.Arms[0].Label == s.Arms[1].Label {
			s.Arms[0].Label += " (A)"
			s.Arms[1].Label += " (B)"
		}
	}
	return c.runStudy(&f, &o, s)
}
