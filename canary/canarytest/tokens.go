package canarytest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Documented Console error messages (canarytools-python's ERROR_MAP, the
// best available catalogue of them).
const (
	msgBadKind      = "Supplied kind is not valid."
	msgEmptyMemo    = "Empty memo"
	msgBadParams    = "Could not process the parameters"
	msgBadClonedWeb = "Could not process the parameters. cloned_web is invalid, not enough domain labels"
	msgNoToken      = "Could not find the Canarytoken"
	msgNoFile       = "File generation not supported."
	msgNoIncident   = "Incident not found"
	msgNodeAndSrc   = "Cannot use src_host and node_id together"
	msgNoFlock      = "Flock does not exist."
	// msgHasIncidents is not documented word for word; the docs say the
	// incidents must be deleted first unless clear_incidents is set.
	msgHasIncidents = "Could not delete Canarydrop: the token has incidents. Delete them first, or pass clear_incidents=true."
)

const maxMemo = 10000

// tokenSpec is a token to create, from the API or from a seeding helper.
type tokenSpec struct {
	kind, memo, flockID string
	params              map[string]string
	file                *storedFile
	created             time.Time
	disabled            bool
}

// checkSpec validates a create request as the Console does and returns the
// error message, or "".
func checkSpec(sp *tokenSpec) string {
	ki, ok := kinds[sp.kind]
	if !ok || ki.flow {
		return msgBadKind
	}
	if strings.TrimSpace(sp.memo) == "" {
		return msgEmptyMemo
	}
	if utf8.RuneCountInString(sp.memo) > maxMemo {
		return msgBadParams + ". memo is longer than 10000 characters"
	}
	if sp.flockID != "" && !strings.HasPrefix(sp.flockID, "flock:") {
		return msgNoFlock
	}
	for _, name := range ki.required {
		if strings.TrimSpace(sp.params[name]) == "" {
			return msgBadParams + ". " + name + " is required for kind " + sp.kind
		}
	}
	if v, ok := sp.params["cloned_web"]; ok && sp.kind == "cloned-web" {
		host := strings.TrimSuffix(v, ".")
		if strings.Count(host, ".") < 1 || strings.ContainsAny(host, "/: ") {
			return msgBadClonedWeb
		}
	}
	if v := sp.params["browser_redirect_url"]; v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return msgBadParams + ". browser_redirect_url is invalid"
		}
	}
	if v, ok := sp.params["browser_scanner_enabled"]; ok {
		if _, err := strconv.ParseBool(v); err != nil {
			return msgBadParams + ". browser_scanner_enabled is invalid"
		}
	}
	if ki.uploadRequired && sp.file == nil {
		return msgBadParams + ". " + ki.upload + " file is required for kind " + sp.kind
	}
	if sp.file != nil && !fileLooksRight(ki.upload, sp.file.data) {
		return msgBadParams + ". " + ki.upload + " is not " + fileWant[ki.upload]
	}
	return ""
}

var fileWant = map[string]string{
	"doc": "a .docx document", "pdf": "a PDF document", "web_image": "a PNG or JPEG image", "exe": "a Windows executable",
}

func fileLooksRight(field string, data []byte) bool {
	switch field {
	case "doc":
		return bytes.HasPrefix(data, []byte("PK\x03\x04"))
	case "pdf":
		return bytes.HasPrefix(data, []byte("%PDF-"))
	case "web_image":
		ct := http.DetectContentType(data)
		return ct == "image/png" || ct == "image/jpeg"
	case "exe":
		return bytes.HasPrefix(data, []byte("MZ"))
	}
	return false
}

// newToken stores a validated spec.
func (s *Server) newToken(st *state, sp *tokenSpec) *token {
	ki := kinds[sp.kind]
	st.tokenSeq++
	created := sp.created
	if created.IsZero() {
		created = s.now()
	}
	flock := sp.flockID
	if flock == "" {
		flock = "flock:default"
	}
	st.ensureFlock(flock) // AddToken and Seed create the flock
	t := &token{
		seq:       st.tokenSeq,
		id:        st.randString(alnum, 25),
		kind:      sp.kind,
		memo:      sp.memo,
		flockID:   flock,
		nodeID:    st.randHex(8),
		key:       st.randHex(16),
		enabled:   !sp.disabled,
		created:   created.UTC(),
		updatedID: st.nextUpdatedID(),
		params:    map[string]string{},
		file:      sp.file,
	}
	t.hostname = t.id + ".canarytokens.example"
	t.url = "http://canarytokens.example/static/" + t.id + "/index.html"
	if ki.dnsChannel() {
		t.url = ""
	}
	allowed := append(append(slices.Clone(ki.required), ki.optional...), commonParams...)
	for _, name := range allowed {
		if v, ok := sp.params[name]; ok && v != "" {
			t.params[name] = v
		}
	}
	switch sp.kind {
	case "http":
		if _, ok := t.params["browser_scanner_enabled"]; !ok {
			t.params["browser_scanner_enabled"] = "true"
		}
	case "aws-id":
		t.accessKeyID = "AKIA" + st.randString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
		t.secretAccessKey = st.randString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
		t.username = "canarytest-" + t.id[:10]
	case "wireguard":
		k := make([]byte, 32)
		for i := range k {
			k[i] = byte(st.rng.UintN(256))
		}
		t.wgPrivateKey = base64.StdEncoding.EncodeToString(k)
	case "qr-code":
		t.qrPNG = qrPNG(t.id)
	}
	st.tokens = append(st.tokens, t)
	st.tokenByID[t.id] = t
	return t
}

// tokenJSON renders a token as the Console does. withNode adds node_id
// (list, fetch and search results carry it; the create example does not);
// withUnacked adds search's unacked_alert_count.
func tokenJSON(t *token, withNode, withUnacked bool) map[string]any {
	m := map[string]any{
		"canarytoken":       t.id,
		"created":           fmt.Sprintf("%d.%06d", t.created.Unix(), t.created.Nanosecond()/1000),
		"created_printable": t.created.Format("2006-01-02 15:04:05 (UTC)"),
		"enabled":           t.enabled,
		"flock_id":          t.flockID,
		"hostname":          t.hostname,
		"key":               t.key,
		"kind":              t.kind,
		"kind_description":  kinds[t.kind].desc,
		"memo":              t.memo,
		"triggered_count":   t.triggered,
		"updated_id":        t.updatedID,
		"url":               t.url,
	}
	if withNode {
		m["node_id"] = t.nodeID
	}
	if withUnacked {
		m["unacked_alert_count"] = t.unacked
	}
	if t.factoryAuth != "" {
		m["factory_auth"] = t.factoryAuth
	}
	for k, v := range t.params {
		switch k {
		case "aws_secret_key", "aws_session_token", "aws_access_key":
			continue // credentials for the Console's own use, never echoed
		case "browser_scanner_enabled":
			b, _ := strconv.ParseBool(v)
			m[k] = b
		default:
			m[k] = v
		}
	}
	switch t.kind {
	case "aws-id":
		m["access_key_id"] = t.accessKeyID
		m["secret_access_key"] = t.secretAccessKey
		m["username"] = t.username
		m["renders"] = map[string]string{"aws-id": fmt.Sprintf(
			"\n    [default]\n    aws_access_key_id = %s\n    aws_secret_access_key = %s\n    region = us-east-2\n    output = json\n",
			t.accessKeyID, t.secretAccessKey)}
	case "cloned-web":
		m["renders"] = map[string]string{"cloned-web": fmt.Sprintf(
			"<script>if (document.domain != %q && document.domain != \"www.%s\") { var l = location.href; var r = document.referrer; var m = new Image(); m.src = %q + encodeURI(l) + \"&r=\" + encodeURI(r); }</script>",
			t.params["cloned_web"], t.params["cloned_web"], t.url+"?l=")}
	case "wireguard":
		m["renders"] = map[string]string{"wg_conf": fmt.Sprintf(
			"[Interface]\nPrivateKey = %s\nAddress = 10.0.1.2/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.1.0/24\nEndpoint = %s:51820\n",
			t.wgPrivateKey, base64.StdEncoding.EncodeToString([]byte(t.key)[:32]), t.hostname)}
	case "qr-code":
		m["qr_code"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(t.qrPNG)
	}
	return m
}

func (s *Server) kindsList(w http.ResponseWriter, _ *request) {
	out := make(map[string]string, len(kinds))
	for k, ki := range kinds {
		out[k] = ki.desc
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"canarytokens": out, "result": "success"})
}

func (s *Server) createToken(w http.ResponseWriter, r *request) { s.createTokenWith(w, r, "") }

// createTokenWith creates a token; factoryAuth marks a factory's token.
func (s *Server) createTokenWith(w http.ResponseWriter, r *request, factoryAuth string) {
	sp := &tokenSpec{kind: r.params.Get("kind"), memo: r.params.Get("memo"), flockID: r.params.Get("flock_id"), params: map[string]string{}}
	for k := range r.params {
		sp.params[k] = r.params.Get(k)
	}
	ki := kinds[sp.kind]
	for field, fhs := range r.files {
		if field != ki.upload || ki.upload == "" {
			s.fail(w, http.StatusBadRequest, fmt.Sprintf("%s. %s is not a file parameter of kind %s", msgBadParams, field, sp.kind))
			return
		}
		if len(fhs) != 1 {
			s.fail(w, http.StatusBadRequest, msgBadParams+". send one "+field+" file")
			return
		}
		f, err := fhs[0].Open()
		if err != nil {
			s.fail(w, http.StatusBadRequest, msgBadParams)
			return
		}
		data, err := io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			s.fail(w, http.StatusBadRequest, msgBadParams)
			return
		}
		sp.file = &storedFile{name: fhs[0].Filename, contentType: fhs[0].Header.Get("Content-Type"), data: data}
	}
	if msg := checkSpec(sp); msg != "" {
		s.fail(w, http.StatusBadRequest, msg)
		return
	}
	var out map[string]any
	s.withWrite(func(st *state) {
		// The Console refuses a flock it does not have; the message is the
		// one it gives for a malformed flock_id (the docs quote no other).
		if sp.flockID != "" && st.est.flocks[sp.flockID] == nil {
			return
		}
		t := s.newToken(st, sp)
		t.factoryAuth = factoryAuth
		out = tokenJSON(t, false, false)
	})
	if out == nil {
		s.fail(w, http.StatusBadRequest, msgNoFlock)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"canarytoken": out, "result": "success"})
}

// lookupToken finds the token named by the canarytoken parameter, or
// writes the error.
func (s *Server) lookupToken(w http.ResponseWriter, r *request, st *state) *token {
	id := r.params.Get("canarytoken")
	if id == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter canarytoken")
		return nil
	}
	t := st.tokenByID[id]
	if t == nil {
		s.fail(w, http.StatusNotFound, msgNoToken)
	}
	return t
}

func (s *Server) fetchToken(w http.ResponseWriter, r *request) {
	var out map[string]any
	s.withRead(func(st *state) {
		if t := s.lookupToken(w, r, st); t != nil {
			out = tokenJSON(t, true, false)
		}
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"token": out, "result": "success"})
	}
}

// fetchAllTokens is the deprecated, unpaginated /canarytokens/fetch. With
// include_endpoints it appends the factory endpoints entry, which carries
// no canarytoken field (canarytools-python issue #5).
func (s *Server) fetchAllTokens(w http.ResponseWriter, r *request) {
	flock := r.params.Get("flock_id")
	var list []any
	s.withRead(func(st *state) {
		list = make([]any, 0, len(st.tokens)+1)
		for _, t := range st.tokens {
			if flock == "" || t.flockID == flock {
				list = append(list, tokenJSON(t, true, false))
			}
		}
	})
	if b, _ := strconv.ParseBool(r.params.Get("include_endpoints")); b {
		list = append(list, map[string]any{"endpoints": []any{}})
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"tokens": list, "result": "success"})
}

// tokenQuery is a remembered paginate or search query.
type tokenQuery struct {
	flock, search, kind string
	active              *bool
}

func (q *tokenQuery) match(t *token) bool {
	if q.flock != "" && t.flockID != q.flock {
		return false
	}
	if q.kind != "" && t.kind != q.kind {
		return false
	}
	if q.active != nil && t.enabled != *q.active {
		return false
	}
	if q.search != "" && !wordPrefix(q.search, t.id, t.memo) {
		return false
	}
	return true
}

// wordPrefix is the search_string match: a case-insensitive prefix of the
// token ID or of a word of the memo.
func wordPrefix(needle string, id, memo string) bool {
	needle = strings.ToLower(strings.TrimSpace(needle))
	if strings.HasPrefix(id, needle) {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(memo), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != '.'
	}) {
		if strings.HasPrefix(w, needle) {
			return true
		}
	}
	return false
}

// pageLimit reads the limit parameter (default 10, as the docs say).
func pageLimit(v string) (int, bool) {
	if v == "" {
		return 10, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, false
	}
	return min(n, 10000), true
}

// startTokenQuery reads the first-page parameters or the cursor.
func (s *Server) tokenCursor(w http.ResponseWriter, r *request, search bool) (*tokenQuery, cursor, bool) {
	var q *tokenQuery
	var c cursor
	failed := false
	s.withWrite(func(st *state) {
		if cs := r.params.Get("cursor"); cs != "" {
			var ok bool
			c, ok = decodeCursor(cs)
			if ok {
				q, ok = st.queries[c.query].(*tokenQuery)
			}
			if !ok {
				s.fail(w, http.StatusBadRequest, "Parameter cursor was invalid.")
				failed = true
			}
			return
		}
		limit, ok := pageLimit(r.params.Get("limit"))
		if !ok {
			s.fail(w, http.StatusBadRequest, "Parameter limit was invalid.")
			failed = true
			return
		}
		q = &tokenQuery{flock: r.params.Get("flock_id")}
		if search {
			q.search, q.kind = r.params.Get("search_string"), r.params.Get("kind")
			if v := r.params.Get("active"); v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					s.fail(w, http.StatusBadRequest, "Parameter active was invalid.")
					failed = true
					return
				}
				q.active = &b
			}
		}
		c = cursor{query: st.remember(q), after: 0, bound: st.tokenSeq, limit: limit, page: 1}
	})
	return q, c, !failed
}

// tokenPage collects one page of matching tokens.
func tokenPage(st *state, q *tokenQuery, c cursor) (page []*token, next, prev *cursor, total int) {
	start := sort.Search(len(st.tokens), func(i int) bool { return st.tokens[i].seq > c.after })
	for i := start; i < len(st.tokens) && st.tokens[i].seq <= c.bound; i++ {
		t := st.tokens[i]
		if !q.match(t) {
			continue
		}
		if len(page) == c.limit {
			n := cursor{query: c.query, after: page[len(page)-1].seq, bound: c.bound, limit: c.limit, page: c.page + 1}
			next = &n
			break
		}
		page = append(page, t)
	}
	if c.page > 1 {
		// The previous page: the limit matches before this page's start.
		got, first := 0, int64(1)
		for i := start - 1; i >= 0 && got < c.limit; i-- {
			if q.match(st.tokens[i]) {
				got++
				first = st.tokens[i].seq
			}
		}
		p := cursor{query: c.query, after: first - 1, bound: c.bound, limit: c.limit, page: c.page - 1}
		prev = &p
	}
	for _, t := range st.tokens {
		if t.seq <= c.bound && q.match(t) {
			total++
		}
	}
	return page, next, prev, total
}

func (s *Server) listTokens(w http.ResponseWriter, r *request, search bool) {
	q, c, ok := s.tokenCursor(w, r, search)
	if !ok {
		return
	}
	var items []any
	var next, prev *cursor
	var total int
	s.withRead(func(st *state) {
		var page []*token
		page, next, prev, total = tokenPage(st, q, c)
		items = make([]any, 0, len(page))
		for _, t := range page {
			items = append(items, tokenJSON(t, true, search))
		}
	})
	pages := max((total+c.limit-1)/c.limit, 1)
	out := map[string]any{
		"canarytokens": items,
		"cursor":       makeCursorWire(s.URL, r.path, s.cfg.authToken, next, prev),
		"result":       "success",
	}
	if search {
		out["page_number"], out["total_pages"], out["total_results"] = c.page, pages, total
	} else {
		out["page_num"], out["page_total"] = c.page, pages
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) paginateTokens(w http.ResponseWriter, r *request) { s.listTokens(w, r, false) }
func (s *Server) searchTokens(w http.ResponseWriter, r *request)   { s.listTokens(w, r, true) }

func (s *Server) updateToken(w http.ResponseWriter, r *request) {
	memo := r.params.Get("memo")
	var out map[string]any
	s.withWrite(func(st *state) {
		t := s.lookupToken(w, r, st)
		if t == nil {
			return
		}
		if strings.TrimSpace(memo) == "" {
			s.fail(w, http.StatusBadRequest, msgEmptyMemo)
			return
		}
		if utf8.RuneCountInString(memo) > maxMemo {
			s.fail(w, http.StatusBadRequest, msgBadParams+". memo is longer than 10000 characters")
			return
		}
		t.memo = memo
		t.updatedID = st.nextUpdatedID()
		out = tokenJSON(t, true, false)
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"token": out, "result": "success"})
	}
}

func (s *Server) setEnabled(w http.ResponseWriter, r *request, enabled bool) {
	done := false
	s.withWrite(func(st *state) {
		if t := s.lookupToken(w, r, st); t != nil {
			if t.enabled != enabled {
				t.enabled = enabled
				t.updatedID = st.nextUpdatedID()
			}
			done = true
		}
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}

func (s *Server) enableToken(w http.ResponseWriter, r *request)  { s.setEnabled(w, r, true) }
func (s *Server) disableToken(w http.ResponseWriter, r *request) { s.setEnabled(w, r, false) }

// deleteToken refuses a token with incidents unless clear_incidents is
// true, as the Console does.
func (s *Server) deleteToken(w http.ResponseWriter, r *request) {
	clear, _ := strconv.ParseBool(r.params.Get("clear_incidents"))
	done := false
	s.withWrite(func(st *state) {
		t := s.lookupToken(w, r, st)
		if t == nil {
			return
		}
		if t.incidents > 0 && !clear {
			s.fail(w, http.StatusBadRequest, msgHasIncidents)
			return
		}
		st.removeIncidents(st.tokenIncidents(t), true)
		st.deleteToken(t)
		done = true
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}
