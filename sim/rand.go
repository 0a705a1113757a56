package sim

import "math/rand/v2"

// Rand returns a new random generator for the stream called name. Its
// draws depend only on the engine's seed and the name, so a component that
// draws more or less often never shifts the draws of another stream.
func (e *Engine) Rand(name string) *rand.Rand {
	return rand.New(NewSource(e.seed, name))
}

// NewSource returns the PCG source of the stream called name under seed.
// Equal arguments give equal sequences on every platform and Go version
// (math/rand/v2's PCG is specified exactly).
func NewSource(seed uint64, name string) *rand.PCG {
	return rand.NewPCG(Mix(seed, 0x6a6f6273696d), Hash(name))
}

// Hash returns the 64-bit FNV-1a hash of s: a stable key for naming
// streams.
func Hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Mix combines two 64-bit values into one well-distributed value
// (SplitMix64's finaliser applied to a + golden-ratio·(b+1)). It is used to
// derive sub-stream seeds, such as one per (stream, key, attempt), without
// allocating.
func Mix(a, b uint64) uint64 {
	z := a + (b+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
