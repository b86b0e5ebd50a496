package honeytoken

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// refScan is the slow reference Scan is held to (TestScanMatchesReference): the
// same rules, applied by brute force, with none of Scan's shortcuts (no run
// probing, no anchors, no prefix index, no decode gates, no shape filters):
//   - at every position, every prefix of every format: a fixed-length format is
//     tried on the next maxLen bytes; a JWT on the rest of its maximal run of JWT
//     characters when it holds exactly two dots, 41 to maxJWTLen bytes, and is
//     among the last maxTriesPerRun such starts of the run; a database URL on the
//     rest of its run of URL characters from the last such prefix of the run (at
//     most maxDBURLLen bytes); a PEM BEGIN line up to the first END line that
//     ends within maxPEMSpan bytes;
//   - every maximal run of exactly 40 standard base64 characters is tried as an
//     AWS secret, every maximal run of exactly 32 base62 characters as a database
//     password;
//   - every maximal run of 16 or more base64 characters (standard or URL-safe,
//     not mixed) is decoded and the result scanned, up to maxDecodeDepth layers;
//   - each line or quoted string holding a percent-escape or an escaped slash is
//     unescaped and scanned, once per chain.
func refScan(g *Generator, text string) []Match {
	r := &refScanner{g: g}
	r.scan(&frame{s: text, root: true, end: len(text)})
	return finishMatches(r.out)
}

type refScanner struct {
	g   *Generator
	out []Match
}

func (r *refScanner) try(f *frame, a, b int, specs ...*spec) {
	for _, sp := range specs {
		var m Match
		if r.g.try(sp, f.s[a:b], &m) {
			m.Start, m.End = f.span(a, b)
			m.Encoding = f.enc
			m.Value = f.s[a:b]
			r.out = append(r.out, m)
			return
		}
	}
}

// maximalRun returns the maximal run of class cl around i.
func maximalRun(s string, i int, cl uint8) (int, int) {
	a, e := i, i
	for a > 0 && classes[s[a-1]]&cl != 0 {
		a--
	}
	for e < len(s) && classes[s[e]]&cl != 0 {
		e++
	}
	return a, e
}

func (r *refScanner) scan(f *frame) {
	s := f.s
	for i := 0; i < len(s); i++ {
		for _, f0 := range r.g.order {
			sp := r.g.specs[f0]
			for _, p := range sp.prefixes {
				if !strings.HasPrefix(s[i:], p) {
					continue
				}
				switch {
				case sp.maxLen > 0:
					if i+sp.maxLen <= len(s) {
						r.try(f, i, i+sp.maxLen, sp)
					}
				case sp.format == JWT:
					a, e := maximalRun(s, i, clJWT)
					var starts []int
					for k := a; k < e; k++ {
						if strings.HasPrefix(s[k:], "eyJ") && strings.Count(s[k:e], ".") == 2 && e-k > 40 && e-k <= maxJWTLen {
							starts = append(starts, k)
						}
					}
					for j, k := range starts {
						if k == i && j >= len(starts)-maxTriesPerRun {
							r.try(f, i, e, sp)
						}
					}
				case sp.format == DatabaseURL:
					a, e := maximalRun(s, i, clDBURL)
					if a+strings.LastIndex(s[a:e], p) == i && e-i <= maxDBURLLen {
						r.try(f, i, e, sp)
					}
				case isPEMPrefix(p):
					end := pemEndFor(p)
					lim := min(len(s), i+maxPEMSpan)
					if k := strings.Index(s[i:lim], end); k > 0 {
						r.try(f, i, i+k+len(end), sp)
					}
				}
			}
		}
	}
	// Prefix-less shapes and base64 runs: maximal runs of each class.
	for i := 0; i < len(s); i++ {
		c := classes[s[i]]
		if c&clB64Std != 0 && (i == 0 || classes[s[i-1]]&clB64Std == 0) {
			if _, e := maximalRun(s, i, clB64Std); e-i == awsSecretLen {
				r.try(f, i, e, r.g.byLen[awsSecretLen]...)
			}
		}
		if c&clBase62 != 0 && (i == 0 || classes[s[i-1]]&clBase62 == 0) {
			if _, e := maximalRun(s, i, clBase62); e-i == dbPasswordLen {
				r.try(f, i, e, r.g.byLen[dbPasswordLen]...)
			}
		}
		if c&clRun != 0 && (i == 0 || classes[s[i-1]]&clRun == 0) && f.depth < maxDecodeDepth {
			_, e := maximalRun(s, i, clRun)
			r.base64Run(f, i, e)
		}
	}
	if f.depth >= maxDecodeDepth || f.unescaped {
		return
	}
	for a := 0; a <= len(s); {
		b := a
		for b < len(s) && s[b] != '\n' && s[b] != '"' {
			b++
		}
		r.unescape(f, a, b)
		a = b + 1
	}
}

func (r *refScanner) base64Run(f *frame, a, b int) {
	if b-a < 16 {
		return
	}
	run := f.s[a:b]
	end := b
	for end < len(f.s) && end-b < 2 && f.s[end] == '=' {
		end++
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(run, "-_") {
		if strings.ContainsAny(run, "+/") {
			return
		}
		enc = base64.RawURLEncoding
	}
	dec, err := enc.DecodeString(run)
	if err != nil || len(dec) < 8 {
		return
	}
	st, en := f.span(a, end)
	r.scan(&frame{s: string(dec), enc: chain(f.enc, "base64"), depth: f.depth + 1, start: st, end: en,
		unescaped: f.unescaped})
}

func (r *refScanner) unescape(f *frame, a, b int) {
	s := f.s[a:b]
	var out []byte
	var offs []int32
	pct, esc := false, false
	for i := 0; i < len(s); {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			offs = append(offs, int32(a+i))
			pct = true
			i += 3
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '/':
			out = append(out, '/')
			offs = append(offs, int32(a+i))
			esc = true
			i += 2
		default:
			out = append(out, s[i])
			offs = append(offs, int32(a+i))
			i++
		}
	}
	if !pct && !esc {
		return
	}
	child := &frame{s: string(out), enc: chain(f.enc, unescapeName(pct, esc)), depth: f.depth + 1, unescaped: true}
	if f.root {
		child.offs, child.start, child.end = offs, a, b
	} else {
		child.start, child.end = f.span(0, len(f.s))
	}
	r.scan(child)
}

// diffDoc builds one random document: log lines of the three styles, tokens of
// the generator in every encoding, and near misses (a changed, cut or extended
// token, another generator's token, tokens glued to other characters or packed
// behind their prefix, hashes and random strings of the prefix-less shapes,
// unterminated PEM blocks, stray escapes). It returns the document and the ids
// of the tokens planted where Scan must find them.
func diffDoc(r *rand.Rand, mine, theirs []Token) (string, []string) {
	styles := []logStyle{accessLog, jsonLog, cloudTrail}
	var b strings.Builder
	var want []string
	pick := func(ts []Token) Token { return ts[r.IntN(len(ts))] }
	value := func(tok Token) string {
		if tok.Secret != "" && r.IntN(2) == 0 {
			return tok.Secret
		}
		return tok.Value
	}
	mutate := func(s string) string {
		i := r.IntN(len(s))
		c := base62.chars[r.IntN(62)]
		if s[i] == c {
			c = '0' + (c+1)%10
		}
		return s[:i] + string(c) + s[i+1:]
	}
	seps := []string{" ", "\n", "=", ":", "\"", "'", ",", "&", "?", "%20", `\/`, "-", "_", "x", "/", "+", "."}
	for range 1 + r.IntN(4) {
		switch r.IntN(16) {
		case 0, 1, 2:
			styles[r.IntN(len(styles))](&b, r)
		case 3, 4: // a token in one of the encodings, in a JSON field
			tok := pick(mine)
			enc := plantEncodings[r.IntN(len(plantEncodings))]
			fmt.Fprintf(&b, `{"credential":%s}`+"\n", jsonField(enc.enc(plantText(tok)), enc.slashes))
			want = append(want, tok.ID)
		case 5: // a token between two random separators
			tok := pick(mine)
			b.WriteString(seps[r.IntN(len(seps))] + value(tok) + seps[r.IntN(len(seps))])
		case 6: // near misses of a token
			s := value(pick(mine))
			switch r.IntN(5) {
			case 0:
				s = mutate(s)
			case 1:
				s = s[:len(s)-1]
			case 2:
				s = s[1:]
			case 3:
				s += string(base62.chars[r.IntN(62)])
			case 4:
				s = s[:len(s)/2] + "\n" + s[len(s)/2:]
			}
			b.WriteString(" " + s + " ")
		case 7: // another generator's token, maybe encoded
			enc := plantEncodings[r.IntN(len(plantEncodings))]
			b.WriteString(" " + enc.enc(plantText(pick(theirs))) + "\n")
		case 8: // packed prefixes before a token
			tok := pick(mine)
			pre := []string{"eyJ", "eyJ.", "postgres://", "AKIA", "ghp_", "sk-proj-", "SG.", pemBegin}[r.IntN(8)]
			b.WriteString(strings.Repeat(pre, 1+r.IntN(6)) + value(tok) + " ")
		case 9: // the prefix-less shapes at random
			for range 3 {
				switch r.IntN(4) {
				case 0:
					b.WriteString(randFrom(r, hexDigits, 40) + " ")
				case 1:
					b.WriteString(randFrom(r, hexDigits, 32) + " ")
				case 2:
					b.WriteString(randFrom(r, Base62+"+/", 40) + " ")
				case 3:
					b.WriteString(randFrom(r, Base62, 32) + " ")
				}
			}
		case 10: // PEM and JWT edge cases
			switch r.IntN(4) {
			case 0:
				b.WriteString(pemBegin + "\n" + randFrom(r, Base62, 64) + "\n")
			case 1:
				b.WriteString(pemBeginForm + "%0A" + randFrom(r, Base62, 20))
			case 2:
				b.WriteString("eyJ" + randFrom(r, Base62, 50) + "." + randFrom(r, Base62, 50) + "." + randFrom(r, Base62, 43) + " ")
			case 3:
				b.WriteString(strings.Repeat("eyJhbGciOiJIUzI1NiJ9.", 1+r.IntN(5)) + " ")
			}
		case 11: // stray escapes and base64 noise
			b.WriteString(strings.Repeat([]string{"%", "%4", "%41", `\`, `\/`, "=", "=="}[r.IntN(7)], 1+r.IntN(3)))
			b.WriteString(base64.StdEncoding.EncodeToString([]byte(randFrom(r, Base62+" :=", 10+r.IntN(60)))))
		case 12: // a token glued to run characters on both sides, or URL-encoded twice
			tok := pick(mine)
			if r.IntN(2) == 0 {
				b.WriteString(randFrom(r, Base62, 1+r.IntN(3)) + value(tok) + randFrom(r, Base62, r.IntN(3)) + "\n")
			} else {
				b.WriteString("q=" + url.QueryEscape(url.QueryEscape(value(tok))) + "\n")
			}
		case 13: // a token in a base64 run of its own, wrapped at 76 like MIME
			tok := pick(mine)
			enc := base64.StdEncoding.EncodeToString([]byte(plantText(tok) + "\n" + plantText(tok)))
			for len(enc) > 76 {
				b.WriteString(enc[:76] + "\n")
				enc = enc[76:]
			}
			b.WriteString(enc + "\n")
		case 14: // a line with a token amid random bytes, base64-encoded (maybe twice): text at any alignment
			tok := pick(mine)
			bin := func(n int) string {
				p := make([]byte, n)
				for i := range p {
					p[i] = byte(r.Uint32())
				}
				return string(p)
			}
			s := bin(r.IntN(120)) + "\n" + plantText(tok) + "\n" + bin(r.IntN(120))
			if r.IntN(3) == 0 {
				s = bin(r.IntN(60)) + "\n" + base64.StdEncoding.EncodeToString([]byte(s)) + "\n" + bin(r.IntN(60))
			}
			enc := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.RawURLEncoding}[r.IntN(3)]
			b.WriteString(" " + enc.EncodeToString([]byte(s)) + "\n")
			want = append(want, tok.ID)
		case 15: // a prefix-less secret (AWS secret, database password) between run punctuation
			tok := pick(mine)
			sec := tok.Secret
			if pw, ok := splitDBURL(tok.Value); ok {
				sec = pw
			}
			if sec == "" {
				break
			}
			punct := []string{"+", "/", "-", "_", " "}
			b.WriteString(randFrom(r, Base62, r.IntN(30)) + punct[r.IntN(5)] + sec + punct[r.IntN(5)] + randFrom(r, Base62, r.IntN(30)) + "\n")
		}
	}
	return b.String(), want
}

// TestScanMatchesReference: on random documents with tokens in every encoding
// and near misses, Scan finds exactly what the brute-force reference finds
// (same tokens, parts, spans, encodings and values), and every token planted in
// a field is found.
func TestScanMatchesReference(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-diff")
	other := newTestGenerator(t, "scan-diff-other")
	var mine, theirs []Token
	for range 3 {
		mine = append(mine, oneOfEach(t, g)...)
		theirs = append(theirs, oneOfEach(t, other)...)
	}
	const workers = 4
	for w := range workers {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(uint64(w), 20))
			for n := range scanDiffDocs / workers {
				doc, want := diffDoc(r, mine, theirs)
				got, ref := g.Scan(doc), refScan(g, doc)
				if !assert.Equal(t, ref, got, "document %d/%d:\n%s", w, n, doc) {
					return
				}
				ids := map[string]bool{}
				for _, m := range got {
					ids[m.ID] = true
				}
				for _, id := range want {
					if !assert.True(t, ids[id], "document %d/%d: token %s not found in:\n%s", w, n, id, doc) {
						return
					}
				}
			}
		})
	}
}
