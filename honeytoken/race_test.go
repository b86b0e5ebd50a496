//go:build race

package honeytoken

// raceEnabled: sync.Pool drops items at random under the race detector, so
// allocation counts are only exact without it.
const raceEnabled = true

// scanDiffDocs is how many random documents TestScanMatchesReference compares
// Scan and the reference on: fewer under the race detector, which is ~10× slower.
const scanDiffDocs = 1_000
