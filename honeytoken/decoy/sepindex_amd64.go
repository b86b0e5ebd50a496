package decoy

// sepIndex returns the index of the first byte of s below 0x28, ',' or ';'
// (every byte sepTable or querySep marks is one), or len(s). It reads sixteen
// bytes per step with SSE2 (sepindex_amd64.s).
//
//go:noescape
func sepIndex(s string) int
