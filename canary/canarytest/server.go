package canarytest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decoykit/decoykit/canary"
)

const apiPrefix = "/api/v1"

// maxBody caps request bodies (uploads included).
const maxBody = 32 << 20

// Server is a fake Canary Console on a loopback port, like an
// httptest.Server. It keeps tokens and incidents in memory, answers the API
// under URL+"/api/v1" with the Console's documented shapes and quirks, and
// is safe for concurrent use.
type Server struct {
	// URL is the server's root, such as http://127.0.0.1:40123; the API
	// root is URL+"/api/v1" (see BaseURL).
	URL string

	ts  *httptest.Server
	cfg config

	mu sync.RWMutex
	st *state

	faultMu  sync.Mutex
	faultRNG *rand.Rand

	requests, faults atomic.Int64
}

// NewServer starts a fake Console with no tokens and no incidents. Close it
// when done. It panics with a "canarytest: option X: reason" message when
// an option is given an invalid argument: options are code, not input, so a
// bad one is a programmer's mistake, as a bad pattern is to
// regexp.MustCompile.
func NewServer(opts ...Option) *Server {
	cfg := config{authToken: DefaultAuthToken, seed: 1, now: time.Now}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			panic(err.Error())
		}
	}
	if len(cfg.faults.Kinds) == 0 {
		cfg.faults.Kinds = []Fault{FaultRateLimited, FaultBadGateway, FaultUnavailable, FaultGatewayTimeout, FaultConnectionReset}
	}
	s := &Server{
		cfg:      cfg,
		st:       newState(cfg.seed, cfg.flocks),
		faultRNG: rand.New(rand.NewPCG(cfg.seed^0x5bd1e995, cfg.seed)),
	}
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down and waits for its requests to finish.
func (s *Server) Close() { s.ts.Close() }

// BaseURL returns the API root to give canary.WithBaseURL: URL+"/api/v1".
func (s *Server) BaseURL() string { return s.URL + apiPrefix }

// AuthToken returns the auth token the server accepts.
func (s *Server) AuthToken() string { return s.cfg.authToken }

// HTTPClient returns an *http.Client configured for this server (as
// httptest.Server.Client does), for raw requests to URL or BaseURL.
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// Client returns a ready *canary.Client for this server: authenticated, on
// HTTPClient, with quick retries (up to 8 attempts, 1-20ms apart) so tests
// under injected faults stay fast. opts are applied after those defaults
// and override them. It panics if an option is invalid, as
// regexp.MustCompile does with a bad pattern.
func (s *Server) Client(opts ...canary.Option) *canary.Client {
	base := []canary.Option{
		canary.WithBaseURL(s.BaseURL()),
		canary.WithAuthToken(s.cfg.authToken),
		canary.WithHTTPClient(s.HTTPClient()),
		canary.WithRetry(canary.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}),
	}
	c, err := canary.NewClient(append(base, opts...)...)
	if err != nil {
		panic("canarytest: Server.Client: " + err.Error())
	}
	return c
}

// Stats counts what the server has seen.
type Stats struct {
	Requests int64 // every request received
	Faults   int64 // requests failed on purpose (WithFaultRate, WithFaults)
}

// Stats returns the request counters.
func (s *Server) Stats() Stats {
	return Stats{Requests: s.requests.Load(), Faults: s.faults.Load()}
}

func (s *Server) now() time.Time { return s.cfg.now().UTC() }

// request is one parsed API call.
type request struct {
	*http.Request
	path   string // without /api/v1
	params url.Values
	files  map[string][]*multipart.FileHeader
}

type handler func(s *Server, w http.ResponseWriter, r *request)

type route struct {
	methods []string
	h       handler
}

var routes map[string]route

func init() {
	get, post, del := []string{http.MethodGet}, []string{http.MethodPost}, []string{http.MethodDelete, http.MethodPost}
	routes = map[string]route{
		"/ping":                     {get, (*Server).ping},
		"/canarytokens/list":        {get, (*Server).kindsList},
		"/canarytoken/create":       {post, (*Server).createToken},
		"/canarytoken/fetch":        {get, (*Server).fetchToken},
		"/canarytokens/fetch":       {get, (*Server).fetchAllTokens},
		"/canarytokens/paginate":    {get, (*Server).paginateTokens},
		"/canarytokens/search":      {get, (*Server).searchTokens},
		"/canarytoken/update":       {post, (*Server).updateToken},
		"/canarytoken/enable":       {post, (*Server).enableToken},
		"/canarytoken/disable":      {post, (*Server).disableToken},
		"/canarytoken/delete":       {post, (*Server).deleteToken},
		"/canarytoken/download":     {get, (*Server).downloadToken},
		"/incidents/all":            {get, (*Server).feed},
		"/incidents/unacknowledged": {get, (*Server).feed},
		"/incidents/acknowledged":   {get, (*Server).feed},
		"/incidents/search":         {get, (*Server).searchIncidents},
		"/incident/fetch":           {get, (*Server).fetchIncident},
		"/incident/acknowledge":     {post, (*Server).ackIncident},
		"/incident/unacknowledge":   {post, (*Server).unackIncident},
		"/incident/delete":          {del, (*Server).deleteIncident},
		"/incidents/acknowledge":    {post, (*Server).bulkAck},
		"/incidents/unacknowledge":  {post, (*Server).bulkUnack},
		"/incidents/delete":         {del, (*Server).bulkDelete},

		"/devices/all":                      {get, (*Server).listDevices},
		"/devices/live":                     {get, (*Server).listDevices},
		"/devices/dead":                     {get, (*Server).listDevices},
		"/devices/filter":                   {get, (*Server).filterDevices},
		"/device/info":                      {get, (*Server).deviceInfo},
		"/device/getinfo":                   {get, (*Server).deviceInfo},
		"/device/ips":                       {get, (*Server).deviceIPs},
		"/device/reboot":                    {post, (*Server).rebootDevice},
		"/device/update":                    {post, (*Server).updateDevice},
		"/device/configure":                 {post, (*Server).configureDevice},
		"/bundles/list":                     {get, (*Server).bundles},
		"/updates/list":                     {get, (*Server).updatesList},
		"/flocks/list":                      {get, (*Server).flocksList},
		"/flocks/filter":                    {get, (*Server).flocksFilter},
		"/flocks/summary":                   {get, (*Server).flocksSummary},
		"/flock/summary":                    {get, (*Server).flockSummary},
		"/flock/list":                       {get, (*Server).flockMembers},
		"/flock/settings":                   {get, (*Server).flockSettings},
		"/flock/create":                     {post, (*Server).flockCreate},
		"/flock/rename":                     {post, (*Server).flockRename},
		"/flock/move":                       {post, (*Server).flockMove},
		"/flock/delete":                     {post, (*Server).flockDelete},
		"/canarytoken/create_factory":       {post, (*Server).createFactory},
		"/canarytoken/list_factories":       {get, (*Server).listFactories},
		"/canarytoken/delete_factory":       {del, (*Server).deleteFactory},
		"/canarytokens/factory/list":        {get, (*Server).factoryKindsList},
		"/canarytoken/factory/create":       {post, (*Server).factoryCreate},
		"/canarytoken/factory":              {post, (*Server).factoryCreate},
		"/canarytoken/factory/download":     {get, (*Server).factoryDownload},
		"/audit_trail/fetch":                {get, (*Server).auditFetch},
		"/settings":                         {get, (*Server).settings},
		"/settings/is_ip_ignored":           {get, (*Server).isIPIgnored},
		"/settings/is_ip_whitelisted":       {get, (*Server).isIPIgnored},
		"/settings/is_hostname_whitelisted": {get, (*Server).isHostnameIgnored},
		"/settings/whitelist_ip_port":       {post, (*Server).ignoreIP},
		"/flock/auth_token/add":             {post, (*Server).addAPIKey},
		"/canarytokens/delete":              {post, (*Server).deleteByDomains},
		"/canarytoken/update/redirect_url":  {post, (*Server).updateRedirect},
		"/canarytoken/remove/redirect_url":  {post, (*Server).removeRedirect},
		"/canarytoken/remove/s3":            {post, (*Server).removeS3},
		"/incidents/history/source":         {get, (*Server).sourceHistory},
		"/flock/auth_token/list":            {get, (*Server).listAPIKeys},
		"/flock/auth_token/remove":          {post, (*Server).removeAPIKey},
	}
}

// factoryPaths authenticate with factory_auth instead of the API key.
var factoryPaths = map[string]bool{
	"/canarytoken/factory/create": true, "/canarytoken/factory": true, "/canarytoken/factory/download": true,
}

// ServeHTTP implements http.Handler, so the fake can also be mounted in
// another server or called directly.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	s.requests.Add(1)
	if d := s.cfg.latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-hr.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	path, ok := strings.CutPrefix(hr.URL.Path, apiPrefix)
	if !ok {
		s.fail(w, http.StatusNotFound, "Endpoint not found. The API lives under /api/v1.")
		return
	}
	path = strings.TrimSuffix(path, "/")
	if s.injectFault(w, path) {
		return
	}
	rt, ok := routes[path]
	if !ok {
		s.fail(w, http.StatusNotFound, "Endpoint not found: "+path)
		return
	}
	allowed := false
	for _, m := range rt.methods {
		allowed = allowed || hr.Method == m
	}
	if !allowed {
		w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		s.fail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %s not allowed on %s", hr.Method, path))
		return
	}
	r, err := parseRequest(hr, path)
	if hr.MultipartForm != nil {
		defer func() { _ = hr.MultipartForm.RemoveAll() }()
	}
	if err != nil {
		s.fail(w, http.StatusBadRequest, "Could not process the parameters")
		return
	}
	if !factoryPaths[path] && !s.authorized(w, r) {
		return
	}
	rt.h(s, w, r)
}

// authorized checks the X-Canary-Auth-Token header, or else the auth_token
// parameter, with the Console's two different error messages.
func (s *Server) authorized(w http.ResponseWriter, r *request) bool {
	want := []byte(s.cfg.authToken)
	if vs, ok := r.Header[http.CanonicalHeaderKey("X-Canary-Auth-Token")]; ok {
		if len(vs) == 1 && subtle.ConstantTimeCompare([]byte(vs[0]), want) == 1 {
			return true
		}
		if len(vs) == 1 {
			if known, allowed := s.flockKeyAuthorized(w, r, vs[0]); known {
				return allowed
			}
		}
		s.fail(w, http.StatusUnauthorized, "Unauthorized")
		return false
	}
	if subtle.ConstantTimeCompare([]byte(r.params.Get("auth_token")), want) == 1 {
		return true
	}
	if tok := r.params.Get("auth_token"); tok != "" {
		if known, allowed := s.flockKeyAuthorized(w, r, tok); known {
			return allowed
		}
	}
	s.fail(w, http.StatusUnauthorized, "Invalid auth_token")
	return false
}

// parseRequest merges the query string and the form (urlencoded or
// multipart, on POST and DELETE) into one set of parameters.
func parseRequest(hr *http.Request, path string) (*request, error) {
	r := &request{Request: hr, path: path, params: url.Values{}}
	for k, vs := range hr.URL.Query() {
		r.params[k] = append(r.params[k], vs...)
	}
	if hr.Method == http.MethodGet || hr.Body == nil {
		return r, nil
	}
	body := http.MaxBytesReader(nil, hr.Body, maxBody)
	ctype, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	switch ctype {
	case "multipart/form-data":
		hr.Body = body
		if err := hr.ParseMultipartForm(maxBody); err != nil {
			return nil, err
		}
		for k, vs := range hr.MultipartForm.Value {
			r.params[k] = append(r.params[k], vs...)
		}
		r.files = hr.MultipartForm.File
	case "application/x-www-form-urlencoded":
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, err
		}
		for k, vs := range form {
			r.params[k] = append(r.params[k], vs...)
		}
	}
	return r, nil
}

// errorEnvelope is the Console's error body.
type errorEnvelope struct {
	Message string `json:"message"`
	Result  string `json:"result"`
}

// fail writes {"message": msg, "result": "error"}.
func (s *Server) fail(w http.ResponseWriter, status int, msg string) {
	if s.cfg.errorsOn200 {
		status = http.StatusOK
	}
	s.writeJSON(w, status, errorEnvelope{Message: msg, Result: "error"})
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message": "internal error", "result": "error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// success is {"result": "success"}.
type success struct {
	Result string `json:"result"`
}

var ok = success{Result: "success"}

func (s *Server) ping(w http.ResponseWriter, _ *request) { s.writeJSON(w, http.StatusOK, ok) }

// injectFault fails the request if fault injection picks it.
func (s *Server) injectFault(w http.ResponseWriter, path string) bool {
	f := s.cfg.faults
	if f.Rate <= 0 {
		return false
	}
	if len(f.Paths) > 0 {
		match := false
		for _, p := range f.Paths {
			match = match || p == path
		}
		if !match {
			return false
		}
	}
	s.faultMu.Lock()
	hit := s.faultRNG.Float64() < f.Rate
	kind := f.Kinds[s.faultRNG.IntN(len(f.Kinds))]
	s.faultMu.Unlock()
	if !hit {
		return false
	}
	s.faults.Add(1)
	if f.RetryAfter > 0 && (kind == FaultRateLimited || kind == FaultUnavailable) {
		secs := (f.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.Itoa(int(secs)))
	}
	switch kind {
	case FaultRateLimited:
		s.writeJSON(w, http.StatusTooManyRequests, errorEnvelope{Message: "Too many requests", Result: "error"})
	case FaultUnavailable:
		s.writeJSON(w, http.StatusServiceUnavailable, errorEnvelope{Message: "Service temporarily unavailable", Result: "error"})
	case FaultBadGateway:
		htmlError(w, http.StatusBadGateway)
	case FaultGatewayTimeout:
		htmlError(w, http.StatusGatewayTimeout)
	default:
		reset(w)
	}
	return true
}

func htmlError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
		status, http.StatusText(status), status, http.StatusText(status))
}

// reset closes the connection with a TCP RST and no response.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// withRead runs f under the read lock.
func (s *Server) withRead(f func(st *state)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f(s.st)
}

// withWrite runs f under the write lock.
func (s *Server) withWrite(f func(st *state)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.st)
}
