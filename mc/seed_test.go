package mc

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mathext/prng"
)

// refSplitMix64 is the reference SplitMix64 generator of Steele, Lea &
// Flood (2014), written out independently of seed.go.
type refSplitMix64 struct{ x uint64 }

func (s *refSplitMix64) next() uint64 {
	s.x += 0x9e3779b97f4a7c15
	z := s.x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// refMix returns the first output of SplitMix64 started at state x-γ,
// that is mix64(x).
func refMix(x uint64) uint64 {
	s := refSplitMix64{x - 0x9e3779b97f4a7c15}
	return s.next()
}

func TestSplitMix64Reference(t *testing.T) {
	t.Parallel()
	// First outputs of splitmix64.c (Vigna) seeded with 0.
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	s := refSplitMix64{0}
	g := prng.NewSplitMix64(0)
	for i, w := range want {
		if got := s.next(); got != w {
			t.Errorf("reference output %d: got %#x, want %#x", i, got, w)
		}
		if got := g.Uint64(); got != w {
			t.Errorf("gonum prng output %d: got %#x, want %#x", i, got, w)
		}
	}
}

func TestReplicationSeedGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		master, rep uint64
		s1, s2      uint64 // literal values, to catch any change of formula
	}{
		{0, 0, 0x568a9b0b1a2c05ec, 0x44e5b8b147ef718b},
		{1, 0, 0x6ec85f1f8547bc0c, 0x6cf63afcc21a470a},
		{1, 1, 0xb18a02f46d8d86c3, 0xf8c5b62c83f707e8},
		{42, 17, 0x20345c8f0dc02f13, 0x6c3a52433ffef487},
		{0xdeadbeef, 1 << 40, 0xb6c2fa7abe510cf5, 0x89724d98b9949d7a},
	}
	for _, tt := range tests {
		// Independent derivation: k is output rep+1 of a SplitMix64
		// generator seeded with its first output for seed master, then the
		// first two outputs of a SplitMix64 generator started at k.
		k := refMix(refMix(tt.master+0x9e3779b97f4a7c15) + tt.rep*0x9e3779b97f4a7c15)
		ref := prng.NewSplitMix64(k)
		w1, w2 := ref.Uint64(), ref.Uint64()
		s3 := ref.Uint64()

		s1, s2 := ReplicationSeed(tt.master, tt.rep)
		if s1 != w1 || s2 != w2 {
			t.Errorf("ReplicationSeed(%d, %d) = (%#x, %#x), want (%#x, %#x)", tt.master, tt.rep, s1, s2, w1, w2)
		}
		if s1 != tt.s1 || s2 != tt.s2 {
			t.Errorf("ReplicationSeed(%d, %d) = (%#x, %#x), want literal (%#x, %#x)", tt.master, tt.rep, s1, s2, tt.s1, tt.s2)
		}
		if got := StreamSeed(tt.master, tt.rep); got != s3 {
			t.Errorf("StreamSeed(%d, %d) = %#x, want %#x", tt.master, tt.rep, got, s3)
		}
	}
}

func TestReplicationSeedDistinct(t *testing.T) {
	t.Parallel()
	const n = 1 << 16
	for _, master := range []uint64{0, 1, 2, 1 << 63, 0x9e3779b97f4a7c15} {
		seen := make(map[[2]uint64]uint64, n)
		streams := make(map[uint64]uint64, n)
		for rep := uint64(0); rep < n; rep++ {
			s1, s2 := ReplicationSeed(master, rep)
			if prev, ok := seen[[2]uint64{s1, s2}]; ok {
				t.Fatalf("master %d: reps %d and %d share seed (%#x, %#x)", master, prev, rep, s1, s2)
			}
			seen[[2]uint64{s1, s2}] = rep
			s := StreamSeed(master, rep)
			if prev, ok := streams[s]; ok {
				t.Fatalf("master %d: streams %d and %d share seed %#x", master, prev, rep, s)
			}
			streams[s] = rep
		}
	}
	// Neighbouring masters must not produce shifted copies of each
	// other's seed sequences (the seed+i trap).
	a1, _ := ReplicationSeed(1, 0)
	b1, _ := ReplicationSeed(0, 1)
	if a1 == b1 {
		t.Errorf("ReplicationSeed(1, 0) == ReplicationSeed(0, 1)")
	}
}

func TestSeedReplicationMatchesNewPCG(t *testing.T) {
	t.Parallel()
	var p rand.PCG
	for _, rep := range []uint64{0, 1, 99, 1 << 50} {
		SeedReplication(&p, 7, rep)
		want := ReplicationRand(7, rep)
		r := rand.New(&p)
		for i := 0; i < 5; i++ {
			if g, w := r.Uint64(), want.Uint64(); g != w {
				t.Fatalf("rep %d draw %d: got %#x, want %#x", rep, i, g, w)
			}
		}
	}
}

// TestSeedReplicationAllocs is not parallel: testing.AllocsPerRun refuses
// to run during parallel tests.
func TestSeedReplicationAllocs(t *testing.T) {
	var p rand.PCG
	r := rand.New(&p)
	allocs := testing.AllocsPerRun(100, func() {
		SeedReplication(&p, 7, 3)
		_ = r.Float64()
	})
	if allocs != 0 {
		t.Errorf("SeedReplication allocates %v times, want 0", allocs)
	}
}
