package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync/atomic"

	"github.com/decoykit/decoykit/canary"
)

// FromJSON returns a Source over saved Console data: tokens and incidents
// are each a JSON array of the Console's objects, JSON Lines (one object per
// line), or a saved Console response ({"canarytokens": [...]} or
// {"tokens": [...]} for tokens, {"incidents": [...]} for incidents). Arrays
// and JSON Lines are decoded one object at a time, so an export of any size
// streams; a response object is read whole. Every incident shape the API
// sends (feed, fetch, search) is accepted, with the same lenient decoding
// as the client. A nil incidents reader means no incidents.
//
// Each reader can be read once: a second audit over the same Source gets an
// error. Use FromFiles to audit the same files again.
func FromJSON(tokens, incidents io.Reader) Source {
	return &readerSource{tokens: tokens, incidents: incidents}
}

type readerSource struct {
	tokens, incidents         io.Reader
	tokensUsed, incidentsUsed atomic.Bool
}

// errReused is yielded when a FromJSON stream is ranged over twice.
var errReused = errors.New("audit: a FromJSON source can be read once; use FromFiles or a new FromJSON to audit again")

func (s *readerSource) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	if s.tokens == nil {
		return failed[*canary.Token](invalid("FromJSON", "the tokens reader is nil"))
	}
	return once(&s.tokensUsed, decodeStream[canary.Token](ctx, s.tokens, "tokens", tokenKeys))
}

func (s *readerSource) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	if s.incidents == nil {
		return func(func(*canary.Incident, error) bool) {}
	}
	return once(&s.incidentsUsed, decodeStream[canary.Incident](ctx, s.incidents, "incidents", incidentKeys))
}

func once[T any](used *atomic.Bool, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if used.Swap(true) {
			var zero T
			yield(zero, errReused)
			return
		}
		seq(yield)
	}
}

// FromFiles returns a Source that reads tokens and incidents from files in
// any format FromJSON accepts, opening them afresh each time it is ranged
// over. incidentsPath "" means no incidents.
func FromFiles(tokensPath, incidentsPath string) Source {
	return fileSource{tokens: tokensPath, incidents: incidentsPath}
}

type fileSource struct{ tokens, incidents string }

func (s fileSource) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	if s.tokens == "" {
		return failed[*canary.Token](invalid("FromFiles", "the tokens path is empty"))
	}
	return fromFile[canary.Token](ctx, s.tokens, "tokens", tokenKeys)
}

func (s fileSource) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	if s.incidents == "" {
		return func(func(*canary.Incident, error) bool) {}
	}
	return fromFile[canary.Incident](ctx, s.incidents, "incidents", incidentKeys)
}

func fromFile[T any](ctx context.Context, path, what string, keys []string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(nil, fmt.Errorf("audit: %s: %w", what, err))
			return
		}
		defer f.Close()
		decodeStream[T](ctx, f, what, keys)(yield)
	}
}

var (
	tokenKeys    = []string{"canarytokens", "tokens"}
	incidentKeys = []string{"incidents"}
)

// decodeStream yields the objects of r, one at a time.
func decodeStream[T any](ctx context.Context, r io.Reader, what string, keys []string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		first, err := peekNonSpace(br)
		if err == io.EOF {
			return // an empty file holds no objects
		}
		if err != nil {
			yield(nil, fmt.Errorf("audit: reading %s: %w", what, err))
			return
		}
		dec := json.NewDecoder(br)
		n := 0
		// next decodes one value into a fresh T; null values are skipped.
		next := func(decode func(any) error) (*T, bool, error) {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
			n++
			var v *T
			if err := decode(&v); err != nil {
				return nil, false, fmt.Errorf("audit: %s: item %d: %w", what, n, err)
			}
			return v, v != nil, nil
		}
		switch first {
		case '[':
			if _, err := dec.Token(); err != nil {
				yield(nil, fmt.Errorf("audit: %s: %w", what, err))
				return
			}
			for dec.More() {
				v, ok, err := next(dec.Decode)
				if err != nil {
					yield(nil, err)
					return
				}
				if ok && !yield(v, nil) {
					return
				}
			}
			if _, err := dec.Token(); err != nil {
				yield(nil, fmt.Errorf("audit: %s: after item %d: %w", what, n, err))
				return
			}
			if dec.More() {
				yield(nil, fmt.Errorf("audit: %s: data after the closing ] of the array", what))
			}
		case '{':
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				yield(nil, fmt.Errorf("audit: %s: item 1: %w", what, err))
				return
			}
			if items, ok, err := envelopeItems(raw, keys); err != nil {
				yield(nil, fmt.Errorf("audit: %s: %w", what, err))
				return
			} else if ok {
				if dec.More() {
					yield(nil, fmt.Errorf("audit: %s: data after the response object", what))
					return
				}
				for _, it := range items {
					v, ok, err := next(func(p any) error { return json.Unmarshal(it, p) })
					if err != nil {
						yield(nil, err)
						return
					}
					if ok && !yield(v, nil) {
						return
					}
				}
				return
			}
			// JSON Lines: the first object, then the rest one by one.
			v, ok, err := next(func(p any) error { return json.Unmarshal(raw, p) })
			if err != nil {
				yield(nil, err)
				return
			}
			if ok && !yield(v, nil) {
				return
			}
			for dec.More() {
				v, ok, err := next(dec.Decode)
				if err != nil {
					yield(nil, err)
					return
				}
				if ok && !yield(v, nil) {
					return
				}
			}
		default:
			yield(nil, fmt.Errorf("audit: %s: want a JSON array, JSON Lines of objects or a Console response object, got %q", what, first))
		}
	}
}

// envelopeItems returns the array under one of keys when raw is a Console
// response object rather than a single token or incident.
func envelopeItems(raw json.RawMessage, keys []string) ([]json.RawMessage, bool, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, false, err
	}
	for _, k := range keys {
		v, ok := obj[k]
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		if bytes.Equal(v, []byte("null")) {
			return nil, true, nil
		}
		if len(v) == 0 || v[0] != '[' {
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, false, fmt.Errorf("%q: %w", k, err)
		}
		return items, true, nil
	}
	return nil, false, nil
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // a UTF-8 byte order mark
			if rest, err := br.Peek(2); err == nil && rest[0] == 0xBB && rest[1] == 0xBF {
				_, _ = br.Discard(2)
				continue
			}
		}
		return b, br.UnreadByte()
	}
}
