//go:build !race

package honeytoken

// raceEnabled: sync.Pool drops items at random under the race detector, so
// allocation counts are only exact without it.
const raceEnabled = false

// scanDiffDocs is how many random documents TestScanMatchesReference compares
// Scan and the reference on.
const scanDiffDocs = 10_000
