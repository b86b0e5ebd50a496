package tctest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The fake's TQL: conditions on the fields it keeps (id, typeName,
// summary, ownerName, tag, rating, confidence, active, dateAdded,
// lastModified), with = != > >= < <= contains startswith endswith in
// "not in", joined by and/or and parentheses. Strings are double-quoted
// with '\' escaping the next character.

type tqlTok struct {
	kind byte // 'i' ident/keyword, 's' string, 'n' number, 'o' operator, '(' ')' ','
	text string
}

func lexTQL(s string) ([]tqlTok, error) {
	var toks []tqlTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, tqlTok{kind: c, text: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
					if j == len(s) {
						return nil, fmt.Errorf("unterminated string")
					}
				}
				b.WriteByte(s[j])
			}
			if j == len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, tqlTok{kind: 's', text: b.String()})
			i = j + 1
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			op := s[i:j]
			if op == "!" {
				return nil, fmt.Errorf("unexpected '!'")
			}
			toks = append(toks, tqlTok{kind: 'o', text: op})
			i = j
		case c == '-' || c == '.' || ('0' <= c && c <= '9'):
			j := i + 1
			for j < len(s) && (s[j] == '.' || ('0' <= s[j] && s[j] <= '9')) {
				j++
			}
			toks = append(toks, tqlTok{kind: 'n', text: s[i:j]})
			i = j
		case c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '.' || ('a' <= s[j] && s[j] <= 'z') || ('A' <= s[j] && s[j] <= 'Z') || ('0' <= s[j] && s[j] <= '9')) {
				j++
			}
			toks = append(toks, tqlTok{kind: 'i', text: s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q", c)
		}
	}
	return toks, nil
}

// tqlExpr is a parsed condition.
type tqlExpr struct {
	op          string // "and", "or", or a comparison
	left, right *tqlExpr
	field       string
	values      []tqlTok
}

type tqlParser struct {
	toks []tqlTok
	pos  int
}

func parseTQL(s string) (*tqlExpr, error) {
	toks, err := lexTQL(s)
	if err != nil {
		return nil, err
	}
	p := &tqlParser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return e, nil
}

func (p *tqlParser) peekWord(w string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 'i' && strings.EqualFold(p.toks[p.pos].text, w)
}

func (p *tqlParser) or() (*tqlExpr, error) {
	l, err := p.and()
	for err == nil && p.peekWord("or") {
		p.pos++
		var r *tqlExpr
		if r, err = p.and(); err == nil {
			l = &tqlExpr{op: "or", left: l, right: r}
		}
	}
	return l, err
}

func (p *tqlParser) and() (*tqlExpr, error) {
	l, err := p.term()
	for err == nil && p.peekWord("and") {
		p.pos++
		var r *tqlExpr
		if r, err = p.term(); err == nil {
			l = &tqlExpr{op: "and", left: l, right: r}
		}
	}
	return l, err
}

func (p *tqlParser) next() (tqlTok, bool) {
	if p.pos >= len(p.toks) {
		return tqlTok{}, false
	}
	t := p.toks[p.pos]
	p.pos++
	return t, true
}

func (p *tqlParser) term() (*tqlExpr, error) {
	t, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("unexpected end of query")
	}
	if t.kind == '(' {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if c, ok := p.next(); !ok || c.kind != ')' {
			return nil, fmt.Errorf("missing ')'")
		}
		return e, nil
	}
	if t.kind != 'i' {
		return nil, fmt.Errorf("expected a field, got %q", t.text)
	}
	field := t.text
	opTok, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("expected an operator after %s", field)
	}
	op := strings.ToLower(opTok.text)
	switch {
	case opTok.kind == 'o':
	case opTok.kind == 'i' && (op == "contains" || op == "startswith" || op == "endswith" || op == "in"):
	case opTok.kind == 'i' && op == "not" && p.peekWord("in"):
		p.pos++
		op = "not in"
	default:
		return nil, fmt.Errorf("unknown operator %q", opTok.text)
	}
	if op == "in" || op == "not in" {
		if c, ok := p.next(); !ok || c.kind != '(' {
			return nil, fmt.Errorf("expected '(' after %s", op)
		}
		var vals []tqlTok
		for {
			v, ok := p.next()
			if !ok || (v.kind != 's' && v.kind != 'n' && v.kind != 'i') {
				return nil, fmt.Errorf("expected a value in %s (...)", op)
			}
			vals = append(vals, v)
			c, ok := p.next()
			if ok && c.kind == ')' {
				break
			}
			if !ok || c.kind != ',' {
				return nil, fmt.Errorf("expected ',' or ')'")
			}
		}
		return &tqlExpr{op: op, field: field, values: vals}, nil
	}
	v, ok := p.next()
	if !ok || (v.kind != 's' && v.kind != 'n' && v.kind != 'i') {
		return nil, fmt.Errorf("expected a value after %s %s", field, op)
	}
	return &tqlExpr{op: op, field: field, values: []tqlTok{v}}, nil
}

// tqlFields are the fields the fake can filter on.
var tqlFields = map[string]bool{"id": true, "typename": true, "summary": true, "ownername": true, "tag": true,
	"rating": true, "confidence": true, "active": true, "dateadded": true, "lastmodified": true}

// check reports the first field the fake does not keep.
func (e *tqlExpr) check() error {
	if e.left != nil {
		if err := e.left.check(); err != nil {
			return err
		}
		return e.right.check()
	}
	if !tqlFields[strings.ToLower(e.field)] {
		return fmt.Errorf("unknown TQL field %q", e.field)
	}
	return nil
}

func (e *tqlExpr) match(ind *Indicator) bool {
	switch e.op {
	case "and":
		return e.left.match(ind) && e.right.match(ind)
	case "or":
		return e.left.match(ind) || e.right.match(ind)
	}
	var have []string
	numeric := false
	switch strings.ToLower(e.field) {
	case "id":
		have, numeric = []string{strconv.FormatInt(ind.ID, 10)}, true
	case "typename":
		have = []string{ind.Type}
	case "summary":
		have = []string{ind.Summary}
	case "ownername":
		have = []string{ind.Owner}
	case "tag":
		have = ind.Tags
	case "rating":
		have, numeric = []string{strconv.FormatFloat(ind.Rating, 'f', -1, 64)}, true
	case "confidence":
		have, numeric = []string{strconv.Itoa(ind.Confidence)}, true
	case "active":
		have = []string{strconv.FormatBool(ind.Active)}
	case "dateadded":
		have = []string{ind.DateAdded.UTC().Format(time.RFC3339)}
	case "lastmodified":
		have = []string{ind.LastModified.UTC().Format(time.RFC3339)}
	}
	anyMatch := func(f func(h, v string) bool) bool {
		for _, h := range have {
			for _, v := range e.values {
				if f(h, v.text) {
					return true
				}
			}
		}
		return false
	}
	cmp := func(h, v string) int {
		if numeric {
			a, _ := strconv.ParseFloat(h, 64)
			b, _ := strconv.ParseFloat(v, 64)
			return compare(a, b)
		}
		return strings.Compare(strings.ToLower(h), strings.ToLower(v))
	}
	switch e.op {
	case "=", "in":
		return anyMatch(func(h, v string) bool { return cmp(h, v) == 0 })
	case "!=", "not in":
		return !anyMatch(func(h, v string) bool { return cmp(h, v) == 0 })
	case ">":
		return anyMatch(func(h, v string) bool { return cmp(h, v) > 0 })
	case ">=":
		return anyMatch(func(h, v string) bool { return cmp(h, v) >= 0 })
	case "<":
		return anyMatch(func(h, v string) bool { return cmp(h, v) < 0 })
	case "<=":
		return anyMatch(func(h, v string) bool { return cmp(h, v) <= 0 })
	case "contains":
		return anyMatch(func(h, v string) bool { return strings.Contains(strings.ToLower(h), strings.ToLower(v)) })
	case "startswith":
		return anyMatch(func(h, v string) bool { return strings.HasPrefix(strings.ToLower(h), strings.ToLower(v)) })
	case "endswith":
		return anyMatch(func(h, v string) bool { return strings.HasSuffix(strings.ToLower(h), strings.ToLower(v)) })
	}
	return false
}

func compare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
