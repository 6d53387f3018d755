package metrics

import (
	"math"
	"math/bits"
)

const (
	limbBits  = 32
	limbMask  = 1<<limbBits - 1
	numLimbs  = 70      // 70·32 = 2240 bits ≥ 1074 + 1024 + 64 + headroom
	maxUnnorm = 1 << 30 // additions between carry propagations (limb bound 2^62)
)

// ExactSum is an exact accumulator for sums of float64 values: a
// fixed-point superaccumulator whose 70 signed 32-bit "limbs" (held in
// int64 with room for deferred carries) cover every bit position of a
// finite float64, from 2⁻¹⁰⁷⁴ to 2¹⁰²⁴, plus 64 bits of headroom against
// overflow of the sum (Neal 2015, "small superaccumulator"; Demmel and
// Nguyen 2013 use the same idea for reproducible summation).
//
// Every finite float64 is an integer multiple of 2⁻¹⁰⁷⁴, so the
// accumulator holds the sum exactly, without rounding. Float64 rounds that
// exact value once, to nearest with ties to even. Hence the result depends
// only on the multiset of values added, not on their order nor on how
// they were split between accumulators that were then merged: Add and
// Merge are associative and commutative bit for bit.
//
// Non-finite values are counted apart: a NaN, or both +Inf and -Inf,
// make the sum NaN; otherwise an infinity makes it ±Inf.
//
// The zero value is an empty sum, ready to use. An ExactSum is 592 bytes;
// Add and Merge do not allocate.
type ExactSum struct {
	limb    [numLimbs]int64
	pending int64 // additions since the last carry propagation
	nan     int64
	posInf  int64
	negInf  int64
}

// Add adds x to the sum exactly. It takes constant time and does not
// allocate.
func (s *ExactSum) Add(x float64) {
	b := math.Float64bits(x)
	e := int(b>>52) & 0x7ff
	m := b & (1<<52 - 1)
	if e == 0x7ff {
		switch {
		case m != 0:
			s.nan++
		case b>>63 != 0:
			s.negInf++
		default:
			s.posInf++
		}
		return
	}
	pos := 0 // bit position of the mantissa's lowest bit, in units of 2^-1074
	if e != 0 {
		m |= 1 << 52
		pos = e - 1
	}
	if m == 0 {
		return
	}
	i, sh := pos/limbBits, uint(pos%limbBits)
	lo := m << sh // m<<sh as a 128-bit number hi:lo
	var hi uint64
	if sh > 0 {
		hi = m >> (64 - sh)
	}
	p0 := int64(lo & limbMask)
	p1 := int64(lo >> limbBits)
	p2 := int64(hi)
	if b>>63 != 0 {
		p0, p1, p2 = -p0, -p1, -p2
	}
	s.limb[i] += p0
	s.limb[i+1] += p1
	s.limb[i+2] += p2
	s.pending++
	if s.pending >= maxUnnorm {
		s.normalize()
	}
}

// normalize propagates carries so that limbs 0..n-2 lie in [0, 2^32) and
// the top limb carries the sign. The represented value is unchanged.
func (s *ExactSum) normalize() {
	for i := 0; i < numLimbs-1; i++ {
		c := s.limb[i] >> limbBits // floor division by 2^32
		s.limb[i] -= c << limbBits
		s.limb[i+1] += c
	}
	s.pending = 0
}

// Merge adds the sum held by o into s exactly. o is not modified.
func (s *ExactSum) Merge(o *ExactSum) {
	if s.pending+o.pending >= maxUnnorm {
		s.normalize()
		oc := *o
		oc.normalize()
		o = &oc
	}
	for i := range s.limb {
		s.limb[i] += o.limb[i]
	}
	s.pending += o.pending + 1
	s.nan += o.nan
	s.posInf += o.posInf
	s.negInf += o.negInf
}

// magnitude returns the sign of the (finite) sum and a copy whose limbs
// hold its absolute value: every limb in [0, 2^32) except the top one,
// which is non-negative. Limbs of a normalized negative sum are a
// two's-complement-like vector whose top limb is negative; read one by one
// they would stand for huge opposite terms (±2^1134), so callers that
// scale limbs individually need this sign-magnitude form.
func (s *ExactSum) magnitude() (neg bool, v ExactSum) {
	v = *s
	v.normalize()
	neg = v.limb[numLimbs-1] < 0
	if neg { // negate the two's-complement-like limb vector
		borrow := int64(0)
		for i := 0; i < numLimbs-1; i++ {
			x := -v.limb[i] - borrow
			borrow = 0
			if x < 0 {
				x += 1 << limbBits
				borrow = 1
			}
			v.limb[i] = x
		}
		v.limb[numLimbs-1] = -v.limb[numLimbs-1] - borrow
	}
	return neg, v
}

// Reset sets the sum to zero.
func (s *ExactSum) Reset() { *s = ExactSum{} }

// Float64 returns the exact sum correctly rounded to the nearest float64
// (ties to even), ±Inf if it overflows, or NaN as described for ExactSum.
func (s *ExactSum) Float64() float64 {
	switch {
	case s.nan > 0 || (s.posInf > 0 && s.negInf > 0):
		return math.NaN()
	case s.posInf > 0:
		return math.Inf(1)
	case s.negInf > 0:
		return math.Inf(-1)
	}
	neg, v := s.magnitude()
	top := numLimbs - 1
	for top >= 0 && v.limb[top] == 0 {
		top--
	}
	if top < 0 {
		return 0
	}
	// Gather the leading 64 bits (or all bits, if fewer) into acc; lower
	// bits only set sticky.
	var sticky bool
	acc := uint64(v.limb[top])
	nb := bits.Len64(acc)
	lowPos := top * limbBits
	for j := top - 1; j >= 0; j-- {
		l := uint64(v.limb[j])
		room := 64 - nb
		switch {
		case room >= limbBits:
			acc = acc<<limbBits | l
			nb += limbBits
			lowPos -= limbBits
		case room > 0:
			acc = acc<<uint(room) | l>>uint(limbBits-room)
			if l&(1<<uint(limbBits-room)-1) != 0 {
				sticky = true
			}
			nb = 64
			lowPos -= room
		default:
			if l != 0 {
				sticky = true
			}
		}
	}
	// acc·2^(lowPos-1074) plus a sticky remainder below. Round acc to 53 bits.
	if nb > 53 {
		shift := uint(nb - 53)
		rem := acc & (1<<shift - 1)
		acc >>= shift
		lowPos += int(shift)
		half := uint64(1) << (shift - 1)
		if rem > half || (rem == half && (sticky || acc&1 == 1)) {
			acc++
		}
	}
	// acc < 2^54 is exact in float64; a multiple of 2^-1074 below 2^-1022
	// has at most 52 significant bits, so Ldexp is exact (or overflows).
	r := math.Ldexp(float64(acc), lowPos-1074)
	if neg {
		r = -r
	}
	return r
}
