package threatconnect

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TQL is a ThreatConnect Query Language filter for the v3 lists, built from
// typed conditions so that no value is ever pasted into the query text:
// string values are quoted and escaped, numbers, booleans and times are
// written in their one TQL form, and field names are checked.
//
//	q := threatconnect.TQLTypeName.In("Address", "Host").
//		And(threatconnect.TQLTag.Eq("canary"), threatconnect.TQLRating.Ge(3))
//	// typeName in ("Address", "Host") and tag = "canary" and rating >= 3
//
// The zero TQL is no filter. A condition built from a bad field or value
// carries the error, which the list call returns as a *ValidationError
// before sending anything.
type TQL struct {
	text     string
	compound bool // joined with and/or: parenthesised inside another join
	err      error
}

// TQLField is a field a TQL condition tests, such as "typeName" or
// "summary". OPTIONS /v3/indicators/tql on an instance lists them all.
type TQLField string

// Indicator fields common in TQL filters.
const (
	TQLID           TQLField = "id"
	TQLTypeName     TQLField = "typeName"
	TQLSummary      TQLField = "summary"
	TQLOwnerName    TQLField = "ownerName"
	TQLTag          TQLField = "tag"
	TQLRating       TQLField = "rating"
	TQLConfidence   TQLField = "confidence"
	TQLActive       TQLField = "active"
	TQLDateAdded    TQLField = "dateAdded"
	TQLLastModified TQLField = "lastModified"
)

// String returns the query text ("" for the zero TQL or one with an error).
func (q TQL) String() string {
	if q.err != nil {
		return ""
	}
	return q.text
}

// Err returns the error of a condition built from a bad field or value.
func (q TQL) Err() error { return q.err }

// IsZero reports whether q is no filter.
func (q TQL) IsZero() bool { return q.text == "" && q.err == nil }

// And returns q and every other condition; zero conditions are skipped.
func (q TQL) And(others ...TQL) TQL { return join("and", append([]TQL{q}, others...)) }

// Or returns q or any other condition; zero conditions are skipped.
func (q TQL) Or(others ...TQL) TQL { return join("or", append([]TQL{q}, others...)) }

// TQLAnd returns every condition ANDed; zero conditions are skipped.
func TQLAnd(conds ...TQL) TQL { return join("and", conds) }

// TQLOr returns the conditions ORed; zero conditions are skipped.
func TQLOr(conds ...TQL) TQL { return join("or", conds) }

// join parenthesises each compound part so that precedence never depends
// on the reader: (a or b) and c.
func join(op string, conds []TQL) TQL {
	var parts []TQL
	for _, c := range conds {
		if c.err != nil {
			return c
		}
		if c.text != "" {
			parts = append(parts, c)
		}
	}
	switch len(parts) {
	case 0:
		return TQL{}
	case 1:
		return parts[0]
	}
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.text
		if p.compound {
			texts[i] = "(" + p.text + ")"
		}
	}
	return TQL{text: strings.Join(texts, " "+op+" "), compound: true}
}

// Eq is field = value.
func (f TQLField) Eq(v any) TQL { return f.cmp("=", v) }

// Ne is field != value.
func (f TQLField) Ne(v any) TQL { return f.cmp("!=", v) }

// Gt is field > value.
func (f TQLField) Gt(v any) TQL { return f.cmp(">", v) }

// Ge is field >= value.
func (f TQLField) Ge(v any) TQL { return f.cmp(">=", v) }

// Lt is field < value.
func (f TQLField) Lt(v any) TQL { return f.cmp("<", v) }

// Le is field <= value.
func (f TQLField) Le(v any) TQL { return f.cmp("<=", v) }

// Contains is field contains "s".
func (f TQLField) Contains(s string) TQL { return f.cmp("contains", s) }

// StartsWith is field startswith "s".
func (f TQLField) StartsWith(s string) TQL { return f.cmp("startswith", s) }

// EndsWith is field endswith "s".
func (f TQLField) EndsWith(s string) TQL { return f.cmp("endswith", s) }

// In is field in (v1, v2, ...); it needs at least one value.
func (f TQLField) In(vs ...any) TQL { return f.list("in", vs) }

// NotIn is field not in (v1, v2, ...); it needs at least one value.
func (f TQLField) NotIn(vs ...any) TQL { return f.list("not in", vs) }

func (f TQLField) check() error {
	if f == "" || !validFieldName(string(f)) {
		return invalid("TQL", "field %q is not a TQL field name (letters, digits, '_' and '.')", clip(string(f)))
	}
	return nil
}

func validFieldName(s string) bool {
	for i, r := range s {
		if !isIdentRune(r) || (i == 0 && ('0' <= r && r <= '9' || r == '.')) {
			return false
		}
	}
	return len(s) <= 64
}

func (f TQLField) cmp(op string, v any) TQL {
	if err := f.check(); err != nil {
		return TQL{err: err}
	}
	lit, err := tqlLiteral(v)
	if err != nil {
		return TQL{err: err}
	}
	return TQL{text: string(f) + " " + op + " " + lit}
}

func (f TQLField) list(op string, vs []any) TQL {
	if err := f.check(); err != nil {
		return TQL{err: err}
	}
	if len(vs) == 0 {
		return TQL{err: invalid("TQL", "%s %s needs at least one value", f, op)}
	}
	lits := make([]string, 0, len(vs))
	for _, v := range vs {
		lit, err := tqlLiteral(v)
		if err != nil {
			return TQL{err: err}
		}
		lits = append(lits, lit)
	}
	return TQL{text: string(f) + " " + op + " (" + strings.Join(lits, ", ") + ")"}
}

// tqlLiteral writes a value in TQL: strings (and string types such as
// IndicatorType) double-quoted with '\' and '"' escaped; integers and
// finite floats as numbers; booleans as true or false; times as quoted
// RFC 3339 in UTC.
func tqlLiteral(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return tqlQuote(x)
	case IndicatorType:
		return tqlQuote(string(x))
	case GroupType:
		return tqlQuote(string(x))
	case fmt.Stringer:
		if t, ok := v.(time.Time); ok {
			return tqlQuote(t.UTC().Format(time.RFC3339))
		}
		return "", invalid("TQL", "a %T value is not a TQL literal; pass its string", v)
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", invalid("TQL", "%v is not a TQL number", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", invalid("TQL", "a %T value is not a TQL literal (use a string, integer, float64, bool or time.Time)", v)
}

// tqlQuote double-quotes s with '\' and '"' backslash-escaped. Control
// characters and invalid UTF-8 are refused: they have no escape in TQL.
func tqlQuote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid("TQL", "a string value must be valid UTF-8")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", invalid("TQL", "a string value must not contain control characters")
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String(), nil
}
