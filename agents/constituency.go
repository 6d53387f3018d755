package agents

import (
	"math"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/internal/check"
	"gonum.org/v1/gonum/stat/distuv"
)

// OpinionDynamics is the peer-influence rule applied to a constituency once
// per round. x holds each constituent's required share (hawkishness) in
// [0,1]; the rule updates it in place, keeps every value in [0,1], draws
// only from rng and must not allocate.
type OpinionDynamics interface {
	Step(x []float64, rng *rand.Rand)
}

// Deffuant is the bounded-confidence model of Deffuant, Neau, Amblard &
// Weisbuch (2000). Each round ⌊Rate·N⌋ random pairs (i, j) meet; if their
// opinions differ by less than the confidence bound ε they move toward each
// other by the convergence parameter μ:
//
//	if |x_i − x_j| < ε:  x_i += μ·(x_j − x_i);  x_j += μ·(x_i − x_j)
//
// The pair update preserves the population mean (up to rounding). Clusters
// number about ⌊1/(2ε)⌋; ε ≥ 0.5 gives consensus.
//
// Both members of a pair come from one 64-bit draw: each 32-bit half is
// mapped to [0, N) by Lemire's multiply-shift, i = ⌊h·N/2³²⌋, without the
// rejection step. An index is then chosen with probability within N/2³² of
// 1/N in relative terms (2·10⁻⁷ for N = 1000), far below Monte Carlo error,
// and the kernel needs half the draws of two IntN calls.
type Deffuant struct {
	Epsilon float64 // confidence bound ε in (0,1]
	Mu      float64 // convergence μ in (0, 0.5]
	Rate    float64 // pairs per constituent per round (0.5: each meets once on average)
}

// Step implements OpinionDynamics.
func (d Deffuant) Step(x []float64, rng *rand.Rand) {
	n := len(x)
	if n < 2 {
		return
	}
	pairs := int(d.Rate * float64(n))
	eps, mu := d.Epsilon, d.Mu
	nn := uint64(uint32(n))
	if int(nn) != n {
		panic("agents: Deffuant population larger than 2^32")
	}
	for range pairs {
		u := rng.Uint64()
		i, j := ((u>>32)*nn)>>32, ((u&0xffffffff)*nn)>>32
		xi, xj := x[i], x[j]
		diff := xj - xi
		if diff < eps && diff > -eps {
			x[i] = xi + mu*diff
			x[j] = xj - mu*diff
		}
	}
}

// ConstituencyParams describe one party's population of constituents. An
// opinion x ∈ [0,1] is the share of the surplus a constituent requires for
// their side before accepting a deal: high x is hawkish.
type ConstituencyParams struct {
	// Size is the number of constituents. Default 200; range [1, 10^6].
	Size int `json:"size" yaml:"size"`
	// HawkMean is the mean initial required share. Default 0.45.
	HawkMean float64 `json:"hawk_mean" yaml:"hawk_mean"`
	// HawkConcentration is a+b of the Beta(a, b) initial distribution with
	// mean HawkMean: larger is less dispersed. Default 20.
	HawkConcentration float64 `json:"hawk_concentration" yaml:"hawk_concentration"`
	// Epsilon is the Deffuant confidence bound ε. Default 0.15: the
	// electorate stays plural (final s.d. of opinions about 0.07) instead of
	// reaching the consensus that ε ≥ 0.25 gives from the initial spread.
	Epsilon float64 `json:"epsilon" yaml:"epsilon"`
	// Mu is the Deffuant convergence μ. Default 0.3.
	Mu float64 `json:"mu" yaml:"mu"`
	// Rate is pairs per constituent per round. Default 0.5.
	Rate float64 `json:"rate" yaml:"rate"`
	// AcceptLatitude: a leader message closer than this is assimilated
	// (social judgement theory, Sherif & Hovland 1961). Default 0.15.
	AcceptLatitude float64 `json:"accept_latitude" yaml:"accept_latitude"`
	// RejectLatitude: a message farther than this is contrasted (boomerang,
	// backlash). Default 0.35; must exceed AcceptLatitude.
	RejectLatitude float64 `json:"reject_latitude" yaml:"reject_latitude"`
	// MuLeader is the assimilation rate toward a leader message, scaled by
	// the leader's approval and the audience's attention. Default 0.05.
	MuLeader float64 `json:"mu_leader" yaml:"mu_leader"`
	// MuBoomerang is the contrast rate away from a rejected message.
	// Default 0.02.
	MuBoomerang float64 `json:"mu_boomerang" yaml:"mu_boomerang"`
	// AttentionRise is the per-round rise of attention toward 1 while talks
	// are public. Default 0.2.
	AttentionRise float64 `json:"attention_rise" yaml:"attention_rise"`
	// AttentionDecay is the per-round relative decay of attention when
	// nothing is visible. Default 0.1.
	AttentionDecay float64 `json:"attention_decay" yaml:"attention_decay"`
	// PrepRate is the per-round growth of preparedness toward 1 while talks
	// are visible: public, exposed, or an announced deal awaiting its vote
	// (Wanis-St. John 2005; docs/MODEL.md §7.10). Default 0.03.
	PrepRate float64 `json:"prep_rate" yaml:"prep_rate"`
	// RevealBacklash hardens opinions when secret talks are exposed:
	// x ← x + b·(1 − prep)·(1 − x). Default 0.1.
	RevealBacklash float64 `json:"reveal_backlash" yaml:"reveal_backlash"`
	// VoterNoise T is the scale of each voter's logistic taste shock at a
	// ratification vote, in share units (random utility; McFadden 1974):
	// voter v accepts iff s − x_v + bonus + mood + T·ε_v > 0, ε_v standard
	// logistic. Default 0.08; [0, 1].
	VoterNoise float64 `json:"voter_noise" yaml:"voter_noise"`
}

// DefaultConstituencyParams returns the documented defaults.
func DefaultConstituencyParams() ConstituencyParams {
	return ConstituencyParams{
		Size: 200, HawkMean: 0.45, HawkConcentration: 20, Epsilon: 0.15, Mu: 0.3, Rate: 0.5,
		AcceptLatitude: 0.15, RejectLatitude: 0.35, MuLeader: 0.05, MuBoomerang: 0.02,
		AttentionRise: 0.2, AttentionDecay: 0.1, PrepRate: 0.03, RevealBacklash: 0.1,
		VoterNoise: 0.08,
	}
}

// Validate reports every invalid field at once.
func (p *ConstituencyParams) Validate() error {
	e := check.New("")
	e.IntRange("size", p.Size, 1, 1_000_000)
	e.Closed("hawk_mean", p.HawkMean, 0.001, 0.999)
	e.Closed("hawk_concentration", p.HawkConcentration, 0.1, 1e6)
	e.Closed("epsilon", p.Epsilon, 0, 1)
	e.Closed("mu", p.Mu, 0, 0.5)
	e.Closed("rate", p.Rate, 0, 100)
	e.Closed("accept_latitude", p.AcceptLatitude, 0, 1)
	e.Closed("reject_latitude", p.RejectLatitude, 0, 1)
	e.Less("accept_latitude", p.AcceptLatitude, "reject_latitude", p.RejectLatitude)
	e.Closed("mu_leader", p.MuLeader, 0, 1)
	e.Closed("mu_boomerang", p.MuBoomerang, 0, 1)
	e.Prob("attention_rise", p.AttentionRise)
	e.Prob("attention_decay", p.AttentionDecay)
	e.Prob("prep_rate", p.PrepRate)
	e.Prob("reveal_backlash", p.RevealBacklash)
	e.Prob("voter_noise", p.VoterNoise)
	return e.Err()
}

// Constituency is one party's population. X holds the opinions (required
// shares) as a flat slice (struct-of-arrays), Attention and Preparedness
// are population-level states in [0,1].
type Constituency struct {
	P            *ConstituencyParams
	Dynamics     OpinionDynamics
	X            []float64
	Attention    float64
	Preparedness float64

	deffuant Deffuant // storage for the default rule (no allocation per Reset)
}

// Reset draws initial opinions from Beta(m·c, (1−m)·c) with m = HawkMean and
// c = HawkConcentration, reusing X's storage when it is large enough, and
// installs the default Deffuant dynamics. It allocates only when the
// population grows.
func (c *Constituency) Reset(p *ConstituencyParams, rng *rand.Rand) {
	c.P = p
	c.deffuant = Deffuant{Epsilon: p.Epsilon, Mu: p.Mu, Rate: p.Rate}
	c.Dynamics = &c.deffuant
	if cap(c.X) < p.Size {
		c.X = make([]float64, p.Size)
	}
	c.X = c.X[:p.Size]
	b := distuv.Beta{Alpha: p.HawkMean * p.HawkConcentration, Beta: (1 - p.HawkMean) * p.HawkConcentration, Src: rng}
	for i := range c.X {
		c.X[i] = b.Rand()
	}
	c.Attention = 0
	c.Preparedness = 0
}

// Ballot fills z with each constituent's net utility of a deal giving
// their side the share s (random utility; McFadden 1974), before the common
// mood of the day:
//
//	z_v = s − x_v + bonus + T·ln(u_v/(1 − u_v)),   u_v ~ U(0,1)
//
// where T is VoterNoise and bonus collects the leader's cue, preparedness
// and surprise (docs/MODEL.md §7.14). Constituent v votes for the deal iff
// z_v + mood > 0. It returns the share in favour at the given mood. z must
// have len(X) elements; it draws len(X) uniforms from rng, whatever T.
func (c *Constituency) Ballot(s, bonus, mood float64, z []float64, rng *rand.Rand) float64 {
	z = z[:len(c.X)]
	t := c.P.VoterNoise
	k := 0
	for i, x := range c.X {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		zi := s - x + bonus + t*math.Log(u/(1-u))
		z[i] = zi
		if zi+mood > 0 {
			k++
		}
	}
	return float64(k) / float64(len(c.X))
}

// Step applies one round of peer influence.
func (c *Constituency) Step(rng *rand.Rand) { c.Dynamics.Step(c.X, rng) }

// Message applies a leader message m (a share) to every constituent by social
// judgement theory (Sherif & Hovland 1961; Jager & Amblard 2005), with
// weight w ∈ [0,1] (attention × approval):
//
//	d = |x − m|
//	d < ε_acc:  x ← x + μ_L·w·(m − x)     (assimilation)
//	d > ε_rej:  x ← x − μ_B·w·(m − x)     (boomerang), clipped to [0,1]
func (c *Constituency) Message(m, w float64) {
	acc, rej := c.P.AcceptLatitude, c.P.RejectLatitude
	ml, mb := c.P.MuLeader*w, c.P.MuBoomerang*w
	for i, x := range c.X {
		d := m - x
		ad := math.Abs(d)
		switch {
		case ad < acc:
			c.X[i] = x + ml*d
		case ad > rej:
			c.X[i] = clamp01(x - mb*d)
		}
	}
}

// Harden moves every opinion toward the hard line by a fraction h:
// x ← x + h·(1 − x). Used for backlash at exposure and after attacks.
func (c *Constituency) Harden(h float64) {
	for i, x := range c.X {
		c.X[i] = x + h*(1-x)
	}
}

// Attend updates attention: it rises toward 1 at AttentionRise while talks
// are visible and decays at AttentionDecay otherwise. Preparedness grows at
// PrepRate only while public is true (Wanis-St. John 2005; eq. 1e); the
// simulator passes the talks' visibility (public talks, an exposed secret
// channel or an announced deal), so unexposed secret talks prepare no one.
func (c *Constituency) Attend(visible, public bool) {
	if visible {
		c.Attention += c.P.AttentionRise * (1 - c.Attention)
	} else {
		c.Attention -= c.P.AttentionDecay * c.Attention
	}
	if public {
		c.Preparedness += c.P.PrepRate * (1 - c.Preparedness)
	}
}

// Spike sets attention to 1 (a leak or an announcement).
func (c *Constituency) Spike() { c.Attention = 1 }

// Mean returns the mean opinion (mean hawkishness). It sums in four
// interleaved partial sums (a fixed order, so the result is deterministic):
// the additions no longer wait on each other, which makes this pass about
// four times faster than a single running sum.
func (c *Constituency) Mean() float64 {
	x := c.X
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return ((s0 + s1) + (s2 + s3)) / float64(len(x))
}

// Pressure is the audience pressure on the leader: hawkishness weighted by
// attention, P = attention · mean(x).
func (c *Constituency) Pressure(mean float64) float64 { return c.Attention * mean }

// Support returns the share of constituents who accept a deal giving their
// side the share s, when the acceptance bar is shifted by bonus (positive:
// more lenient): constituent j accepts iff x_j ≤ s + bonus (Putnam's
// win-set; docs/MODEL.md §7.14).
func (c *Constituency) Support(s, bonus float64) float64 {
	bar := s + bonus
	k := 0
	for _, x := range c.X {
		if x <= bar {
			k++
		}
	}
	return float64(k) / float64(len(c.X))
}

// OrderStat returns the k-th smallest opinion (1 ≤ k ≤ len(X)), using
// scratch (len ≥ len(X)) as working space so that it allocates nothing. It
// runs in expected linear time (quickselect with a median-of-three pivot).
func (c *Constituency) OrderStat(k int, scratch []float64) float64 {
	a := scratch[:len(c.X)]
	copy(a, c.X)
	return KthSmallest(a, k)
}

// KthSmallest returns the k-th smallest element of a (1 ≤ k ≤ len(a)),
// reordering a in place. It runs in expected linear time (quickselect with a
// median-of-three pivot) and allocates nothing.
func KthSmallest(a []float64, k int) float64 {
	lo, hi, k := 0, len(a)-1, k-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// Median of three as the pivot.
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		p := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}

// Polarisation is the standard deviation of opinions (population form).
func (c *Constituency) Polarisation() float64 {
	m := c.Mean()
	s := 0.0
	for _, x := range c.X {
		d := x - m
		s += d * d
	}
	return math.Sqrt(s / float64(len(c.X)))
}
