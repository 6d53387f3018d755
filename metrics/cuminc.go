package metrics

import (
	"fmt"
	"math"
)

// CompetingRisks is the Aalen-Johansen estimate for C competing causes
// from one initial state: the overall event-free survival S(t) and, for
// each cause k, the cumulative incidence F_k(t) = P(T <= t, cause = k).
// Rows are the distinct times with at least one event of any cause; all
// curves are step functions, constant between rows, with S = 1 and
// F_k = 0 before T[0]. At every row S + Σ_k F_k = 1.
type CompetingRisks struct {
	T      []int     // distinct event times (any cause), increasing
	AtRisk []int     // number at risk just before T[i]
	S      []float64 // event-free survival (Kaplan-Meier, all causes pooled)
	SESurv []float64 // infinitesimal-jackknife standard error of S
	Causes []*IncidenceCurve

	Level float64 // confidence level of the pointwise intervals
	CI    CIType  // transformation of the pointwise intervals
	N     int     // number of observations
}

// Cause returns the incidence curve of cause k (1-based).
func (cr *CompetingRisks) Cause(k int) *IncidenceCurve { return cr.Causes[k-1] }

// IncidenceCurve is the cumulative incidence F_k of one cause with
// pointwise confidence limits. It shares its time grid with the
// CompetingRisks that made it, and satisfies XYer with points (T[i], F[i]).
type IncidenceCurve struct {
	Cause  int       // cause number k
	T      []int     // event times (any cause), shared with CompetingRisks.T
	Events []int     // events of this cause at T[i]
	F      []float64 // cumulative incidence at T[i]
	SE     []float64 // infinitesimal-jackknife standard error of F[i]
	Lo, Hi []float64 // pointwise limits; NaN where undefined (F = 0 with Log or LogLog)

	Level float64
	CI    CIType
	N     int
}

// Len returns the number of rows.
func (c *IncidenceCurve) Len() int { return len(c.T) }

// XY returns (T[i], F[i]).
func (c *IncidenceCurve) XY(i int) (x, y float64) { return float64(c.T[i]), c.F[i] }

// Lower returns the lower pointwise limits as an XYer view.
func (c *IncidenceCurve) Lower() XYer { return stepXY{c.T, c.Lo} }

// Upper returns the upper pointwise limits as an XYer view.
func (c *IncidenceCurve) Upper() XYer { return stepXY{c.T, c.Hi} }

// CumulativeIncidence returns the Aalen-Johansen estimate of the
// cumulative incidence of every cause in et. With n(t) at risk, d_k(t)
// events of cause k and d(t) = Σ_k d_k(t) events at time t:
//
//	S(t)   = ∏_{s <= t} (1 - d(s)/n(s))
//	F_k(t) = Σ_{s <= t} S(s-1) d_k(s)/n(s)
//
// (Aalen and Johansen 1978; Kalbfleisch and Prentice 2002, section 8.2.2,
// eq. 8.5). The standard errors are infinitesimal-jackknife (IJ) ones, as
// R survival computes for survfit(Surv(time, factor(status)) ~ 1)
// (Therneau, survival vignette "compete", section on variance): with
// U_i(t) = ∂F_k(t)/∂w_i the derivative of the estimate with respect to
// the case weight of observation i at w = 1,
//
//	Var F_k(t) = Σ_i U_i(t)²
//	∂λ_k(s)/∂w_i = (dN_ik(s) - Y_i(s) λ_k(s)) / n(s),  λ_k = d_k/n, λ = d/n
//	∂S(s)   = ∂S(s-1)(1 - λ(s)) - S(s-1) ∂λ(s)
//	∂F_k(s) = ∂F_k(s-1) + ∂S(s-1) λ_k(s) + S(s-1) ∂λ_k(s)
//
// where Y_i(s) = 1 while observation i is at risk. Observations sharing a
// (time, cause) cell have equal influence, so the cost is
// O(cells × maxTime × C), independent of N. The pointwise intervals apply
// ci to F_k as R's survfit_confint does (R's default for multi-state
// curves is Log). They are pointwise, not simultaneous bands.
//
// With competing risks 1 - KM(cause k, other causes censored) overstates
// F_k, because KM treats a subject who had a competing event as if it
// could still have event k later; CumulativeIncidence does not. (Putter,
// Fiocco and Geskus 2007, Stat. Med. 26, 2389-2430, section 3.)
//
// CumulativeIncidence returns an error wrapping ErrNoData for an empty
// table and one wrapping ErrDomain for bad conf or ci.
func CumulativeIncidence(et *EventTable, conf float64, ci CIType) (*CompetingRisks, error) {
	if err := checkConf(conf); err != nil {
		return nil, err
	}
	if !ci.valid() {
		return nil, fmt.Errorf("metrics: unknown CI type %d: %w", int(ci), ErrDomain)
	}
	if et.n == 0 {
		return nil, fmt.Errorf("metrics: cumulative incidence of an empty event table: %w", ErrNoData)
	}
	C := et.causes
	w := C + 1
	maxT := et.MaxTime()
	nT := maxT + 1

	// Hazards and estimates at every time 0..maxT.
	nrisk := make([]float64, nT)
	lam := make([]float64, nT)    // λ(t)
	lamK := make([]float64, nT*w) // λ_k(t) at [t*w+k]
	S := make([]float64, nT)      // S(t)
	F := make([]float64, nT*w)    // F_k(t) at [t*w+k]
	at := float64(et.n)
	sPrev := 1.0
	for t := range nT {
		row := et.counts[t*w : (t+1)*w]
		nrisk[t] = at
		var d int64
		for k := 1; k <= C; k++ {
			d += row[k]
			lamK[t*w+k] = float64(row[k]) / at
		}
		lam[t] = float64(d) / at
		S[t] = sPrev * (1 - lam[t])
		if d == int64(at) && d > 0 {
			S[t] = 0
		}
		for k := 1; k <= C; k++ {
			prev := 0.0
			if t > 0 {
				prev = F[(t-1)*w+k]
			}
			F[t*w+k] = prev + sPrev*lamK[t*w+k]
		}
		sPrev = S[t]
		at -= float64(d + row[0])
	}

	// Influence of an observation still at risk after t (common path A).
	aS := make([]float64, nT)
	aF := make([]float64, nT*w)
	{
		dS, dF := 0.0, make([]float64, w)
		sp := 1.0
		for t := range nT {
			dl := -lam[t] / nrisk[t]
			for k := 1; k <= C; k++ {
				dlk := -lamK[t*w+k] / nrisk[t]
				dF[k] += dS*lamK[t*w+k] + sp*dlk
				aF[t*w+k] = dF[k]
			}
			dS = dS*(1-lam[t]) - sp*dl
			aS[t] = dS
			sp = S[t]
		}
	}

	// Variance: Σ over cells of count × U², plus the common path for the
	// observations still at risk after t.
	vS := make([]float64, nT)
	vF := make([]float64, nT*w)
	after := float64(et.n) // observations with time > t, updated below
	for t := range nT {
		row := et.counts[t*w : (t+1)*w]
		var here int64
		for _, v := range row {
			here += v
		}
		after -= float64(here)
		vS[t] += after * aS[t] * aS[t]
		for k := 1; k <= C; k++ {
			vF[t*w+k] += after * aF[t*w+k] * aF[t*w+k]
		}
	}
	dF := make([]float64, w)
	for ti := range nT {
		for c := 0; c <= C; c++ {
			m := float64(et.counts[ti*w+c])
			if m == 0 {
				continue
			}
			// Start from the common path just before ti.
			dS, sp := 0.0, 1.0
			clear(dF)
			if ti > 0 {
				dS, sp = aS[ti-1], S[ti-1]
				for k := 1; k <= C; k++ {
					dF[k] = aF[(ti-1)*w+k]
				}
			}
			for t := ti; t < nT; t++ {
				var dl float64
				if t == ti {
					ev := 0.0
					if c > 0 {
						ev = 1
					}
					dl = (ev - lam[t]) / nrisk[t]
				}
				for k := 1; k <= C; k++ {
					var dlk float64
					if t == ti {
						ev := 0.0
						if c == k {
							ev = 1
						}
						dlk = (ev - lamK[t*w+k]) / nrisk[t]
					}
					dF[k] += dS*lamK[t*w+k] + sp*dlk
					vF[t*w+k] += m * dF[k] * dF[k]
				}
				dS = dS*(1-lam[t]) - sp*dl
				vS[t] += m * dS * dS
				sp = S[t]
			}
		}
	}

	z := zQuantile(conf)
	cr := &CompetingRisks{Level: conf, CI: ci, N: et.N()}
	for k := 1; k <= C; k++ {
		cr.Causes = append(cr.Causes, &IncidenceCurve{Cause: k, Level: conf, CI: ci, N: et.N()})
	}
	for t := range nT {
		if lam[t] == 0 {
			continue
		}
		cr.T = append(cr.T, t)
		cr.AtRisk = append(cr.AtRisk, int(nrisk[t]))
		cr.S = append(cr.S, S[t])
		cr.SESurv = append(cr.SESurv, math.Sqrt(vS[t]))
		for k := 1; k <= C; k++ {
			ic := cr.Causes[k-1]
			f, se := F[t*w+k], math.Sqrt(vF[t*w+k])
			seLog := 0.0
			if se != 0 {
				seLog = se / f
			}
			lo, hi := pointwise(f, seLog, z, ci)
			ic.Events = append(ic.Events, int(et.counts[t*w+k]))
			ic.F = append(ic.F, f)
			ic.SE = append(ic.SE, se)
			ic.Lo = append(ic.Lo, lo)
			ic.Hi = append(ic.Hi, hi)
		}
	}
	for _, ic := range cr.Causes {
		ic.T = cr.T
	}
	return cr, nil
}
