package canarytest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// cursor is a position in a paginated query. On the wire it is opaque
// base64 of colon-separated integers, like the Console's own
// ("MTE6MTA6MTQ0OjE6MjowOjI6NQ==" is "11:10:144:1:2:0:2:5"): the filters stay
// on the server, keyed by the query ID, so follow-up requests carry only the
// cursor.
type cursor struct {
	query int64 // the remembered query
	after int64 // the page holds items whose position is > after
	bound int64 // ... and <= bound, the last position when the query began
	limit int
	page  int
}

func (c cursor) encode() string {
	s := fmt.Sprintf("%d:%d:%d:%d:%d", c.query, c.after, c.bound, c.limit, c.page)
	return base64.StdEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string) (cursor, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		// Tolerate a cursor whose padding was lost or which was URL-encoded.
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return cursor{}, false
		}
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 5 {
		return cursor{}, false
	}
	var n [5]int64
	for i, p := range parts {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v < 0 {
			return cursor{}, false
		}
		n[i] = v
	}
	if n[3] < 1 || n[4] < 1 {
		return cursor{}, false
	}
	return cursor{query: n[0], after: n[1], bound: n[2], limit: int(n[3]), page: int(n[4])}, true
}

// cursorWire is the Console's cursor object.
type cursorWire struct {
	Next     *string `json:"next"`
	NextLink *string `json:"next_link"`
	Prev     *string `json:"prev"`
	PrevLink *string `json:"prev_link"`
}

// link builds a next_link/prev_link as the Console does: the full URL with
// the cursor and the caller's auth_token in the query string. (Clients must
// not follow these links; they are here because the Console sends them.)
func link(base, path, c, authToken string) *string {
	s := base + apiPrefix + path + "?cursor=" + url.QueryEscape(c) + "&auth_token=" + url.QueryEscape(authToken)
	return &s
}

func makeCursorWire(base, path, authToken string, next, prev *cursor) *cursorWire {
	w := &cursorWire{}
	if next != nil {
		s := next.encode()
		w.Next, w.NextLink = &s, link(base, path, s, authToken)
	}
	if prev != nil {
		s := prev.encode()
		w.Prev, w.PrevLink = &s, link(base, path, s, authToken)
	}
	return w
}
