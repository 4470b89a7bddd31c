package story

// Test helpers for the external tests of this directory.
var (
	LoadSeeds    = loadSeeds
	Permutations = permutations
)
