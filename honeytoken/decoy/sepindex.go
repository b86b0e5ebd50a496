package decoy

import "math/bits"

// sepIndexGeneric is sepIndex in Go, eight bytes per step (sepCand's lowest
// flag is always a real one): the implementation where there is no assembly,
// and the reference TestSepIndex holds the assembly to.
func sepIndexGeneric(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if m := sepCand(le64s(s[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x28 || c == ',' || c == ';' {
			return i
		}
	}
	return len(s)
}
