package calibrate

// golden is the SplitMix64 increment γ = ⌊2⁶⁴/φ⌋ rounded to odd
// (Steele, Lea & Flood 2014).
const golden uint64 = 0x9e3779b97f4a7c15

// golden2, golden3 and golden4 are 2γ, 3γ and 4γ modulo 2⁶⁴.
const (
	golden2 uint64 = 0x9e3779b97f4a7c15 * 2 & (1<<64 - 1)
	golden3 uint64 = 0x9e3779b97f4a7c15 * 3 & (1<<64 - 1)
	golden4 uint64 = 0x9e3779b97f4a7c15 * 4 & (1<<64 - 1)
)

// mix64 is the SplitMix64 output function (Stafford's variant 13 of the
// MurmurHash3 finaliser). It is a bijection on uint64.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// attemptKey hashes (master, generation, particle, attempt) into one key by
// chaining k ← mix64(k + x·γ) over the four words, starting from
// k = mix64(master + γ). Each step is a bijection of its new word for a
// fixed prefix, so distinct tuples with the same prefix never share a key.
func attemptKey(master uint64, generation, particle, attempt int) uint64 {
	k := mix64(master + golden)
	k = mix64(k + uint64(generation)*golden)
	k = mix64(k + uint64(particle)*golden)
	return mix64(k + uint64(attempt)*golden)
}

// SimulationSeed returns the two words that seed the PCG generator handed to
// Model.Simulate for attempt attempt of particle slot particle in generation
// generation of a run with master seed master:
//
//	k  = mix64(mix64(mix64(mix64(master + γ) + g·γ) + i·γ) + a·γ)
//	s1 = mix64(k + γ)
//	s2 = mix64(k + 2γ)
//
// with γ = 0x9e3779b97f4a7c15, mix64 the SplitMix64 output function of
// Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014, and arithmetic modulo 2⁶⁴. The simulation can be replayed as
// Simulate(theta, rand.New(rand.NewPCG(SimulationSeed(master, g, i, a)))).
//
// The proposal of the same attempt (which ancestor, which perturbation, or
// which prior draw in generation 0) comes from a separate generator seeded
// by ProposalSeed, so the model's stream does not depend on how many numbers
// the proposal used. Neither depends on the worker or the order of execution.
func SimulationSeed(master uint64, generation, particle, attempt int) (s1, s2 uint64) {
	k := attemptKey(master, generation, particle, attempt)
	return mix64(k + golden), mix64(k + golden2)
}

// ProposalSeed returns the two words that seed the PCG generator from which
// attempt attempt of particle slot particle in generation generation draws
// its proposal: s1 = mix64(k + 3γ), s2 = mix64(k + 4γ), with k as in
// SimulationSeed.
func ProposalSeed(master uint64, generation, particle, attempt int) (s1, s2 uint64) {
	k := attemptKey(master, generation, particle, attempt)
	return mix64(k + golden3), mix64(k + golden4)
}
