//go:build !amd64

package decoy

// sepIndex returns the index of the first byte of s below 0x28, ',' or ';'
// (every byte sepTable or querySep marks is one), or len(s).
func sepIndex(s string) int { return sepIndexGeneric(s) }
