package studyout

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// DataHeader are the first columns of every figure-data CSV file: the
// master seed, the model version (sim.ModelVersion), the scenario's name
// and a hash of its YAML (ScenarioHash), and the policy. With them a row
// says exactly which run it came from.
var DataHeader = []string{"seed", "model_version", "scenario", "scenario_hash", "policy"}

// ScenarioHash returns the first 12 hexadecimal digits of the SHA-256 of
// the scenario's YAML text: equal hashes mean equal scenarios.
func ScenarioHash(sc *sim.Scenario) (string, error) {
	y, err := sc.MarshalYAMLText()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(y)
	return hex.EncodeToString(h[:6]), nil
}

func ftoa(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

func armKeys(seed uint64, a sim.Arm, policy string) ([]string, error) {
	h, err := ScenarioHash(a.Scenario)
	if err != nil {
		return nil, err
	}
	return []string{strconv.FormatUint(seed, 10), sim.ModelVersion, a.Scenario.Name, h, policy}, nil
}

// StudyData writes the data behind every study figure to dir as tidy CSV
// (one observation per row, empty fields for undefined values) and
// returns the file names written:
//
//	incidence.csv          arm, outcome, round, events, estimate, lo, hi, level, n: the
//	                       whole Aalen-Johansen step curve: round 0, every event
//	                       time, and the horizon (where impasses are censored)
//	channels.csv           arm, back_channels, count, n, share, lo, hi, level (Wilson)
//	trajectory-bands.csv   arm, variable, round, n, mean, q10, q90 (only with trajectories)
//	impasse-incidence.csv  arm, k, round, events, estimate, lo, hi, level, n: the
//	                       Aalen-Johansen step curve of the k-th impasse (k = 1..3),
//	                       as incidence.csv
//	impasse-counts.csv     arm, variable (impasses, back_channels), round, mean, se,
//	                       lo, hi, level, n: mean cumulative counts, every round
//	occupancy.csv          arm, state, round, count, n, share, lo, hi, level: state
//	                       shares, every round, Goodman simultaneous intervals
//
// The last three only if the summary holds repeated impasse.
//
// Every row starts with the columns of DataHeader.
func StudyData(dir string, s *sim.Study, res *sim.StudyResult) ([]string, error) {
	d, err := studyData(s, res)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	pols, err := s.Policies()
	if err != nil {
		return nil, err
	}
	for a, l := range s.Labels() {
		if keys[l], err = armKeys(res.Seed, s.Arms[a], pols[a].Name()); err != nil {
			return nil, err
		}
	}
	var written []string
	write := func(name string, head []string, rows func(emit func(...string) error) error) error {
		err := WriteFile(filepath.Join(dir, name), func(w io.Writer) error {
			cw := csv.NewWriter(w)
			if err := cw.Write(append(append([]string{}, DataHeader...), head...)); err != nil {
				return err
			}
			if err := rows(func(r ...string) error { return cw.Write(r) }); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
		if err == nil {
			written = append(written, name)
		}
		return err
	}
	row := func(label string, rest ...string) []string {
		return append(append([]string{}, keys[label]...), rest...)
	}
	err = write("incidence.csv", []string{"arm", "outcome", "round", "events", "estimate", "lo", "hi", "level", "n"}, func(emit func(...string) error) error {
		for _, ser := range d.inc {
			for _, c := range []struct {
				name string
				c    *metrics.IncidenceCurve
			}{{"breakthrough", ser.Breakthrough}, {"collapse", ser.Collapse}} {
				if c.c == nil {
					continue
				}
				// A step curve from (0, 0) through every event time to the
				// horizon, where it is censored.
				lvl, n := ftoa(c.c.Level), strconv.Itoa(c.c.N)
				if err := emit(row(ser.Label, ser.Label, c.name, "0", "0", "0", "0", "0", lvl, n)...); err != nil {
					return err
				}
				last := 0
				for i, t := range c.c.T {
					if err := emit(row(ser.Label, ser.Label, c.name, strconv.Itoa(t), strconv.Itoa(c.c.Events[i]),
						ftoa(c.c.F[i]), ftoa(c.c.Lo[i]), ftoa(c.c.Hi[i]), lvl, n)...); err != nil {
						return err
					}
					last = t
				}
				if k := len(c.c.T); ser.Horizon > last {
					f, lo, hi := "0", "0", "0"
					if k > 0 {
						f, lo, hi = ftoa(c.c.F[k-1]), ftoa(c.c.Lo[k-1]), ftoa(c.c.Hi[k-1])
					}
					if err := emit(row(ser.Label, ser.Label, c.name, strconv.Itoa(ser.Horizon), "0", f, lo, hi, lvl, n)...); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return written, err
	}
	err = write("channels.csv", []string{"arm", "back_channels", "count", "n", "share", "lo", "hi", "level"}, func(emit func(...string) error) error {
		for _, h := range d.hist {
			n := h.Counts.N()
			for v := 0; v <= h.Counts.Max(); v++ {
				k := h.Counts.Count(v)
				iv, err := metrics.Wilson(k, n, figures.ShareLevel)
				if err != nil {
					return err
				}
				if err := emit(row(h.Label, h.Label, strconv.Itoa(v), strconv.Itoa(k), strconv.Itoa(n),
					ftoa(float64(k)/float64(n)), ftoa(iv.Lo), ftoa(iv.Hi), ftoa(figures.ShareLevel))...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return written, err
	}
	if len(d.imp) > 0 {
		if err := impasseCSV(d, write, row); err != nil {
			return written, err
		}
	}
	if len(d.traj) == 0 {
		return written, nil
	}
	err = write("trajectory-bands.csv", []string{"arm", "variable", "round", "n", "mean", "q10", "q90"}, func(emit func(...string) error) error {
		for _, a := range d.traj {
			for _, v := range []struct {
				name string
				b    *metrics.Bands
			}{{"trust", a.trust}, {"pressure", a.press}, {"mobilisation", a.mob}} {
				for t := 1; t <= v.b.Horizon(); t++ {
					n := v.b.Count(t)
					if n == 0 {
						continue
					}
					lo, err1 := v.b.Quantile(t, figures.BandLow)
					hi, err2 := v.b.Quantile(t, figures.BandHigh)
					if err1 != nil || err2 != nil {
						lo, hi = math.NaN(), math.NaN()
					}
					if err := emit(row(a.label, a.label, v.name, strconv.Itoa(t), strconv.Itoa(n), ftoa(v.b.Mean(t)), ftoa(lo), ftoa(hi))...); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return written, err
}

// impasseCSV writes the data of the impasse and occupancy figures.
func impasseCSV(d *studyFigData, write func(string, []string, func(func(...string) error) error) error, row func(string, ...string) []string) error {
	err := write("impasse-incidence.csv", []string{"arm", "k", "round", "events", "estimate", "lo", "hi", "level", "n"}, func(emit func(...string) error) error {
		for _, a := range d.imp {
			for k, c := range a.kth {
				ks, lvl, n := strconv.Itoa(k+1), ftoa(c.Level), strconv.Itoa(c.N)
				if err := emit(row(a.label, a.label, ks, "0", "0", "0", "0", "0", lvl, n)...); err != nil {
					return err
				}
				last := 0
				for i, t := range c.T {
					if err := emit(row(a.label, a.label, ks, strconv.Itoa(t), strconv.Itoa(c.Events[i]), ftoa(c.F[i]), ftoa(c.Lo[i]), ftoa(c.Hi[i]), lvl, n)...); err != nil {
						return err
					}
					last = t
				}
				if m := len(c.T); a.horizon > last {
					f, lo, hi := "0", "0", "0"
					if m > 0 {
						f, lo, hi = ftoa(c.F[m-1]), ftoa(c.Lo[m-1]), ftoa(c.Hi[m-1])
					}
					if err := emit(row(a.label, a.label, ks, strconv.Itoa(a.horizon), "0", f, lo, hi, lvl, n)...); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = write("impasse-counts.csv", []string{"arm", "variable", "round", "mean", "se", "lo", "hi", "level", "n"}, func(emit func(...string) error) error {
		for _, a := range d.imp {
			for _, v := range []struct {
				name string
				c    *metrics.MeanCountCurve
			}{{"impasses", a.imp}, {"back_channels", a.channel}} {
				for i, t := range v.c.T {
					if err := emit(row(a.label, a.label, v.name, strconv.Itoa(t), ftoa(v.c.Mean[i]), ftoa(v.c.SE[i]), ftoa(v.c.Lo[i]), ftoa(v.c.Hi[i]), ftoa(v.c.Level), strconv.Itoa(v.c.N))...); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return write("occupancy.csv", []string{"arm", "state", "round", "count", "n", "share", "lo", "hi", "level"}, func(emit func(...string) error) error {
		for _, a := range d.imp {
			sh := a.shares
			for st := range sh.Share {
				name := sim.State(st).String()
				for i, t := range sh.T {
					if err := emit(row(a.label, a.label, name, strconv.Itoa(t), strconv.Itoa(sh.Count[st][i]), strconv.Itoa(sh.N),
						ftoa(sh.Share[st][i]), ftoa(sh.Lo[st][i]), ftoa(sh.Hi[st][i]), ftoa(sh.Level))...); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// SweepData writes the data behind the sweep's figure to w as tidy CSV:
// one row per design point and outcome, with the columns of DataHeader,
// then point, each parameter's value (a column named by its path),
// outcome, count, n, share, lo, hi and level (Wilson intervals at conf).
// It holds every design, including those with no figure.
func SweepData(w io.Writer, seed uint64, d *mc.Design[sim.Arm], points []sim.SweepPoint, conf float64) error {
	cw := csv.NewWriter(w)
	head := append(append([]string{}, DataHeader...), "point")
	for _, p := range d.Params {
		head = append(head, p.Name)
	}
	head = append(head, "outcome", "count", "n", "share", "lo", "hi", "level")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, pt := range points {
		arm, err := sim.SweepBase(pt.Params)
		if err != nil {
			return err
		}
		keys, err := armKeys(seed, arm, arm.Policy.Name())
		if err != nil {
			return err
		}
		k := pt.Result.Summary.Arms[0].Kinds
		n := int(k[0] + k[1] + k[2])
		for _, o := range []sim.Kind{sim.Breakthrough, sim.Collapse, sim.Impasse} {
			r := append(append([]string{}, keys...), strconv.Itoa(pt.Index))
			for _, v := range pt.Values {
				r = append(r, ftoa(v))
			}
			share, lo, hi := math.NaN(), math.NaN(), math.NaN()
			if n > 0 {
				iv, err := metrics.Wilson(int(k[o]), n, conf)
				if err != nil {
					return err
				}
				share, lo, hi = float64(k[o])/float64(n), iv.Lo, iv.Hi
			}
			r = append(r, o.String(), strconv.FormatInt(int64(k[o]), 10), strconv.Itoa(n), ftoa(share), ftoa(lo), ftoa(hi), ftoa(conf))
			if err := cw.Write(r); err != nil {
				return fmt.Errorf("studyout: SweepData: %w", err)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
