package sim

import (
	"encoding/json"
	"errors"
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
	Failures     int         `json:"failures"`     // replications that failed (see mc.RunResult.Failures)
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
	Label              string                `json:"label"`
	Policy             string                `json:"policy"`
	Scenario           string                `json:"scenario"`
	Horizon            int                   `json:"horizon"`
	Outcomes           OutcomeEstimates      `json:"outcomes"`
	TimeToBreakthrough TimeEstimate          `json:"time_to_breakthrough"`
	Incidence          OutcomeIncidence      `json:"incidence"`
	Counts             Counts[MeanEstimate]  `json:"counts"`
	Values             Values[MeanEstimate]  `json:"values"`
	Ratification       RatificationEstimates `json:"ratification"`
	// VsReference compares this arm with the first arm on common random
	// numbers (nil, absent from the JSON, for the first arm).
	VsReference *Comparison `json:"vs_reference,omitempty"`
	// Impasse reports repeated impasse over time (docs/MODEL.md §7.18;
	// nil, absent from the JSON, in a sweep point's report).
	Impasse *ImpasseReport `json:"impasse,omitempty"`
}

// ImpasseReport summarises an arm's impasses over time: the time to the
// k-th impasse for k = 1..MaxImpasses (Aalen-Johansen, breakthrough and
// collapse competing, censored at the horizon), the mean cumulative
// numbers of impasses and of back channels opened, and where the
// negotiations stand, at the report rounds (one, two and five years and
// the horizon, those within it).
type ImpasseReport struct {
	// Definition says what counts as an impasse.
	Definition string `json:"definition"`
	// RepeatedK is the order at which impasse counts as repeated
	// (Study.ImpasseK); Kth[RepeatedK-1] is the repeated impasse.
	RepeatedK int `json:"repeated_k"`
	// Kth[k-1] is the time to the k-th impasse.
	Kth []KthImpasse `json:"kth"`
	// MeanImpasses and MeanBackChannels are the mean cumulative counts by
	// each report round, with standard errors and t intervals.
	MeanImpasses     []CountPoint `json:"mean_impasses"`
	MeanBackChannels []CountPoint `json:"mean_back_channels"`
	// Occupancy is the share of replications in each State at each report
	// round, with Goodman simultaneous intervals over the states of the
	// round.
	Occupancy []OccupancyPoint `json:"occupancy"`
}

// KthImpasse is the time to the k-th impasse.
type KthImpasse struct {
	K int `json:"k"`
	// ByHorizon is P(k-th impasse by the horizon, before any terminal
	// event), with its standard error and interval.
	ByHorizon ProbEstimate `json:"by_horizon"`
	// Median is the round by which half the replications have had their
	// k-th impasse (null if never reached).
	Median TimeEstimate `json:"median"`
	// Incidence is the cumulative incidence at the report rounds.
	Incidence []IncidencePoint `json:"incidence"`
}

// ProbEstimate is a probability with its standard error, interval and
// sample size.
type ProbEstimate struct {
	P  Num    `json:"p"`
	SE Num    `json:"se"`
	CI [2]Num `json:"ci"`
	N  int    `json:"n"`
}

// CountPoint is a mean cumulative count at a round.
type CountPoint struct {
	Round int    `json:"round"`
	Mean  Num    `json:"mean"`
	SE    Num    `json:"se"`
	CI    [2]Num `json:"ci"`
}

// OccupancyPoint is the share of replications in each State at a round.
type OccupancyPoint struct {
	Round  int         `json:"round"`
	Shares StateShares `json:"shares"`
}

// StateShares holds one Estimate per State: the share of replications in
// that state, with its Goodman simultaneous interval over the NumStates
// states. Field X is the share in StateX; its JSON key is the State's
// String. Fields are in JSON (alphabetical) order, the order the keys had
// when Shares was a map. At indexes the fields by State.
type StateShares struct {
	Back         Estimate `json:"back_channel"`  // StateBack
	Both         Estimate `json:"both"`          // StateBoth
	Breakthrough Estimate `json:"breakthrough"`  // StateBreakthrough
	Collapse     Estimate `json:"collapse"`      // StateCollapse
	Front        Estimate `json:"front_channel"` // StateFront
	NoTalks      Estimate `json:"no_talks"`      // StateNoTalks
	Ratifying    Estimate `json:"ratifying"`     // StateRatifying
}

// At returns a pointer to the share of state st in s. It panics if st is
// not one of the NumStates States.
func (s *StateShares) At(st State) *Estimate {
	switch st {
	case StateNoTalks:
		return &s.NoTalks
	case StateBack:
		return &s.Back
	case StateFront:
		return &s.Front
	case StateBoth:
		return &s.Both
	case StateRatifying:
		return &s.Ratifying
	case StateBreakthrough:
		return &s.Breakthrough
	case StateCollapse:
		return &s.Collapse
	}
	panic(fmt.Sprintf("sim: StateShares.At(%v): not one of the %d States", st, NumStates))
}

// OutcomeIncidence is the cumulative incidence (Aalen-Johansen) of each
// terminal Kind that is an event, at the report rounds: Breakthrough with
// collapse competing and Collapse with breakthrough competing, impasse
// censored at the horizon (an impasse is censoring, so it has no curve).
// Both are nil, and absent from the JSON, when no replication completed.
// Field X is Kind X; its JSON key is the Kind's String.
type OutcomeIncidence struct {
	Breakthrough []IncidencePoint `json:"breakthrough,omitempty"`
	Collapse     []IncidencePoint `json:"collapse,omitempty"`
}

// OutcomeEstimates are the shares of replications ending in each Kind.
type OutcomeEstimates struct {
	Breakthrough Estimate `json:"breakthrough"`
	Collapse     Estimate `json:"collapse"`
	Impasse      Estimate `json:"impasse"`
}

// RatificationEstimates are the shares of ratification votes passed on
// deals from secret and from public talks.
type RatificationEstimates struct {
	Secret Estimate `json:"secret"`
	Public Estimate `json:"public"`
}

// Comparison compares an arm with the reference arm (the first) on the
// same replications.
type Comparison struct {
	// Reference is the reference arm's label.
	Reference    string     `json:"reference"`
	Breakthrough Difference `json:"breakthrough"`
	Collapse     Difference `json:"collapse"`
	// RepeatedImpasse is the difference in P(k-th impasse by round t),
	// k = the study's RepeatedK, at the rounds of the summary's
	// PairRounds (absent in a sweep point's report).
	RepeatedImpasse []RoundDifference `json:"repeated_impasse,omitempty"`
}

// RoundDifference is a paired difference at a round.
type RoundDifference struct {
	Round int `json:"round"`
	Difference
}

// impasseDefinition documents ImpasseReport.
const impasseDefinition = "an impasse is a breakdown of talks that is not a collapse, an exposed back channel abandoned for a fresh one, or a failed ratification vote; setbacks with no round of bargaining in between count once (docs/MODEL.md 7.18)"

// kthDefinition documents the median time to the k-th impasse.
const kthDefinition = "round by which the cumulative incidence of the k-th impasse (Aalen-Johansen, breakthrough and collapse competing, censored at the horizon) reaches 0.5; interval from the pointwise band (Brookmeyer-Crowley); null if never reached"

// medianDefinition documents TimeEstimate for the time to breakthrough.
const medianDefinition = "round by which the cumulative incidence of ratified breakthrough (Aalen-Johansen, collapse competing, impasse censored) reaches 0.5; interval from the pointwise band at the report's confidence level; null if never reached"

// NewReport summarises a study result at confidence level conf, in
// (0, 1). It returns an error if conf is outside that range or an
// estimate cannot be formed.
func NewReport(s *Study, res *StudyResult, conf float64) (*Report, error) {
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("sim: report: confidence level %v, want in (0, 1)", conf)
	}
	if err := reportMatches(s, res); err != nil {
		return nil, err
	}
	rep := &Report{
		Schema: ReportSchema, ModelVersion: ModelVersion, Seed: res.Seed,
		Replications: res.Replications, Completed: res.Succeeded(), Failures: len(res.Failures),
		Partial: res.Partial, Confidence: conf,
	}
	labels := s.Labels()
	pols, err := s.Policies()
	if err != nil {
		return nil, err
	}
	for a, as := range res.Summary.Arms {
		ar, err := armReport(as, s.Arms[a].Scenario, conf)
		if err == nil && as.Impasse != nil {
			ar.Impasse, err = impasseReport(as, s.RepeatedK(), conf)
		}
		if err != nil {
			return nil, fmt.Errorf("sim: report: arm %d (%s): %w", a, labels[a], err)
		}
		ar.Label, ar.Policy = labels[a], pols[a].Name()
		if a > 0 {
			ar.VsReference = &Comparison{Reference: labels[0]}
			if ar.VsReference.Breakthrough, err = difference(res.Summary.Paired[a].Breakthrough, conf); err == nil {
				ar.VsReference.Collapse, err = difference(res.Summary.Paired[a].Collapse, conf)
			}
			if ts := res.Summary.Paired[a].Impasse[s.RepeatedK()-1]; err == nil && ts != nil {
				for i, t := range ts {
					d, derr := difference(t, conf)
					if derr != nil {
						err = derr
						break
					}
					ar.VsReference.RepeatedImpasse = append(ar.VsReference.RepeatedImpasse, RoundDifference{Round: res.Summary.PairRounds[i], Difference: d})
				}
			}
			if err != nil {
				return nil, fmt.Errorf("sim: report: arm %d (%s) against %s: %w", a, labels[a], labels[0], err)
			}
		}
		rep.Arms = append(rep.Arms, ar)
	}
	return rep, nil
}

// reportMatches returns an error unless res is a result of study s:
// neither nil, one summary per arm, and each arm's event table and bands
// as long as the arm's horizon.
func reportMatches(s *Study, res *StudyResult) error {
	switch {
	case s == nil:
		return errors.New("sim: report: nil study")
	case res == nil:
		return errors.New("sim: report: nil result")
	case res.Summary == nil:
		return errors.New("sim: report: result has no summary")
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("sim: report: %w", err)
	}
	if len(res.Summary.Arms) != len(s.Arms) || len(res.Summary.Paired) != len(s.Arms) {
		return fmt.Errorf("sim: report: the result has %d arms, the study %d: not a result of this study", len(res.Summary.Arms), len(s.Arms))
	}
	for a, as := range res.Summary.Arms {
		h := s.Arms[a].Scenario.Horizon
		if as == nil || as.Events == nil {
			return fmt.Errorf("sim: report: arm %d: empty summary", a)
		}
		if got := as.Events.MaxTime(); got > h {
			return fmt.Errorf("sim: report: arm %d (%s): the result has an event at round %d, past the study's horizon %d: not a result of this study", a, s.Labels()[a], got, h)
		}
		for _, b := range []*metrics.Bands{as.Trust, as.Pressure, as.Mobilisation} {
			if (b != nil) != s.Trajectories || (b != nil && b.Horizon() != h) {
				return fmt.Errorf("sim: report: arm %d (%s): the result's trajectory bands do not match the study (trajectories %v, horizon %d): not a result of this study", a, s.Labels()[a], s.Trajectories, h)
			}
		}
	}
	return nil
}

// armReport returns the estimates of one arm's summary (all but the
// labels and the comparison with the reference arm).
func armReport(as *ArmSummary, sc *Scenario, conf float64) (ArmReport, error) {
	ar := ArmReport{Scenario: sc.Name, Horizon: sc.Horizon,
		TimeToBreakthrough: TimeEstimate{Median: nan, CI: [2]Num{nan, nan}, Definition: medianDefinition}}
	n := int(as.Kinds[0] + as.Kinds[1] + as.Kinds[2])
	var errs []error
	prop := func(k, n int) Estimate {
		e, err := estimate(k, n, conf)
		errs = append(errs, err)
		return e
	}
	ar.Outcomes = OutcomeEstimates{
		Breakthrough: prop(int(as.Kinds[Breakthrough]), n),
		Collapse:     prop(int(as.Kinds[Collapse]), n),
		Impasse:      prop(int(as.Kinds[Impasse]), n),
	}
	ar.Ratification = RatificationEstimates{
		Secret: prop(int(as.SecretPasses), int(as.SecretVotes)),
		Public: prop(int(as.PublicPasses), int(as.PublicVotes)),
	}
	if n > 0 {
		cr, err := metrics.CumulativeIncidence(as.Events, conf, metrics.Log)
		if err != nil {
			return ar, err
		}
		ar.TimeToBreakthrough = crossing(cr.Cause(int(Breakthrough)), 0.5, medianDefinition)
		rounds := milestones(sc.Horizon)
		ar.Incidence.Breakthrough = incidenceAt(cr.Cause(int(Breakthrough)), rounds)
		ar.Incidence.Collapse = incidenceAt(cr.Cause(int(Collapse)), rounds)
	}
	hs, cs := as.Counts.All(), ar.Counts.All()
	for i, h := range hs {
		m := (*h).Moments()
		var err error
		*cs[i], err = meanEstimate(&m, conf)
		errs = append(errs, err)
	}
	ms, vs := as.Values.All(), ar.Values.All()
	for i, m := range ms {
		var err error
		*vs[i], err = meanEstimate(*m, conf)
		errs = append(errs, err)
	}
	return ar, errors.Join(errs...)
}

var nan = Num(math.NaN())

// impasseReport returns the repeated-impasse estimates of one arm at the
// report rounds, for the order of repeated impasse k.
func impasseReport(as *ArmSummary, k int, conf float64) (*ImpasseReport, error) {
	h := as.Impasse.Horizon()
	rounds := milestones(h)
	ir := &ImpasseReport{Definition: impasseDefinition, RepeatedK: k}
	if as.Impasse.N() == 0 {
		return ir, nil
	}
	for j := 1; j <= MaxImpasses; j++ {
		ke, err := as.Impasse.Kth(j, conf, metrics.Log)
		if err != nil {
			return nil, err
		}
		bh := ke.ByHorizon
		ir.Kth = append(ir.Kth, KthImpasse{
			K:         j,
			ByHorizon: ProbEstimate{P: Num(bh.Value), SE: Num(bh.SE), CI: [2]Num{Num(bh.Interval.Lo), Num(bh.Interval.Hi)}, N: bh.N},
			Median: TimeEstimate{Median: Num(ke.Median.Value), CI: [2]Num{Num(ke.Median.Interval.Lo), Num(ke.Median.Interval.Hi)},
				Definition: kthDefinition},
			Incidence: incidenceAt(ke.Incidence.Cause(1), rounds),
		})
	}
	for _, m := range []struct {
		mc  *metrics.MeanCount
		out *[]CountPoint
	}{{as.ImpasseCount, &ir.MeanImpasses}, {as.ChannelCount, &ir.MeanBackChannels}} {
		c, err := m.mc.Curve(conf)
		if err != nil {
			return nil, err
		}
		for _, r := range rounds {
			*m.out = append(*m.out, CountPoint{Round: r, Mean: Num(c.Mean[r]), SE: Num(c.SE[r]), CI: [2]Num{Num(c.Lo[r]), Num(c.Hi[r])}})
		}
	}
	sh, err := as.States.Shares(conf)
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		p := OccupancyPoint{Round: r}
		for st := range NumStates {
			*p.Shares.At(State(st)) = Estimate{Count: sh.Count[st][r], N: sh.N, P: Num(sh.Share[st][r]),
				CI: [2]Num{Num(sh.Lo[st][r]), Num(sh.Hi[st][r])}}
		}
		ir.Occupancy = append(ir.Occupancy, p)
	}
	return ir, nil
}

// NewEstimate returns the proportion k/n with its Wilson interval at level
// conf; P and CI are NaN (JSON null) when n = 0.
func NewEstimate(k, n int, conf float64) (Estimate, error) { return estimate(k, n, conf) }

// NewMeanEstimate returns the mean of m with its standard error and t
// interval at level conf; undefined parts (one observation or none) are
// NaN (JSON null). It returns an error if the interval cannot be formed
// (conf outside (0, 1)).
func NewMeanEstimate(m *metrics.Moments, conf float64) (MeanEstimate, error) {
	return meanEstimate(m, conf)
}

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

func meanEstimate(m *metrics.Moments, conf float64) (MeanEstimate, error) {
	e := MeanEstimate{Mean: nan, SE: nan, CI: [2]Num{nan, nan}, N: m.N()}
	if m.N() == 0 {
		return e, nil
	}
	e.Mean = Num(m.Mean())
	if m.N() > 1 {
		e.SE = Num(m.SE())
		iv, err := m.Interval(conf)
		if err != nil {
			return e, err
		}
		e.CI = [2]Num{Num(iv.Lo), Num(iv.Hi)}
	}
	return e, nil
}

// difference returns the paired difference of t; its parts are NaN (JSON
// null) without replications.
func difference(t metrics.PairedTable, conf float64) (Difference, error) {
	d := Difference{Diff: nan, SE: nan, CI: [2]Num{nan, nan}, N: t.N(), VarianceRatio: nan}
	if t.N() == 0 {
		return d, nil
	}
	pd, err := metrics.PairedDifference(t, conf)
	if err != nil {
		return d, err
	}
	d.Diff, d.SE = Num(pd.D), Num(pd.SE)
	d.CI = [2]Num{Num(pd.Interval.Lo), Num(pd.Interval.Hi)}
	// Unpaired variance of p1 − p2 over the same n: p1(1−p1)/n + p2(1−p2)/n.
	n := float64(t.N())
	unpaired := (pd.P1*(1-pd.P1) + pd.P2*(1-pd.P2)) / n
	if pd.SE > 0 {
		d.VarianceRatio = Num(unpaired / (pd.SE * pd.SE))
	}
	return d, nil
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
