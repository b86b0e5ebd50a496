//go:build race

package honeytoken

// raceEnabled: sync.Pool drops items at random under the race detector, so
// allocation counts are only exact without it.
const raceEnabled = true
