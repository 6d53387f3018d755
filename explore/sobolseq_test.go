package explore

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSobolFirstPoints checks the first points of the two-dimensional
// Sobol sequence against the published sequence (Joe and Kuo 2008 table,
// as printed for example by scipy.stats.qmc.Sobol(d=2, scramble=False)).
func TestSobolFirstPoints(t *testing.T) {
	t.Parallel()
	want := [][2]float64{
		{0, 0}, {0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75},
		{0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625},
	}
	s, err := NewSobol(2)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		got := s.Next(nil)
		if got[0] != w[0] || got[1] != w[1] {
			t.Errorf("point %d = %v, want %v", i, got, w)
		}
	}
}

// TestSobolThirdDim checks dimension 3 (s = 2, a = 1, m = 1, 3) against a
// hand computation: the recurrence m_k = 2 m_{k-1} XOR 4 m_{k-2} XOR m_{k-2}
// gives m_3 = 6 XOR 4 XOR 1 = 3, so v = 1/2, 3/4, 3/8; point i XORs the v_k
// of the set bits of the Gray code i XOR (i >> 1) (1, 3, 2, 6, 7, 5, 4 for
// i = 1..7), e.g. point 4: 3/4 XOR 3/8 = 0.110b XOR 0.011b = 0.101b = 5/8.
func TestSobolThirdDim(t *testing.T) {
	t.Parallel()
	want := []float64{0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375}
	s, err := NewSobol(3)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := s.Next(nil)[2]; got != w {
			t.Errorf("point %d dim 3 = %v, want %v", i, got, w)
		}
	}
}

// TestSobolStratified checks the net property that the first 2^m points
// of every one-dimensional projection take each value l/2^m exactly once,
// for all MaxSobolDim dimensions, with and without a digital shift (which
// keeps each point in its elementary interval's permuted image).
func TestSobolStratified(t *testing.T) {
	t.Parallel()
	const m = 10
	const n = 1 << m
	for _, scramble := range []bool{false, true} {
		s, err := NewSobol(MaxSobolDim)
		if err != nil {
			t.Fatal(err)
		}
		if scramble {
			s.Scramble(rand.New(rand.NewPCG(1, 2)))
		}
		counts := make([][]int, MaxSobolDim)
		for j := range counts {
			counts[j] = make([]int, n)
		}
		p := make([]float64, MaxSobolDim)
		for range n {
			s.Next(p)
			for j, x := range p {
				if !(x >= 0 && x < 1) {
					t.Fatalf("coordinate %d = %v outside [0, 1)", j, x)
				}
				counts[j][int(x*n)]++
			}
		}
		for j := range counts {
			for l, c := range counts[j] {
				if c != 1 {
					t.Fatalf("scramble=%v dim %d: interval %d holds %d points, want 1", scramble, j+1, l, c)
				}
			}
		}
	}
}

// TestSobolTwoDimNet checks that the first two dimensions form a
// (0, m, 2)-net: every elementary box [a/2^i, (a+1)/2^i) x [b/2^(m-i), ...)
// holds exactly one of the first 2^m points.
func TestSobolTwoDimNet(t *testing.T) {
	t.Parallel()
	const m = 8
	const n = 1 << m
	s, _ := NewSobol(2)
	pts := make([][]float64, n)
	for i := range pts {
		pts[i] = s.Next(nil)
	}
	for i := 0; i <= m; i++ {
		nx, ny := 1<<i, 1<<(m-i)
		counts := make([]int, n)
		for _, p := range pts {
			counts[int(p[0]*float64(nx))*ny+int(p[1]*float64(ny))]++
		}
		for c, v := range counts {
			if v != 1 {
				t.Fatalf("boxes %dx%d: box %d holds %d points, want 1", nx, ny, c, v)
			}
		}
	}
}

// TestSobolIntegration checks the low discrepancy: the integral over
// [0, 1]^8 of the smooth product prod_i (1 + (x_i - 1/2)), exactly 1, is
// estimated by 4096 Sobol points with an error below a tenth of the Monte
// Carlo standard error sqrt(Var/n).
func TestSobolIntegration(t *testing.T) {
	t.Parallel()
	const d, n = 8, 4096
	s, _ := NewSobol(d)
	p := make([]float64, d)
	f := func(x []float64) float64 {
		v := 1.0
		for _, xi := range x {
			v *= 1 + (xi - 0.5)
		}
		return v
	}
	var sum float64
	for range n {
		sum += f(s.Next(p))
	}
	// Var f = (1 + 1/12)^8 - 1 = 0.8973; MC SE at n = 4096: 0.0148.
	mcSE := math.Sqrt((math.Pow(1+1.0/12, d) - 1) / n)
	if err := math.Abs(sum/n - 1); err > mcSE/10 {
		t.Errorf("Sobol integral error %v, want < MC SE/10 = %v", err, mcSE/10)
	}
}

// TestSobolSeek checks that Seek(i) then Next gives the same point as i+1
// calls of Next.
func TestSobolSeek(t *testing.T) {
	t.Parallel()
	a, _ := NewSobol(5)
	b, _ := NewSobol(5)
	var pa []float64
	for range 1001 {
		pa = a.Next(pa)
	}
	b.Seek(1000)
	pb := b.Next(nil)
	for j := range pa {
		if pa[j] != pb[j] {
			t.Errorf("Seek(1000) dim %d = %v, sequential %v", j, pb[j], pa[j])
		}
	}
	if b.Index() != 1001 {
		t.Errorf("Index after Seek(1000)+Next = %d, want 1001", b.Index())
	}
}

func TestSobolBadDim(t *testing.T) {
	t.Parallel()
	for _, d := range []int{0, -1, MaxSobolDim + 1} {
		if _, err := NewSobol(d); err == nil {
			t.Errorf("NewSobol(%d): no error", d)
		}
	}
}

// TestSobolBitOrder checks the order of the polynomial coefficients in the
// recurrence on dimension 6 (s = 4, a = 1, m = 1, 1, 3, 3), by hand: a = 1
// is a_1 a_2 a_3 = 001, so m_5 = 2^3 a_3 m_2 XOR 2^4 m_1 XOR m_1 =
// 8 XOR 16 XOR 1 = 25 (the reverse order would give 23). Point 16 has Gray
// code 24 = bits 4 and 5, so its coordinate is v_4 XOR v_5 =
// 6/32 XOR 25/32 = 31/32.
func TestSobolBitOrder(t *testing.T) {
	t.Parallel()
	s, _ := NewSobol(6)
	s.Seek(16)
	if got := s.Next(nil)[5]; got != 31.0/32 {
		t.Errorf("point 16 dim 6 = %v, want 31/32", got)
	}
}
