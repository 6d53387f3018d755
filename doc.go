// Package backchannel is a research library for agent-based Monte Carlo
// studies of secret ("back-channel") negotiations: when do secret talks
// help, and when do they trap the parties in repeated impasse?
//
// The library is split into small packages with one-way imports:
//
//	agents     the actors and their rules: negotiators (demands, concession,
//	           posturing, trust, gestures, ripeness, approval), constituencies
//	           (opinion dynamics, attention, preparedness, ratification
//	           support), spoilers and an optional mediator. Pure state and
//	           rules; randomness from a *rand.Rand passed in.
//	metrics    estimators that know nothing of negotiation: Wilson and
//	           Clopper-Pearson intervals, Kaplan-Meier, Aalen-Johansen
//	           cumulative incidence, exact mergeable summaries, bootstrap.
//	mc         the generic Monte Carlo engine, for any model: a parallel
//	           runner that is bit-reproducible for any number of workers or
//	           shards, designs, paired comparisons on common random numbers
//	           and sequential stopping. It knows nothing of negotiation.
//	sim        the model: the Scenario (every parameter, validated),
//	           channel policies, one replication round by round, studies
//	           run on mc, exact summaries, reports and sweeps.
//	results    result files: save, load, merge and checkpoint studies and
//	           sweeps, one checksummed envelope for every file.
//	figures    publication figures with gonum/plot.
//	studyout   tables, JSON, CSV and figures for the command and examples.
//
// A minimal study:
//
//	study := sim.DefaultStudy() // built-in policies on the default scenario
//	res, err := sim.RunStudy(ctx, study, mc.RunConfig{Seed: 1, Replications: 2000})
//	report, err := sim.NewReport(study, res, 0.95)
//	// report.Arms[i].Outcomes.Breakthrough.P, .CI, ...
//
// The command-line tool is cmd/backchannel; worked studies are in
// examples/. The model is documented in ODD form in docs/MODEL.md.
package backchannel
