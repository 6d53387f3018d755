package explore

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// joeKuoTable is the head of Joe and Kuo's new-joe-kuo-6.21201 table of
// direction numbers (dimensions 2 to 256), with their licence. It is data.
//
//go:embed joekuo.txt
var joeKuoTable string

// MaxSobolDim is the largest dimension that NewSobol supports: the number
// of rows of the embedded Joe-Kuo table plus the first dimension. A
// Saltelli design on k parameters needs a 2k-dimensional sequence, so up
// to 128 parameters.
const MaxSobolDim = 256

// sobolBits is the number of bits of each coordinate, so at most 2^32
// points can be drawn.
const sobolBits = 32

var (
	directionsOnce sync.Once
	directions     [][sobolBits]uint32 // directions[d][k] = v_k of dimension d, scaled by 2^32
)

// loadDirections parses the embedded table into direction integers, once.
func loadDirections() {
	dirs := make([][sobolBits]uint32, 1, MaxSobolDim)
	for k := range sobolBits {
		dirs[0][k] = 1 << (sobolBits - 1 - k)
	}
	for line := range strings.SplitSeq(joeKuoTable, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || f[0] == "d" {
			continue
		}
		nums := make([]uint64, len(f))
		for i, s := range f {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				panic("explore: corrupt embedded Joe-Kuo table: " + line)
			}
			nums[i] = v
		}
		d, s, a, m := int(nums[0]), int(nums[1]), uint32(nums[2]), nums[3:]
		if d != len(dirs)+1 || len(m) != s {
			panic("explore: corrupt embedded Joe-Kuo table: " + line)
		}
		var v [sobolBits]uint32
		for k := 0; k < s && k < sobolBits; k++ {
			v[k] = uint32(m[k]) << (sobolBits - 1 - k)
		}
		for k := s; k < sobolBits; k++ {
			x := v[k-s] ^ (v[k-s] >> s)
			for l := 1; l < s; l++ {
				if (a>>(s-1-l))&1 == 1 {
					x ^= v[k-l]
				}
			}
			v[k] = x
		}
		dirs = append(dirs, v)
	}
	if len(dirs) != MaxSobolDim {
		panic(fmt.Sprintf("explore: embedded Joe-Kuo table has %d dimensions, want %d", len(dirs), MaxSobolDim))
	}
	directions = dirs
}

// Sobol generates the Sobol low-discrepancy sequence in [0, 1)^dim with the
// direction numbers of Joe and Kuo (2008), in Gray-code order (Antonov and
// Saleev 1979; Bratley and Fox 1988). Point i (counting from 0) has
// coordinates
//
//	x_{i,j} = (g_1 v_{j,1} XOR g_2 v_{j,2} XOR ...) / 2^32,   g = i XOR (i >> 1),
//
// with g_k the k-th bit of the Gray code g and v_{j,k} the k-th direction
// number of dimension j. The unscrambled sequence starts at the origin;
// its first 2^m points form a (t, m, dim)-net, so each coordinate takes
// each of the values l / 2^m exactly once.
//
// A Sobol generator is not safe for concurrent use.
type Sobol struct {
	dim   int
	index uint64   // index of the next point
	x     []uint32 // integer coordinates of the next point, before the shift
	shift []uint32 // random digital shift (zero unless scrambled)
}

// NewSobol returns a Sobol generator of the given dimension, positioned at
// point 0. It returns an error wrapping ErrDomain unless
// 1 <= dim <= MaxSobolDim.
func NewSobol(dim int) (*Sobol, error) {
	if dim < 1 || dim > MaxSobolDim {
		return nil, fmt.Errorf("explore: Sobol dimension %d not in [1, %d]: %w", dim, MaxSobolDim, ErrDomain)
	}
	directionsOnce.Do(loadDirections)
	return &Sobol{dim: dim, x: make([]uint32, dim), shift: make([]uint32, dim)}, nil
}

// Dim returns the dimension of the sequence.
func (s *Sobol) Dim() int { return s.dim }

// Index returns the index of the point that the next call to Next returns.
func (s *Sobol) Index() uint64 { return s.index }

// Scramble applies a random digital shift (L'Ecuyer and Lemieux 2002):
// every coordinate's 32-bit integer is XORed with a uniform random word
// drawn from rng, one per dimension, so the points are uniformly distributed over the cube while each block of
// 2^m points keeps its net property. Scramble changes the points from now
// on, not the position in the sequence; with the same rng state the
// result is reproducible bit for bit.
func (s *Sobol) Scramble(rng *rand.Rand) {
	if rng == nil {
		panic("explore: Sobol.Scramble with nil rng")
	}
	for j := range s.shift {
		s.shift[j] = rng.Uint32()
	}
}

// Seek positions the generator so that the next call to Next returns point
// i (counting from 0). Seek(n) skips the first n points; the cost is
// O(32 dim) whatever i. It panics if i >= 2^32.
func (s *Sobol) Seek(i uint64) {
	if i >= 1<<sobolBits {
		panic(fmt.Sprintf("explore: Sobol.Seek(%d) past the 2^32 points of the sequence", i))
	}
	g := i ^ (i >> 1)
	for j := range s.x {
		var x uint32
		for k := 0; g>>k != 0; k++ {
			if (g>>k)&1 == 1 {
				x ^= directions[j][k]
			}
		}
		s.x[j] = x
	}
	s.index = i
}

// Next writes the next point of the sequence into dst (allocated when nil
// or too short) and returns it. It panics after 2^32 points.
func (s *Sobol) Next(dst []float64) []float64 {
	if s.index >= 1<<sobolBits {
		panic("explore: Sobol sequence exhausted after 2^32 points")
	}
	if cap(dst) < s.dim {
		dst = make([]float64, s.dim)
	}
	dst = dst[:s.dim]
	const scale = 1.0 / (1 << sobolBits)
	for j, x := range s.x {
		dst[j] = float64(x^s.shift[j]) * scale
	}
	// Gray-code update: flip the direction number of the lowest zero bit
	// of the current index.
	c := 0
	for n := s.index; n&1 == 1; n >>= 1 {
		c++
	}
	if c < sobolBits {
		for j := range s.x {
			s.x[j] ^= directions[j][c]
		}
	}
	s.index++
	return dst
}
