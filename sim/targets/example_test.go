package targets_test

import (
	"fmt"

	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/sim/targets"
)

// Example reads a targets file and summarises three hand-made outcomes the
// way a calibration summarises the R replications of one particle.
func Example() {
	f, err := targets.Parse([]byte(`
case: example
targets:
  - name: weeks_to_accord
    statistic: talks_to_deal
    window: 104
    observed: 35
    source: "Larsen (OUP 2014)"
  - name: ratified
    statistic: breakthrough
    observed: 1
    source: "Israel State Archives"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	outs := []sim.Outcome{
		{Kind: sim.Breakthrough, Round: 50, FirstTalks: 10}, // 40 weeks of talks
		{Kind: sim.Breakthrough, Round: 30, FirstTalks: 10}, // 20 weeks
		{Kind: sim.Collapse, Round: 80, FirstTalks: 5},      // no deal: counts the window, 104
	}
	s := targets.Summarize(f.Targets, outs, nil)
	for k, t := range f.Targets {
		fmt.Printf("%s: observed %g, simulated %.4g\n", t.Name, t.Observed, s[k])
	}
	// Output:
	// weeks_to_accord: observed 35, simulated 54.67
	// ratified: observed 1, simulated 0.6667
}
