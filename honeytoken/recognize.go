package honeytoken

import (
	"encoding/hex"
)

// Match is a recognised honeytoken.
type Match struct {
	// ID is the token's id, as in Token.ID.
	ID string `json:"id"`
	// Format is the token's format.
	Format Format `json:"format"`
	// Part says whether the matched text is the token's Value or its Secret.
	Part Part `json:"part"`
	// Strength is the keyed evidence in bits: 64 for a tag match (a random string
	// matches with probability 2^-64), 40 for an AWS access key id alone (its
	// account id; see AWSAccessKey).
	Strength int `json:"strength"`
	// Retired is true when the token was issued under a retired key.
	Retired bool `json:"retired,omitempty"`

	// The fields below are set by Scan only.

	// Start and End are the byte offsets in the scanned text of the text the token
	// was found in: the token itself, or the encoded run that decoded to it.
	Start int `json:"start"`
	// End is the offset just past that text.
	End int `json:"end"`
	// Encoding is how the token was written there: "" for plain text, else
	// "base64", "url" or a chain such as "url+base64" (outermost first).
	Encoding string `json:"encoding,omitempty"`
	// Value is the token text that matched (after decoding).
	Value string `json:"value,omitempty"`
}

// Recognize reports whether s is exactly a token this generator (or one of its
// retired keys) issued, with its id and format. It needs no database; the cost per
// candidate is constant (a few AES blocks per key), and a string with
// no known prefix or shape is rejected without allocating.
func (g *Generator) Recognize(s string) (Match, bool) {
	if len(s) < 8 || len(s) > 4096 {
		return Match{}, false
	}
	for _, sp := range g.dispatch[s[0]] {
		if !hasAnyPrefix(s, sp.prefixes...) {
			continue
		}
		if m, ok := g.try(sp, s); ok {
			return m, true
		}
	}
	for _, sp := range g.byLen[len(s)] {
		if !sp.bare(s) {
			continue
		}
		if m, ok := g.try(sp, s); ok {
			return m, true
		}
	}
	return Match{}, false
}

func (g *Generator) try(sp *spec, s string) (Match, bool) {
	for i, ks := range g.keys {
		sc := ks.getScratch()
		id, part, strength, ok := sp.recognize(ks, sc, s)
		ks.putScratch(sc)
		if ok {
			return Match{ID: hex.EncodeToString(id[:]), Format: sp.format, Part: part, Strength: strength,
				Retired: i > 0}, true
		}
	}
	return Match{}, false
}
