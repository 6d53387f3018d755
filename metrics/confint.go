package metrics

import "math"

// CIType selects the transformation used for pointwise confidence intervals
// of a survival or cumulative incidence probability p with standard error
// se. The zero value is LogLog.
type CIType int

const (
	// LogLog is the complementary log-log interval, the default for
	// Kaplan-Meier (Kalbfleisch and Prentice 2002, section 1.4; R survfit
	// conf.type = "log-log"):
	//
	//	Lo, Hi = exp(-exp(log(-log p) ± z·se/(p·|log p|)))
	//
	// It is undefined (NaN) at p = 0 and p = 1.
	LogLog CIType = iota
	// Plain is the untransformed interval p ± z·se, clipped to [0, 1]
	// (R conf.type = "plain").
	Plain
	// Log is the interval exp(log p ± z·se/p) with the upper limit capped
	// at 1 (R conf.type = "log", the default of R survfit). It is
	// undefined (NaN) at p = 0.
	Log
)

// String returns "log-log", "plain" or "log".
func (c CIType) String() string {
	switch c {
	case LogLog:
		return "log-log"
	case Plain:
		return "plain"
	case Log:
		return "log"
	}
	return "unknown"
}

// valid reports whether c is a known CIType.
func (c CIType) valid() bool { return c == LogLog || c == Plain || c == Log }

// pointwise returns the interval for a probability p whose standard error
// on the log scale is seLog (seLog = se(p)/p), reproducing R survival's
// survfit_confint (survival 3.5) for conf.type "plain", "log" and
// "log-log" with ulimit = TRUE.
func pointwise(p, seLog, z float64, c CIType) (lo, hi float64) {
	switch c {
	case Plain:
		se2 := seLog * p * z
		return math.Max(p-se2, 0), math.Min(p+se2, 1)
	case Log:
		if p == 0 {
			return math.NaN(), math.NaN()
		}
		return math.Exp(math.Log(p) - z*seLog), math.Min(math.Exp(math.Log(p)+z*seLog), 1)
	default:
		if p == 0 || p == 1 {
			return math.NaN(), math.NaN()
		}
		se2 := z * seLog / math.Log(p)
		ll := math.Log(-math.Log(p))
		return math.Exp(-math.Exp(ll - se2)), math.Exp(-math.Exp(ll + se2))
	}
}
