package tctest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultOwner is the API user's organization when WithOwners is not used.
const DefaultOwner = "Example Organization"

// DefaultTimestampWindow is the platform's accepted clock skew for the Timestamp
// header.
const DefaultTimestampWindow = 5 * time.Minute

// Server is a running fake ThreatConnect API.
type Server struct {
	// URL is the server root, such as http://127.0.0.1:1234, as for an
	// httptest.Server. The API is served under URL+"/api", as on a real
	// instance (see BaseURL).
	URL string

	srv *httptest.Server
	config

	mu        sync.Mutex
	data      map[string]*ownerData // by owner name
	jobs      map[int64]*BatchJob
	nextID    int64
	requests  []Request
	failures  []failure
	closeOnce sync.Once
}

type ownerRec struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type ownerData struct {
	order  []*Indicator
	byKey  map[string]*Indicator
	groups []*Group
}

type failure struct {
	status int
	ctype  string
	body   string
}

// Request is one request the fake received.
type Request struct {
	Method string // e.g. "GET"
	Path   string // the escaped path as received, e.g. /api/v2/indicators/hosts/example.com
	Query  string // the raw query as received
	Status int    // the status the fake answered
}

// apiPrefix is the path of the API root on the server, as on a real
// instance (https://app.threatconnect.com/api).
const apiPrefix = "/api"

// NewServer starts a fake with no indicators. With neither WithHMAC nor
// WithAPIToken every request is refused. Close it when done.
//
// NewServer panics with a "tctest: option ...: reason" message if an option
// is invalid, as httptest.NewServer panics when it cannot listen: options
// are code in a test, not input.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			panic("tctest: option " + err.Error())
		}
	}
	s := &Server{
		config: cfg,
		data:   map[string]*ownerData{},
		jobs:   map[int64]*BatchJob{},
		nextID: 1000,
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down and waits for its requests to finish.
func (s *Server) Close() { s.closeOnce.Do(s.srv.Close) }

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestCount returns the number of requests received so far.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// FailNext makes the next request (after authentication) get this status,
// content type and body instead of its normal answer. Calls queue up.
func (s *Server) FailNext(status int, contentType, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{status, contentType, body})
}

// statusWriter records the status.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and writes it.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records a 200 if no status was written, and writes b.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	s.serve(sw, r)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Status: sw.status})
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if msg, code := s.authenticate(r); msg != "" {
		failJSON(w, code, msg)
		return
	}
	s.mu.Lock()
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		if f.ctype != "" {
			w.Header().Set("Content-Type", f.ctype)
		}
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(f.body))
		return
	}
	s.mu.Unlock()
	raw := r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(raw, apiPrefix+"/")
	if !ok {
		plain(w, http.StatusNotFound, "Could not find resource for relative : "+raw)
		return
	}
	var segs []string
	for _, p := range strings.Split(rest, "/") {
		u, err := url.PathUnescape(p)
		if err != nil {
			failJSON(w, http.StatusBadRequest, "Malformed path")
			return
		}
		segs = append(segs, u)
	}
	s.route(w, r, segs)
}

// authenticate checks the Authorization and Timestamp headers like the
// platform. It returns a message and status when the request is refused.
func (s *Server) authenticate(r *http.Request) (string, int) {
	auth := r.Header.Get("Authorization")
	s.mu.Lock()
	users, tokens, now, window := s.users, s.tokens, s.now, s.window
	s.mu.Unlock()
	if tok, ok := strings.CutPrefix(auth, "TC-Token "); ok {
		for _, t := range tokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				return "", 0
			}
		}
		return "Unauthorized", http.StatusUnauthorized
	}
	cred, ok := strings.CutPrefix(auth, "TC ")
	if !ok {
		return "Access Denied", http.StatusForbidden
	}
	id, sig, ok := strings.Cut(cred, ":")
	secret, known := users[id]
	if !ok || !known {
		return "Access Denied", http.StatusUnauthorized
	}
	tsHeader := r.Header.Get("Timestamp")
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return "Invalid timestamp", http.StatusUnauthorized
	}
	skew := now().Sub(time.Unix(ts, 0))
	if skew > window || skew < -window {
		return "Timestamp out of acceptable time range", http.StatusUnauthorized
	}
	// The request target exactly as received on the request line.
	msg := r.RequestURI + ":" + r.Method + ":" + tsHeader
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "Signature data did not match expected result", http.StatusUnauthorized
	}
	return "", 0
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func success(w http.ResponseWriter, code int, data any) {
	body := map[string]any{"status": "Success"}
	if data != nil {
		body["data"] = data
	}
	writeJSON(w, code, body)
}

func failJSON(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"status": "Failure", "message": msg})
}

func plain(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(code)
	_, _ = fmt.Fprint(w, msg)
}

// ownerFor resolves the owner query parameter ("" = the organization).
func (s *Server) ownerFor(r *http.Request) (string, bool) {
	name := r.URL.Query().Get("owner")
	if name == "" {
		return s.owners[0].Name, true
	}
	for _, o := range s.owners {
		if o.Name == name {
			return name, true
		}
	}
	return "", false
}

func (s *Server) owner(name string) *ownerData {
	d := s.data[name]
	if d == nil {
		d = &ownerData{byKey: map[string]*Indicator{}}
		s.data[name] = d
	}
	return d
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, segs []string) {
	if len(segs) >= 2 && segs[0] == "v3" {
		s.v3Route(w, r, segs[1:])
		return
	}
	if len(segs) < 2 || segs[0] != "v2" {
		plain(w, http.StatusNotFound, "Could not find resource for relative : /"+strings.Join(segs, "/"))
		return
	}
	switch segs[1] {
	case "owners":
		s.owners2(w, r, segs[2:])
	case "indicators":
		s.indicators(w, r, segs[2:])
	case "groups":
		s.groupsRoute(w, r, segs[2:])
	case "batch":
		s.batch(w, r, segs[2:])
	default:
		plain(w, http.StatusNotFound, "Could not find resource for relative : /"+strings.Join(segs, "/"))
	}
}

func (s *Server) owners2(w http.ResponseWriter, r *http.Request, rest []string) {
	if r.Method != http.MethodGet {
		failJSON(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(rest) == 0:
		success(w, http.StatusOK, map[string]any{"resultCount": len(s.owners), "owner": s.owners})
	case len(rest) == 1 && rest[0] == "mine":
		success(w, http.StatusOK, map[string]any{"owner": s.owners[0]})
	default:
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
	}
}
