package studyout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// TrajectoryHeader is the header of TrajectoriesCSV after DataHeader.
var TrajectoryHeader = []string{
	"arm", "replication", "round", "channel", "exposed", "ratifying",
	"trust_a", "trust_b", "approval_a", "approval_b", "pressure_a", "pressure_b",
	"attention_a", "attention_b", "preparedness_a", "preparedness_b",
	"hawkishness_a", "hawkishness_b", "mobilisation_a", "mobilisation_b",
	"outcome", "outcome_round",
}

// TrajectoriesCSV writes, as tidy CSV, the state after every round of
// replications 0 to n−1 of every arm of s under master seed seed: one row
// per arm, replication and round, starting with the columns of DataHeader,
// then TrajectoryHeader; outcome and outcome_round repeat the replication's
// final outcome on each of its rows so that rows can be filtered by it.
//
// It reruns those replications alone with an sim.Observer, each from
// mc.ReplicationRand(seed, i) as the study runner does; an observer never
// draws from the simulation's generator, so these are the replications of
// the study, not new ones. It returns an error if n < 0 or a replication
// cannot be built.
func TrajectoriesCSV(w io.Writer, s *sim.Study, seed uint64, n int) error {
	if n < 0 {
		return fmt.Errorf("studyout: TrajectoriesCSV: n = %d: must be ≥ 0", n)
	}
	pols, err := s.Policies()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(append([]string{}, DataHeader...), TrajectoryHeader...)); err != nil {
		return err
	}
	labels := s.Labels()
	ftoa := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	for a, arm := range s.Arms {
		keys, err := armKeys(seed, arm, pols[a].Name())
		if err != nil {
			return err
		}
		r, err := sim.NewReplication(arm.Scenario, pols[a])
		if err != nil {
			return fmt.Errorf("studyout: TrajectoriesCSV: arm %d (%s): %w", a, labels[a], err)
		}
		var rows [][]string
		for i := 0; i < n; i++ {
			rows = rows[:0]
			rep := strconv.Itoa(i)
			obs := sim.ObserverFunc(func(x *sim.Snapshot) {
				row := append(append([]string{}, keys...), labels[a], rep, strconv.Itoa(x.Round), x.Channel.String(),
					strconv.FormatBool(x.Exposed), strconv.FormatBool(x.Ratifying))
				for _, v := range [][2]float64{x.Trust, x.Approval, x.Pressure, x.Attention, x.Preparedness, x.Hawkishness, x.Mobilisation} {
					row = append(row, ftoa(v[0]), ftoa(v[1]))
				}
				rows = append(rows, row)
			})
			o := r.Run(mc.ReplicationRand(seed, uint64(i)), obs)
			for _, row := range rows {
				if err := cw.Write(append(row, o.Kind.String(), strconv.Itoa(o.Round))); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
