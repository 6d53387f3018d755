package metrics

import (
	"fmt"
	"math"
)

// SurvivalCurve is a Kaplan-Meier estimate of the survival function
// S(t) = P(T > t) with Greenwood standard errors and pointwise confidence
// limits. Row i describes the i-th distinct event time T[i]; S is constant
// between event times and equals 1 before T[0]. S[i] is the value at T[i]
// (after the drop).
//
// SurvivalCurve satisfies XYer with points (T[i], S[i]); Lower and Upper
// give the confidence limits as XYer views.
type SurvivalCurve struct {
	T      []int     // distinct event times, increasing
	AtRisk []int     // number at risk just before T[i] (ending at or after T[i])
	Events []int     // events at T[i]
	S      []float64 // Kaplan-Meier estimate at T[i]
	SE     []float64 // Greenwood standard error of S[i]; NaN once S reaches 0
	Lo, Hi []float64 // pointwise confidence limits at level Level; NaN where undefined

	Level float64 // confidence level of Lo, Hi
	CI    CIType  // transformation used for Lo, Hi
	Cause int     // 0: all causes pooled; k: events of cause k only
	N     int     // number of observations

	seLog   []float64 // Greenwood SE of -log S (R's fit$std.err)
	maxTime int       // largest observed time, event or censored
}

// KaplanMeier returns the Kaplan-Meier (product-limit) estimate from an
// event table. With cause = 0 all causes are pooled into one event type;
// with 1 <= cause <= et.Causes() only events of that cause count as events
// and events of other causes are treated as censored (the cause-specific
// "survival", whose complement is NOT the cumulative incidence when there
// are competing risks; see CumulativeIncidence).
//
// With n_j at risk and d_j events at the event times t_j:
//
//	S(t)     = ∏_{t_j <= t} (1 - d_j/n_j)                (Kaplan and Meier 1958)
//	Var S(t) = S(t)² Σ_{t_j <= t} d_j / (n_j (n_j - d_j))  (Greenwood 1926)
//
// and the pointwise interval at level conf uses the transformation ci (see
// CIType), computed as R survival's survfit (Therneau, survival 3.5) does.
// Where d_j = n_j the Greenwood sum is infinite: S = 0 and SE, Lo, Hi are
// NaN from there on, as R reports NA.
//
// KaplanMeier returns an error wrapping ErrNoData for an empty table (a
// table with observations but no events gives a curve with no rows, whose
// quantiles are NaN), and an error wrapping ErrDomain for a bad cause,
// conf or ci.
func KaplanMeier(et *EventTable, cause int, conf float64, ci CIType) (*SurvivalCurve, error) {
	if err := checkConf(conf); err != nil {
		return nil, err
	}
	if !ci.valid() {
		return nil, fmt.Errorf("metrics: unknown CI type %d: %w", int(ci), ErrDomain)
	}
	if cause < 0 || cause > et.causes {
		return nil, fmt.Errorf("metrics: cause %d outside 0..%d: %w", cause, et.causes, ErrDomain)
	}
	if et.n == 0 {
		return nil, fmt.Errorf("metrics: Kaplan-Meier of an empty event table: %w", ErrNoData)
	}
	rows, maxT := et.rows()
	z := zQuantile(conf)
	c := &SurvivalCurve{Level: conf, CI: ci, Cause: cause, N: et.N(), maxTime: maxT}
	s, gw := 1.0, 0.0
	for _, r := range rows {
		d := r.total
		if cause > 0 {
			d = r.events[cause]
		}
		if d == 0 {
			continue
		}
		n := float64(r.atRisk)
		df := float64(d)
		s *= 1 - df/n
		if r.atRisk == d {
			s = 0
			gw = math.Inf(1)
		} else {
			gw += df / (n * (n - df))
		}
		seLog := math.Sqrt(gw)
		se := s * seLog
		if s == 0 {
			se = math.NaN()
		}
		lo, hi := pointwise(s, seLog, z, ci)
		c.T = append(c.T, r.t)
		c.AtRisk = append(c.AtRisk, int(r.atRisk))
		c.Events = append(c.Events, int(d))
		c.S = append(c.S, s)
		c.SE = append(c.SE, se)
		c.seLog = append(c.seLog, seLog)
		c.Lo = append(c.Lo, lo)
		c.Hi = append(c.Hi, hi)
	}
	return c, nil
}

// Len returns the number of event times.
func (c *SurvivalCurve) Len() int { return len(c.T) }

// XY returns (T[i], S[i]).
func (c *SurvivalCurve) XY(i int) (x, y float64) { return float64(c.T[i]), c.S[i] }

// Lower returns the lower confidence limits (T[i], Lo[i]) as an XYer view.
func (c *SurvivalCurve) Lower() XYer { return stepXY{c.T, c.Lo} }

// Upper returns the upper confidence limits (T[i], Hi[i]) as an XYer view.
func (c *SurvivalCurve) Upper() XYer { return stepXY{c.T, c.Hi} }

// At returns the estimate S(t) at any time t (1 before the first event).
func (c *SurvivalCurve) At(t float64) float64 {
	s := 1.0
	for i, ti := range c.T {
		if float64(ti) > t {
			break
		}
		s = c.S[i]
	}
	return s
}
