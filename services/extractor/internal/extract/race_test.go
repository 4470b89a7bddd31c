//go:build race

package extract

// raceDetector is set when the race detector is on, which makes parsing many
// times slower.
const raceDetector = true
