package explore

import (
	"fmt"
	"math/rand/v2"
)

// SaltelliOptions chooses how a Saltelli design draws its base matrices.
// The zero value draws them from the unscrambled Sobol sequence, starting
// at its first point, with first-order and total indices only.
type SaltelliOptions struct {
	// Random draws A and B from Rng's uniform numbers instead of a Sobol
	// sequence (plain Monte Carlo; bootstrap intervals are then exact in
	// their assumptions, and N need not be a power of two).
	Random bool
	// Scramble applies a random digital shift, drawn from Rng, to the
	// Sobol sequence (see Sobol.Scramble). Ignored when Random is set.
	Scramble bool
	// Skip is the number of Sobol points skipped before the first row.
	// Zero (keep the origin) with N a power of two keeps the net property
	// of the base sample (Owen 2020 recommends not skipping); SALib skips
	// N points.
	Skip uint64
	// SecondOrder adds the k matrices B_A^(i) (B with column i from A),
	// for N(2k+2) rows in all, so that second-order indices can be
	// estimated.
	SecondOrder bool
	// Rng supplies the random numbers when Random or Scramble is set; it is
	// not used otherwise and may then be nil.
	Rng *rand.Rand
}

// Saltelli is a design for Sobol sensitivity indices (Saltelli 2002;
// Saltelli et al. 2010). Two independent N x k base matrices A and B are
// taken from the first k and the last k coordinates of N points of a
// 2k-dimensional sequence, and A_B^(i) is A with column i taken from B.
// The rows of Unit come in blocks of N, row j of each block built from
// base row j:
//
//	block 0: A;  block 1: B;  block 2+i: A_B^(i)  (i = 0..k-1);
//	block 2+k+i: B_A^(i)  (only with SecondOrder)
//
// so the cost is N(k+2) model runs, or N(2k+2) with SecondOrder. Row
// returns the row of a given block and base row.
type Saltelli struct {
	Design
	// N is the number of base rows.
	N int
	// SecondOrder reports whether the B_A^(i) blocks are present.
	SecondOrder bool
}

// NewSaltelli builds a Saltelli design with n base rows over space. It
// returns an error wrapping ErrDomain if the space is invalid, if n < 2, if
// the sequence would need more than MaxSobolDim dimensions, or if Rng is nil
// while Random or Scramble is set.
func NewSaltelli(space Space, n int, opt SaltelliOptions) (*Saltelli, error) {
	if err := space.Validate(); err != nil {
		return nil, err
	}
	k := len(space)
	if n < 2 {
		return nil, fmt.Errorf("explore: Saltelli base sample size n = %d, want n >= 2: %w", n, ErrDomain)
	}
	if (opt.Random || opt.Scramble) && opt.Rng == nil {
		return nil, fmt.Errorf("explore: Saltelli options Random=%v Scramble=%v need a non-nil Rng: %w", opt.Random, opt.Scramble, ErrDomain)
	}
	if !opt.Random && 2*k > MaxSobolDim {
		return nil, fmt.Errorf("explore: Saltelli design on %d parameters needs a %d-dimensional Sobol sequence, at most %d are available (use Random): %w", k, 2*k, MaxSobolDim, ErrDomain)
	}
	if !opt.Random && uint64(n)+opt.Skip > 1<<sobolBits {
		return nil, fmt.Errorf("explore: Saltelli n = %d plus Skip = %d exceeds the 2^32 Sobol points: %w", n, opt.Skip, ErrDomain)
	}
	blocks := k + 2
	if opt.SecondOrder {
		blocks = 2*k + 2
	}
	buf := make([]float64, blocks*n*k)
	unit := make([][]float64, blocks*n)
	for r := range unit {
		unit[r] = buf[r*k : (r+1)*k : (r+1)*k]
	}
	base := make([]float64, 2*k)
	var seq *Sobol
	if !opt.Random {
		var err error
		if seq, err = NewSobol(2 * k); err != nil {
			return nil, err
		}
		if opt.Scramble {
			seq.Scramble(opt.Rng)
		}
		seq.Seek(opt.Skip)
	}
	for j := range n {
		if opt.Random {
			for c := range base {
				base[c] = opt.Rng.Float64()
			}
		} else {
			seq.Next(base)
		}
		a, b := base[:k], base[k:]
		copy(unit[j], a)
		copy(unit[n+j], b)
		for i := range k {
			ab := unit[(2+i)*n+j]
			copy(ab, a)
			ab[i] = b[i]
			if opt.SecondOrder {
				ba := unit[(2+k+i)*n+j]
				copy(ba, b)
				ba[i] = a[i]
			}
		}
	}
	return &Saltelli{Design: Design{Space: space, Unit: unit}, N: n, SecondOrder: opt.SecondOrder}, nil
}

// Row returns the index in Unit of base row j of a block (0 for A, 1 for
// B, 2+i for A_B^(i), 2+k+i for B_A^(i)). It panics if block or j is out
// of range.
func (s *Saltelli) Row(block, j int) int {
	k := len(s.Space)
	maxBlock := k + 2
	if s.SecondOrder {
		maxBlock = 2*k + 2
	}
	if block < 0 || block >= maxBlock || j < 0 || j >= s.N {
		panic(fmt.Sprintf("explore: Saltelli.Row(%d, %d) out of range (%d blocks of %d rows)", block, j, maxBlock, s.N))
	}
	return block*s.N + j
}
