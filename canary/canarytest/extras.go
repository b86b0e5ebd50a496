package canarytest

import (
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The token and incident extras: bulk delete by custom domain, redirect
// URL update and removal, S3 removal, and a source's incident history.

// deleteByDomains serves /canarytokens/delete: every token created with
// one of the comma-separated custom domains; nothing is deleted when one
// of them has incidents and clear_incidents is not set.
func (s *Server) deleteByDomains(w http.ResponseWriter, r *request) {
	v := r.params.Get("domains")
	if strings.TrimSpace(v) == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter domains")
		return
	}
	domains := map[string]bool{}
	for _, d := range strings.Split(v, ",") {
		domains[strings.ToLower(strings.TrimSpace(d))] = true
	}
	clear, _ := strconv.ParseBool(r.params.Get("clear_incidents"))
	n := -1
	s.withWrite(func(st *state) {
		var match []*token
		for _, t := range st.tokens {
			if d := strings.ToLower(t.params["custom_domain"]); d != "" && domains[d] {
				match = append(match, t)
			}
		}
		for _, t := range match {
			if t.incidents > 0 && !clear {
				s.fail(w, http.StatusBadRequest, msgHasIncidents)
				return
			}
		}
		for _, t := range match {
			st.removeIncidents(st.tokenIncidents(t), true)
			st.deleteToken(t)
		}
		n = len(match)
	})
	if n >= 0 {
		s.writeJSON(w, http.StatusOK, map[string]any{"result": "success", "deleted_count": n})
	}
}

// redirectTokenKinds take a browser redirect URL; in optionalRedirect it
// may be removed.
var (
	redirectTokenKinds = map[string]bool{"fast-redirect": true, "slow-redirect": true, "qr-code": true}
	optionalRedirect   = map[string]bool{"qr-code": true}
)

func (s *Server) updateRedirect(w http.ResponseWriter, r *request) {
	u, err := url.Parse(r.params.Get("redirect_url"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		s.fail(w, http.StatusBadRequest, "Missing or invalid parameter redirect_url")
		return
	}
	s.setRedirect(w, r, u.String(), redirectTokenKinds)
}

func (s *Server) removeRedirect(w http.ResponseWriter, r *request) {
	s.setRedirect(w, r, "", optionalRedirect)
}

func (s *Server) setRedirect(w http.ResponseWriter, r *request, to string, allowed map[string]bool) {
	var out map[string]any
	s.withWrite(func(st *state) {
		t := s.lookupToken(w, r, st)
		if t == nil {
			return
		}
		if !allowed[t.kind] {
			s.fail(w, http.StatusBadRequest, "This Canarytoken kind does not support this redirect URL action")
			return
		}
		t.params["browser_redirect_url"] = to
		t.updatedID = st.nextUpdatedID()
		out = tokenJSON(t, false, false)
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"result": "success", "token": out})
	}
}

// removeS3 serves /canarytoken/remove/s3: the fake checks the parameters
// and forgets the token's buckets; it talks to no AWS.
func (s *Server) removeS3(w http.ResponseWriter, r *request) {
	for _, p := range []string{"aws_access_key", "aws_secret_key", "aws_region"} {
		if r.params.Get(p) == "" {
			s.fail(w, http.StatusBadRequest, "Missing required parameter "+p)
			return
		}
	}
	del, _ := strconv.ParseBool(r.params.Get("delete_buckets"))
	if del && r.params.Get("s3_source_bucket") == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter s3_source_bucket")
		return
	}
	done := false
	s.withWrite(func(st *state) {
		t := s.lookupToken(w, r, st)
		if t == nil {
			return
		}
		if t.kind != "aws-s3" {
			s.fail(w, http.StatusBadRequest, "The Canarytoken is not an AWS S3 Canarytoken")
			return
		}
		delete(t.params, "s3_log_bucket")
		done = true
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}

// sourceHistory serves /incidents/history/source: the incidents from
// src_ip, oldest first. The fake does not keep deleted incidents, so
// "deleted" is always false.
func (s *Server) sourceHistory(w http.ResponseWriter, r *request) {
	src := r.params.Get("src_ip")
	if net.ParseIP(src) == nil {
		s.fail(w, http.StatusBadRequest, "Missing or invalid parameter src_ip")
		return
	}
	flock := r.params.Get("flock_id")
	out := []map[string]any{}
	s.withRead(func(st *state) {
		for _, inc := range st.incs {
			if inc.src != src || (flock != "" && inc.flockID != flock) {
				continue
			}
			out = append(out, map[string]any{"created": inc.created.Unix(), "deleted": false, "description": tokenIncidentDescription,
				"dst_port": inc.dstPort, "flock_id": inc.flockID, "key": inc.key, "node_id": inc.nodeID, "src_host": inc.src})
		}
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i]["created"].(int64) < out[j]["created"].(int64) })
	s.writeJSON(w, http.StatusOK, map[string]any{"incidents": out, "result": "success"})
}
