package metrics

import (
	"fmt"
	"math"
)

// PairedTable is the 2×2 table of a binary outcome observed twice on the
// same replications, for example under two policies run with common random
// numbers. N11 counts replications where both outcomes occurred, N10 where
// only the first did, N01 where only the second did and N00 where neither
// did.
type PairedTable struct {
	N11, N10, N01, N00 int
}

// N returns the number of pairs N11 + N10 + N01 + N00.
func (t PairedTable) N() int { return t.N11 + t.N10 + t.N01 + t.N00 }

// Add counts one pair: a is the first indicator (say, the event under
// variant 1), b the second.
func (t *PairedTable) Add(a, b bool) {
	switch {
	case a && b:
		t.N11++
	case a:
		t.N10++
	case b:
		t.N01++
	default:
		t.N00++
	}
}

// Merge adds the counts of o.
func (t *PairedTable) Merge(o PairedTable) {
	t.N11 += o.N11
	t.N10 += o.N10
	t.N01 += o.N01
	t.N00 += o.N00
}

// PairedDiff is the difference of two proportions estimated on the same
// replications, D = p₁ - p₂, with its paired standard error and interval.
type PairedDiff struct {
	P1, P2   float64  // marginal proportions (N11+N10)/N and (N11+N01)/N
	D        float64  // P1 - P2 = (N10 - N01)/N
	SE       float64  // paired (Wald) standard error of D
	Interval Interval // Newcombe (1998) method 10 interval for D
	N        int      // number of pairs
}

// PairedDifference returns the difference of two paired proportions, its
// standard error and the Newcombe (1998) "method 10" hybrid score
// (square-and-add) interval. With a, b, c, d = N11, N10, N01, N00 and
// n = a+b+c+d:
//
//	p₁ = (a+b)/n,  p₂ = (a+c)/n,  D = p₁ - p₂ = (b-c)/n
//	SE = sqrt((b+c) - (b-c)²/n) / n
//
// The interval combines the Wilson intervals [l₁, u₁] for p₁ and [l₂, u₂]
// for p₂ (see Wilson) with a continuity-corrected estimate φ of the
// correlation between the two margins:
//
//	A = ad - bc,  P = (a+b)(c+d)(a+c)(b+d)
//	φ = (A - n/2)/√P  if A > n/2;  0 if 0 <= A <= n/2;  A/√P if A < 0;
//	φ = 0 if any margin is zero
//	Lo = D - sqrt((p₁-l₁)² - 2φ(p₁-l₁)(u₂-p₂) + (u₂-p₂)²)
//	Hi = D + sqrt((u₁-p₁)² - 2φ(u₁-p₁)(p₂-l₂) + (p₂-l₂)²)
//
// (Newcombe, R. G. 1998, Stat. Med. 17, 2635-2650, method 10; the same
// formula as Fagerland, Lydersen and Laake 2017, Statistical Analysis of
// Contingency Tables, section 8.5, "Newcombe square-and-add"). The interval
// lies within [-1, 1]; it is clamped there against rounding.
//
// PairedDifference returns an error wrapping ErrDomain for negative counts
// or conf outside (0, 1), and one wrapping ErrNoData if n == 0.
func PairedDifference(t PairedTable, conf float64) (PairedDiff, error) {
	if err := checkConf(conf); err != nil {
		return PairedDiff{}, err
	}
	if t.N11 < 0 || t.N10 < 0 || t.N01 < 0 || t.N00 < 0 {
		return PairedDiff{}, fmt.Errorf("metrics: negative count in paired table %+v: %w", t, ErrDomain)
	}
	n := t.N()
	if n == 0 {
		return PairedDiff{}, fmt.Errorf("metrics: paired table with n=0: %w", ErrNoData)
	}
	a, b, c, d := float64(t.N11), float64(t.N10), float64(t.N01), float64(t.N00)
	nf := float64(n)
	w1, err := Wilson(t.N11+t.N10, n, conf)
	if err != nil {
		return PairedDiff{}, err
	}
	w2, err := Wilson(t.N11+t.N01, n, conf)
	if err != nil {
		return PairedDiff{}, err
	}
	p1, p2 := (a+b)/nf, (a+c)/nf
	diff := (b - c) / nf
	se := math.Sqrt(math.Max(0, (b+c)-(b-c)*(b-c)/nf)) / nf

	var phi float64
	if a+b > 0 && c+d > 0 && a+c > 0 && b+d > 0 {
		prod := (a + b) * (c + d) * (a + c) * (b + d)
		A := a*d - b*c
		switch {
		case A > nf/2:
			phi = (A - nf/2) / math.Sqrt(prod)
		case A >= 0:
			phi = 0
		default:
			phi = A / math.Sqrt(prod)
		}
	}
	dl1, du1 := p1-w1.Lo, w1.Hi-p1
	dl2, du2 := p2-w2.Lo, w2.Hi-p2
	lo := diff - math.Sqrt(math.Max(0, dl1*dl1-2*phi*dl1*du2+du2*du2))
	hi := diff + math.Sqrt(math.Max(0, du1*du1-2*phi*du1*dl2+dl2*dl2))
	return PairedDiff{
		P1: p1, P2: p2, D: diff, SE: se, N: n,
		Interval: Interval{Lo: clamp(lo, -1, 1), Hi: clamp(hi, -1, 1), Level: conf},
	}, nil
}
