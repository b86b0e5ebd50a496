package hook

// Filter is a cheap test, built by package honeytoken for one
// *honeytoken.Generator, that rejects almost every string that Generator does
// not recognise, inline and without a call: a string is worth Has only when its
// first three bytes start one of the Generator's prefixes (through a 4096-bit
// table hashed on them), or its length is that of a prefix-less shape (an AWS
// secret access key, a database password). It never rejects a string Has
// would accept; a string it lets through may still be rejected by Has.
type Filter struct {
	// Start has bit Start3(p) set for the first three bytes of every prefix p
	// (for a two-byte prefix, which only a custom format has, for each byte
	// that can follow it).
	Start [64]uint64
	// Bare has bit n set for each length n of a prefix-less shape; BareAuth
	// the same without the shapes Has skips when auth is set.
	Bare, BareAuth uint64
}

// May reports whether s (at least three bytes long) can be a token of the
// Filter's Generator: false means Has(s, auth) is false.
func (f *Filter) May(s string, auth bool) bool {
	h := Start3(s)
	b := f.Bare
	if auth {
		b = f.BareAuth
	}
	return f.Start[h>>6]>>(h&63)&1 != 0 || len(s) < 64 && b>>uint(len(s))&1 != 0
}

// Start3 hashes the first three bytes of s (at least three bytes long) to a
// bit of Filter.Start.
func Start3(s string) uint32 {
	_ = s[2]
	return (uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16) * 0x9E3779B1 >> 20
}

// NewFilter, set by package honeytoken, returns the Filter of the
// *honeytoken.Generator det, or nil when det is anything else.
var NewFilter func(det any) *Filter
