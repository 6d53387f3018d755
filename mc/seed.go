package mc

import "math/rand/v2"

// golden is the SplitMix64 increment, ⌊2⁶⁴/φ⌋ rounded to odd
// (Steele, Lea & Flood 2014).
const golden uint64 = 0x9e3779b97f4a7c15

// golden2 and golden3 are 2γ and 3γ modulo 2⁶⁴.
const (
	golden2 uint64 = 0x9e3779b97f4a7c15 * 2 & (1<<64 - 1)
	golden3 uint64 = 0x9e3779b97f4a7c15 * 3 & (1<<64 - 1)
)

// mix64 is the SplitMix64 output function (variant 13 of Stafford's
// MurmurHash3 finaliser, as used by Steele, Lea & Flood 2014). It is a
// bijection on uint64.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// streamKey hashes (master, index) into one 64-bit key: output index of a
// SplitMix64 generator whose state starts at mix64(master + γ). For a fixed
// master it is a bijection of index, so distinct indices never share a key.
// (XOR-ing a hash of master with a hash of index would map symmetric
// inputs such as (1, 1) to the key 0.)
func streamKey(master, index uint64) uint64 {
	return mix64(mix64(master+golden) + index*golden)
}

// ReplicationSeed returns the two 64-bit words that seed the PCG generator
// of replication rep of a run with master seed master:
//
//	h  = mix64(master + γ)
//	k  = mix64(h + rep·γ)
//	s1 = mix64(k + γ)
//	s2 = mix64(k + 2γ)
//
// where γ = 0x9e3779b97f4a7c15 and mix64 is the SplitMix64 output function
// of Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014; (s1, s2) are the first two outputs of a SplitMix64 generator
// started at state k. Arithmetic is modulo 2⁶⁴.
//
// The generator of the replication is rand.NewPCG(s1, s2). Both PCG words
// are hashed because math/rand/v2's PCG has no stream parameter: seeding it
// with (master, rep) or master+rep would start every replication at
// algebraically related points of the one 2¹²⁸ cycle. For a fixed master,
// distinct rep values give distinct keys k (every step is a bijection) and
// hence distinct (s1, s2).
//
// The result depends only on (master, rep): never on the worker, the
// order of execution or the number of replications.
func ReplicationSeed(master, rep uint64) (s1, s2 uint64) {
	k := streamKey(master, rep)
	return mix64(k + golden), mix64(k + golden2)
}

// StreamSeed returns an independent master seed for sub-stream stream of
// master, for example design point j of a sweep or one shard of a study:
//
//	h = mix64(master + γ)
//	k = mix64(h + stream·γ)
//	StreamSeed = mix64(k + 3γ)
//
// with γ and mix64 as in ReplicationSeed, that is the third output of the
// SplitMix64 generator whose first two outputs seed replication stream of
// master. Distinct streams give distinct seeds for a fixed master.
func StreamSeed(master, stream uint64) uint64 {
	return mix64(streamKey(master, stream) + golden3)
}

// SeedReplication reseeds p in place as the generator of replication rep
// of master, so that p produces the same values as
// rand.NewPCG(ReplicationSeed(master, rep)). It does not allocate, so a
// worker can keep one rand.PCG (and one rand.Rand wrapping it) for all
// its replications.
func SeedReplication(p *rand.PCG, master, rep uint64) {
	p.Seed(ReplicationSeed(master, rep))
}

// ReplicationRand returns a new generator for replication rep of master,
// equal to the one Run hands to the replicator for that replication.
func ReplicationRand(master, rep uint64) *rand.Rand {
	return rand.New(rand.NewPCG(ReplicationSeed(master, rep)))
}
