//go:build !race

package decoy

const raceEnabled = false
