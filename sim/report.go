package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/backchannel-sim/backchannel/metrics"
)

// ReportSchema names the JSON schema of Report (docs/OUTPUTS.md).
const ReportSchema = "backchannel.summary/v1"

// Num is a float64 that marshals NaN and ±Inf as JSON null.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Report is the summary a user sees: every estimate with its confidence
// interval and the number of replications it rests on. It is a pure
// function of the (exact) StudySummary, so it is identical for any number
// of workers, shards or machines. It holds no wall-clock times or host
// details.
type Report struct {
	Schema       string      `json:"schema"`
	ModelVersion string      `json:"model_version"`
	Seed         uint64      `json:"seed"`
	Replications int         `json:"replications"` // replications requested
	Completed    int         `json:"completed"`    // replications finished without error
	Failures     int         `json:"failures"`     // replications that failed (see RunResult.Failures)
	Partial      bool        `json:"partial"`      // the run was interrupted: Completed < Replications
	Confidence   float64     `json:"confidence"`   // level of every interval
	Arms         []ArmReport `json:"arms"`
}

// Estimate is a proportion with its Wilson interval.
type Estimate struct {
	Count int    `json:"count"`
	N     int    `json:"n"`
	P     Num    `json:"p"`
	CI    [2]Num `json:"ci"`
}

// MeanEstimate is a mean with its t interval.
type MeanEstimate struct {
	Mean Num    `json:"mean"`
	SE   Num    `json:"se"`
	CI   [2]Num `json:"ci"`
	N    int    `json:"n"`
}

// TimeEstimate is a time to event with its interval (null when not reached).
type TimeEstimate struct {
	Median Num    `json:"median"`
	CI     [2]Num `json:"ci"`
	// Definition says how the time is defined.
	Definition string `json:"definition"`
}

// IncidencePoint is a cumulative incidence at a round.
type IncidencePoint struct {
	Round int    `json:"round"`
	P     Num    `json:"p"`
	CI    [2]Num `json:"ci"`
}

// Difference is a paired difference of proportions (arm − reference).
type Difference struct {
	Diff Num    `json:"diff"`
	SE   Num    `json:"se"`
	CI   [2]Num `json:"ci"`
	N    int    `json:"n"`
	// VarianceRatio is the variance of the difference had the arms been run
	// on independent replications divided by the paired variance: the gain
	// from common random numbers.
	VarianceRatio Num `json:"variance_ratio"`
}

// ArmReport summarises one arm.
type ArmReport struct {
	Label    string `json:"label"`
	Policy   string `json:"policy"`
	Scenario string `json:"scenario"`
	Horizon  int    `json:"horizon"`
	Outcomes struct {
		Breakthrough Estimate `json:"breakthrough"`
		Collapse     Estimate `json:"collapse"`
		Impasse      Estimate `json:"impasse"`
	} `json:"outcomes"`
	TimeToBreakthrough TimeEstimate                `json:"time_to_breakthrough"`
	Incidence          map[string][]IncidencePoint `json:"incidence"`
	Counts             map[string]MeanEstimate     `json:"counts"`
	Values             map[string]MeanEstimate     `json:"values"`
	Ratification       struct {
		Secret Estimate `json:"secret"`
		Public Estimate `json:"public"`
	} `json:"ratification"`
	// VsReference compares this arm with the first arm on common random
	// numbers (absent for the first arm).
	VsReference *struct {
		Reference    string     `json:"reference"`
		Breakthrough Difference `json:"breakthrough"`
		Collapse     Difference `json:"collapse"`
	} `json:"vs_reference,omitempty"`
}

// medianDefinition documents TimeEstimate for the time to breakthrough.
const medianDefinition = "round by which the cumulative incidence of ratified breakthrough (Aalen-Johansen, collapse competing, impasse censored) reaches 0.5; interval from the pointwise band at the report's confidence level; null if never reached"

// NewReport summarises a study result at confidence level conf.
func NewReport(s *Study, res *StudyResult, conf float64) (*Report, error) {
	rep := &Report{
		Schema: ReportSchema, ModelVersion: ModelVersion, Seed: res.Seed,
		Replications: res.Replications, Completed: res.Succeeded(), Failures: len(res.Failures),
		Partial: res.Partial, Confidence: conf,
	}
	labels := s.Labels()
	pols, err := s.policies()
	if err != nil {
		return nil, err
	}
	for a, as := range res.Summary.Arms {
		ar := ArmReport{Label: labels[a], Policy: pols[a].Name(), Scenario: s.Arms[a].Scenario.Name, Horizon: s.Arms[a].Scenario.Horizon}
		n := int(as.Kinds[0] + as.Kinds[1] + as.Kinds[2])
		if ar.Outcomes.Breakthrough, err = estimate(int(as.Kinds[Breakthrough]), n, conf); err != nil {
			return nil, err
		}
		ar.Outcomes.Collapse, _ = estimate(int(as.Kinds[Collapse]), n, conf)
		ar.Outcomes.Impasse, _ = estimate(int(as.Kinds[Impasse]), n, conf)
		ar.TimeToBreakthrough = TimeEstimate{Median: nan, CI: [2]Num{nan, nan}, Definition: medianDefinition}
		ar.Incidence = map[string][]IncidencePoint{}
		if n > 0 {
			cr, err := metrics.CumulativeIncidence(as.Events, conf, metrics.Log)
			if err != nil {
				return nil, fmt.Errorf("sim: arm %s: %w", labels[a], err)
			}
			ar.TimeToBreakthrough = crossing(cr.Cause(int(Breakthrough)), 0.5, medianDefinition)
			for _, k := range []Kind{Breakthrough, Collapse} {
				ar.Incidence[k.String()] = incidenceAt(cr.Cause(int(k)), milestones(s.Arms[a].Scenario.Horizon))
			}
		}
		ar.Counts = map[string]MeanEstimate{}
		for _, name := range countNames {
			m := as.Counts[name].Moments()
			ar.Counts[name] = meanEstimate(&m, conf)
		}
		ar.Values = map[string]MeanEstimate{}
		for _, name := range valueNames {
			ar.Values[name] = meanEstimate(as.Values[name], conf)
		}
		ar.Ratification.Secret, _ = estimate(int(as.SecretPasses), int(as.SecretVotes), conf)
		ar.Ratification.Public, _ = estimate(int(as.PublicPasses), int(as.PublicVotes), conf)
		if a > 0 {
			ar.VsReference = &struct {
				Reference    string     `json:"reference"`
				Breakthrough Difference `json:"breakthrough"`
				Collapse     Difference `json:"collapse"`
			}{Reference: labels[0]}
			ar.VsReference.Breakthrough = difference(res.Summary.Paired[a].Breakthrough, conf)
			ar.VsReference.Collapse = difference(res.Summary.Paired[a].Collapse, conf)
		}
		rep.Arms = append(rep.Arms, ar)
	}
	return rep, nil
}

var nan = Num(math.NaN())

// NewEstimate returns the proportion k/n with its Wilson interval at level
// conf; P and CI are NaN (JSON null) when n = 0.
func NewEstimate(k, n int, conf float64) (Estimate, error) { return estimate(k, n, conf) }

// NewMeanEstimate returns the mean of m with its standard error and t
// interval at level conf; undefined parts are NaN (JSON null).
func NewMeanEstimate(m *metrics.Moments, conf float64) MeanEstimate { return meanEstimate(m, conf) }

func estimate(k, n int, conf float64) (Estimate, error) {
	e := Estimate{Count: k, N: n, P: nan, CI: [2]Num{nan, nan}}
	if n == 0 {
		return e, nil
	}
	iv, err := metrics.Wilson(k, n, conf)
	if err != nil {
		return e, err
	}
	e.P = Num(float64(k) / float64(n))
	e.CI = [2]Num{Num(iv.Lo), Num(iv.Hi)}
	return e, nil
}

func meanEstimate(m *metrics.Moments, conf float64) MeanEstimate {
	e := MeanEstimate{Mean: nan, SE: nan, CI: [2]Num{nan, nan}, N: m.N()}
	if m.N() == 0 {
		return e
	}
	e.Mean = Num(m.Mean())
	if m.N() > 1 {
		e.SE = Num(m.SE())
		if iv, err := m.Interval(conf); err == nil {
			e.CI = [2]Num{Num(iv.Lo), Num(iv.Hi)}
		}
	}
	return e
}

func difference(t metrics.PairedTable, conf float64) Difference {
	d := Difference{Diff: nan, SE: nan, CI: [2]Num{nan, nan}, N: t.N(), VarianceRatio: nan}
	pd, err := metrics.PairedDifference(t, conf)
	if err != nil {
		return d
	}
	d.Diff, d.SE = Num(pd.D), Num(pd.SE)
	d.CI = [2]Num{Num(pd.Interval.Lo), Num(pd.Interval.Hi)}
	// Unpaired variance of p1 − p2 over the same n: p1(1−p1)/n + p2(1−p2)/n.
	n := float64(t.N())
	unpaired := (pd.P1*(1-pd.P1) + pd.P2*(1-pd.P2)) / n
	if pd.SE > 0 {
		d.VarianceRatio = Num(unpaired / (pd.SE * pd.SE))
	}
	return d
}

// crossing returns the first time the curve reaches level, with the
// interval from the pointwise band (first time the upper limit reaches
// level, first time the lower limit does).
func crossing(c *metrics.IncidenceCurve, level float64, def string) TimeEstimate {
	first := func(v []float64) Num {
		for i, x := range v {
			if x >= level {
				return Num(c.T[i])
			}
		}
		return nan
	}
	return TimeEstimate{Median: first(c.F), CI: [2]Num{first(c.Hi), first(c.Lo)}, Definition: def}
}

// milestones returns the report rounds: one, two and five years and the
// horizon, those within the horizon.
func milestones(h int) []int {
	var out []int
	for _, r := range []int{52, 104, 260} {
		if r < h {
			out = append(out, r)
		}
	}
	return append(out, h)
}

func incidenceAt(c *metrics.IncidenceCurve, rounds []int) []IncidencePoint {
	out := make([]IncidencePoint, 0, len(rounds))
	// Before the first event the estimate is 0 and the transformed band is
	// undefined; the upper limit is then the Wilson limit for 0 of N.
	zero := [2]Num{0, nan}
	if iv, err := metrics.Wilson(0, c.N, c.Level); err == nil {
		zero[1] = Num(iv.Hi)
	}
	for _, r := range rounds {
		p := IncidencePoint{Round: r, P: 0, CI: zero}
		for i, t := range c.T {
			if t > r {
				break
			}
			if c.F[i] > 0 {
				p.P, p.CI = Num(c.F[i]), [2]Num{Num(c.Lo[i]), Num(c.Hi[i])}
			}
		}
		out = append(out, p)
	}
	return out
}
