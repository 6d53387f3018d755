// Package targets reads what was observed in a historical case (the
// calibration targets) and maps the negotiation model's outcomes onto the
// same summary statistics, so that package calibrate can fit scenario
// parameters to the record.
//
// # File format
//
// A targets file is strict YAML (unknown keys are an error, as in scenario
// files; JSON is YAML):
//
//	case: oslo                     # label
//	description: ...               # free text
//	replications: 20               # R replications per particle (default 20)
//	targets:
//	  - name: weeks_to_accord      # unique label
//	    statistic: talks_to_deal   # one of Statistics()
//	    window: 104                # weeks, for the statistics that take one
//	    side: 0                    # 0 or 1, for the statistics that read one side
//	    observed: 35               # the record, on the statistic's scale
//	    weight: 1                  # w_k in the distance (default 1; 0: check only)
//	    scale: 10                  # optional tolerance c_k (all targets or none)
//	    source: "Larsen (OUP 2014)" # required citation
//	    note: "..."                # how the record was read
//	params:                        # default calibrated parameters, uniform priors
//	  - name: leaks.base_hazard    # a path accepted by sim.SweepParam
//	    lo: 0
//	    hi: 0.002
//	    why: "..."
//
// Parse decodes and validates a file; Validate reports every problem at once,
// each naming the field path, the value and the allowed range.
//
// # Statistics
//
// Per replication, then aggregated over the R replications of a particle:
//
//	breakthrough     1 if the deal was ratified; share of replications
//	collapse         1 if the talks collapsed for good; share
//	time_to_talks    weeks from round 0 to the first talks, Window if later or never; restricted mean
//	time_to_deal     weeks from round 0 to the ratified deal, Window if later or never; restricted mean
//	talks_to_deal    weeks from the first talks to the deal, Window if later or never; restricted mean
//	deal_within      1 if a deal came within Window weeks of the first talks; share
//	leaked           1 if a secret channel was exposed by a leak; share
//	attacked_within  1 if a spoiler attacked within Window weeks of round 0; share
//	attacks          spoiler attacks; mean
//	failed_votes     failed ratification votes; mean
//	back_channels    back channels opened; mean
//	vote_support     side Side's support share at the last vote; mean over replications with a vote (0 if none)
//
// # From outcomes to summaries
//
// Each statistic is a documented function of one replication's sim.Outcome
// (a 0/1 indicator, a count, a share or a time in weeks), aggregated over the
// R replications run at one parameter vector by their mean: a share for
// indicators, a mean count, or a restricted mean time (Royston and Parmar
// 2013) for times, where a replication whose event did not come within the
// window contributes the window. Because a breakthrough and a collapse end a
// replication and an impasse runs to the horizon, no replication is censored
// before the window (Bind checks that the window does not exceed the
// horizon), so these restricted means are exact. The distance of package
// calibrate is then computed on these summaries. The mapping lives in one
// file of this package (stats.go), the only place to change when the
// model's Outcome changes.
//
// Bind joins a file to a base scenario and the calibrated parameters: the
// resulting Model implements calibrate.Model. Its Simulate sets the
// parameters (through sim.SweepParam's typed setters, on a clone of the
// scenario), runs R replications from the generator it is given, and
// returns their summaries; it is deterministic given that generator and safe
// for concurrent use.
//
// # References
//
//   - Royston, P. and Parmar, M. K. B. (2013). Restricted mean survival
//     time: an alternative to the hazard ratio for the design and analysis
//     of randomized trials with a time-to-event outcome. BMC Medical
//     Research Methodology 13, 152.
package targets
