package tctest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// BatchJob is a batch job as the fake stores it.
type BatchJob struct {
	ID                 int64        // assigned by the fake
	Owner              string       // the job's owner
	Action             string       // "Create" or "Delete"
	HaltOnError        bool         // stop at the first bad indicator
	AttributeWriteType string       // as sent
	TagWriteType       string       // as sent, or the documented default "Replace"
	Status             string       // "Created", "Running", "Completed"
	Uploaded           int          // indicators in the upload
	SuccessCount       int          // indicators written
	ErrorCount         int          // indicators rejected
	UnprocessCount     int          // indicators skipped after an error with HaltOnError
	Errors             []BatchError // the rejections
	pollsLeft          int
}

// BatchError is one rejected indicator of a job.
type BatchError struct {
	ErrorReason string `json:"errorReason"` // e.g. "0x1005: Please enter a valid Address: ..."
	ErrorSource string `json:"errorSource"` // the rejected indicator's JSON
}

// BatchJobs returns copies of every batch job, by ID.
func (s *Server) BatchJobs() []BatchJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BatchJob, 0, len(s.jobs))
	for id := int64(0); id <= s.nextID; id++ {
		if j := s.jobs[id]; j != nil {
			c := *j
			c.Errors = append([]BatchError(nil), j.Errors...)
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) batch(w http.ResponseWriter, r *http.Request, rest []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(rest) == 0 {
		if r.Method != http.MethodPost {
			failJSON(w, http.StatusMethodNotAllowed, "Method not allowed")
			return
		}
		s.createJob(w, r)
		return
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	job := s.jobs[id]
	if err != nil || job == nil {
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
		return
	}
	switch {
	case len(rest) == 1 && r.Method == http.MethodPost:
		s.uploadJob(w, r, job)
	case len(rest) == 1 && r.Method == http.MethodGet:
		if job.Status == "Running" {
			if job.pollsLeft > 0 {
				job.pollsLeft--
			} else {
				job.Status = "Completed"
			}
		}
		success(w, http.StatusOK, map[string]any{"batchStatus": map[string]any{
			"id": job.ID, "status": job.Status, "errorCount": job.ErrorCount,
			"successCount": job.SuccessCount, "unprocessCount": job.UnprocessCount,
		}})
	case len(rest) == 2 && rest[1] == "errors" && r.Method == http.MethodGet:
		if job.Status != "Completed" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"status": "Invalid", "description": "Batch still in " + job.Status + " state"})
			return
		}
		if job.ErrorCount == 0 {
			failJSON(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_ = json.NewEncoder(zw).Encode(job.Errors)
		_ = zw.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	default:
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
	}
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Version                string `json:"version"`
		Owner                  string `json:"owner"`
		HaltOnError            *bool  `json:"haltOnError"`
		Action                 string `json:"action"`
		AttributeWriteType     string `json:"attributeWriteType"`
		TagWriteType           string `json:"tagWriteType"`
		SecurityLabelWriteType string `json:"securityLabelWriteType"`
	}
	if msg := decodeBody(r, &b); msg != "" {
		failJSON(w, http.StatusBadRequest, msg)
		return
	}
	if b.Owner == "" || b.HaltOnError == nil || b.Action == "" || b.AttributeWriteType == "" {
		failJSON(w, http.StatusBadRequest, "owner, haltOnError, action and attributeWriteType are required")
		return
	}
	if s.ownerID(b.Owner) == 0 {
		failJSON(w, http.StatusForbidden, "The requested owner was not found")
		return
	}
	if b.Action != "Create" && b.Action != "Delete" {
		failJSON(w, http.StatusBadRequest, "action must be Create or Delete")
		return
	}
	if b.TagWriteType == "" {
		b.TagWriteType = "Replace" // the documented default
	}
	s.nextID++
	job := &BatchJob{ID: s.nextID, Owner: b.Owner, Action: b.Action, HaltOnError: *b.HaltOnError,
		AttributeWriteType: b.AttributeWriteType, TagWriteType: b.TagWriteType, Status: "Created"}
	s.jobs[job.ID] = job
	success(w, http.StatusCreated, map[string]any{"batchId": job.ID})
}

type batchIndicator struct {
	Summary     string   `json:"summary"`
	Type        string   `json:"type"`
	Rating      *float64 `json:"rating"`
	Confidence  *int     `json:"confidence"`
	Active      *bool    `json:"active"`
	Description string   `json:"description"`
	Attribute   []struct {
		Type      string `json:"type"`
		Value     string `json:"value"`
		Displayed bool   `json:"displayed"`
	} `json:"attribute"`
	Tag []struct {
		Name string `json:"name"`
	} `json:"tag"`
	SecurityLabel []struct {
		Name string `json:"name"`
	} `json:"securityLabel"`
}

func (s *Server) uploadJob(w http.ResponseWriter, r *http.Request, job *BatchJob) {
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		failJSON(w, http.StatusBadRequest, "Content-Type must be application/octet-stream")
		return
	}
	if job.Status != "Created" {
		failJSON(w, http.StatusBadRequest, "Batch job has already been uploaded")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.maxBatch)+1))
	if err != nil {
		failJSON(w, http.StatusBadRequest, "Could not read the upload")
		return
	}
	if len(body) > s.maxBatch {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "Invalid",
			"description": "File size greater than allowable limit of " + strconv.Itoa(s.maxBatch)})
		return
	}
	var file struct {
		Indicator []json.RawMessage `json:"indicator"`
	}
	if err := json.Unmarshal(body, &file); err != nil {
		failJSON(w, http.StatusBadRequest, "Could not parse the batch file: "+err.Error())
		return
	}
	job.Uploaded = len(file.Indicator)
	for i, raw := range file.Indicator {
		if job.HaltOnError && job.ErrorCount > 0 {
			job.UnprocessCount = len(file.Indicator) - i
			break
		}
		if reason := s.applyBatch(job, raw); reason != "" {
			job.ErrorCount++
			job.Errors = append(job.Errors, BatchError{ErrorReason: reason, ErrorSource: string(raw)})
			continue
		}
		job.SuccessCount++
	}
	job.Status, job.pollsLeft = "Running", s.polls
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "Queued"})
}

// applyBatch writes one batch indicator and returns an error reason.
func (s *Server) applyBatch(job *BatchJob, raw json.RawMessage) string {
	var b batchIndicator
	if err := json.Unmarshal(raw, &b); err != nil {
		return "0x1003: JSON syntax error: " + err.Error()
	}
	if _, ok := segmentOf(b.Type); !ok {
		return "0x1005: Invalid indicator type " + strconv.Quote(b.Type)
	}
	c, msg := canonical(b.Type, b.Summary)
	if msg != "" {
		return "0x1005: " + msg
	}
	if msg := checkScores(b.Rating, b.Confidence); msg != "" {
		return "0x1005: " + msg
	}
	for _, l := range b.SecurityLabel {
		if !s.labels[l.Name] {
			return "0x1001: Security Label " + strconv.Quote(l.Name) + " does not exist"
		}
	}
	for _, a := range b.Attribute {
		if !s.attrTypes[a.Type] {
			return "0x1001: Attribute type " + strconv.Quote(a.Type) + " is invalid"
		}
	}
	d := s.owner(job.Owner)
	if job.Action == "Delete" {
		ind := d.byKey[key(b.Type, c)]
		if ind == nil {
			return "0x1007: Indicator not found"
		}
		delete(d.byKey, key(b.Type, c))
		for i, x := range d.order {
			if x == ind {
				d.order = append(d.order[:i], d.order[i+1:]...)
				break
			}
		}
		return ""
	}
	ind, _ := s.upsert(job.Owner, b.Type, c)
	if b.Rating != nil {
		ind.Rating = *b.Rating
	}
	if b.Confidence != nil {
		ind.Confidence = *b.Confidence
	}
	if b.Active != nil {
		ind.Active = *b.Active
	}
	if strings.EqualFold(job.TagWriteType, "Replace") {
		ind.Tags = nil
	}
	for _, t := range b.Tag {
		if !contains(ind.Tags, t.Name) {
			ind.Tags = append(ind.Tags, t.Name)
		}
	}
	if strings.EqualFold(job.AttributeWriteType, "Replace") {
		ind.Attributes = nil
	}
	for _, a := range b.Attribute {
		s.nextID++
		ind.Attributes = append(ind.Attributes, Attribute{ID: s.nextID, Type: a.Type, Value: a.Value, Displayed: a.Displayed})
	}
	if b.Description != "" {
		s.nextID++
		ind.Attributes = append(ind.Attributes, Attribute{ID: s.nextID, Type: "Description", Value: b.Description})
	}
	for _, l := range b.SecurityLabel {
		if !contains(ind.SecurityLabels, l.Name) {
			ind.SecurityLabels = append(ind.SecurityLabels, l.Name)
		}
	}
	ind.LastModified = s.now().UTC().Truncate(time.Second)
	return ""
}
