package threatconnect

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/rest"
)

// BatchService uploads indicators in bulk through the v2 batch API
// (/v2/batch): create a job, upload the JSON, poll its status, read its
// errors. Thousands of indicators cost a handful of requests. The instance
// must have the batch API and document storage enabled.
type BatchService service

// BatchAction is what a batch job does with its indicators.
type BatchAction string

// Batch actions.
const (
	BatchCreate BatchAction = "Create" // create or update (the default)
	BatchDelete BatchAction = "Delete"
)

// WriteMode says how a batch job writes attributes, tags and security labels
// on indicators that already exist.
type WriteMode string

// Write modes. WriteAppend is the default for all three.
const (
	WriteAppend    WriteMode = "Append"    // add to what the indicator has
	WriteReplace   WriteMode = "Replace"   // replace what the indicator has
	WriteSingleton WriteMode = "Singleton" // attributes only: one per type
	WriteStatic    WriteMode = "Static"    // attributes only: never change existing ones
)

// Batch limits and defaults.
const (
	// MaxBatchJobIndicators is the platform's limit per job.
	MaxBatchJobIndicators = 25000
	// DefaultBatchChunkSize is how many indicators Upload puts in one job.
	DefaultBatchChunkSize = 5000
	// DefaultBatchMaxBytes caps one upload's JSON; the documented example
	// limit is 2,000,000 bytes.
	DefaultBatchMaxBytes = 2000000
)

// BatchOptions configure a batch upload.
type BatchOptions struct {
	// Owner is the owner to write to (required by the batch API).
	Owner string
	// Action is BatchCreate (default) or BatchDelete.
	Action BatchAction
	// HaltOnError stops a job at its first bad indicator.
	HaltOnError bool
	// AttributeWriteType, TagWriteType and SecurityLabelWriteType say how
	// existing metadata is treated (default WriteAppend for all three).
	AttributeWriteType, TagWriteType, SecurityLabelWriteType WriteMode
	// ChunkSize is the number of indicators per job (default
	// DefaultBatchChunkSize, at most MaxBatchJobIndicators).
	ChunkSize int
	// MaxBytes caps the JSON uploaded per job (default DefaultBatchMaxBytes);
	// a chunk that would exceed it is split.
	MaxBytes int
	// PollInterval is the first wait between status checks (default 2s); it
	// grows by half each time up to MaxPollInterval (default 20s).
	PollInterval, MaxPollInterval time.Duration
	// Timeout bounds the wait for one job (default 1h); then Upload returns
	// ErrBatchTimeout. Bound the whole upload with ctx.
	Timeout time.Duration
}

func (o *BatchOptions) withDefaults() (BatchOptions, error) {
	if o == nil {
		return BatchOptions{}, invalid("BatchOptions", "required: the batch API needs an Owner")
	}
	b := *o
	if strings.TrimSpace(b.Owner) == "" {
		return b, invalid("Owner", "the batch API needs an owner; use the name from Owners.List, e.g. \"Example Organization\"")
	}
	if err := validateOwner(b.Owner); err != nil {
		return b, err
	}
	switch b.Action {
	case "":
		b.Action = BatchCreate
	case BatchCreate, BatchDelete:
	default:
		return b, invalid("Action", "%q is not BatchCreate or BatchDelete", clip(string(b.Action)))
	}
	for _, m := range []struct {
		name string
		v    *WriteMode
		attr bool
	}{{"AttributeWriteType", &b.AttributeWriteType, true}, {"TagWriteType", &b.TagWriteType, false}, {"SecurityLabelWriteType", &b.SecurityLabelWriteType, false}} {
		switch *m.v {
		case "":
			*m.v = WriteAppend
		case WriteAppend, WriteReplace:
		case WriteSingleton, WriteStatic:
			if !m.attr {
				return b, invalid(m.name, "%q applies to attributes only; use WriteAppend or WriteReplace", *m.v)
			}
		default:
			return b, invalid(m.name, "%q is not WriteAppend, WriteReplace, WriteSingleton or WriteStatic", clip(string(*m.v)))
		}
	}
	if b.ChunkSize < 0 || b.ChunkSize > MaxBatchJobIndicators {
		return b, invalid("ChunkSize", "must be between 1 and %d, got %d", MaxBatchJobIndicators, b.ChunkSize)
	}
	if b.ChunkSize == 0 {
		b.ChunkSize = DefaultBatchChunkSize
	}
	if b.MaxBytes < 0 {
		return b, invalid("MaxBytes", "must not be negative")
	}
	if b.MaxBytes == 0 {
		b.MaxBytes = DefaultBatchMaxBytes
	}
	return b, b.pollDefaults()
}

func (b *BatchOptions) pollDefaults() error {
	if b.PollInterval < 0 || b.MaxPollInterval < 0 || b.Timeout < 0 {
		return invalid("PollInterval", "PollInterval, MaxPollInterval and Timeout must not be negative")
	}
	if b.PollInterval == 0 {
		b.PollInterval = 2 * time.Second
	}
	if b.MaxPollInterval == 0 {
		b.MaxPollInterval = 20 * time.Second
	}
	b.MaxPollInterval = max(b.MaxPollInterval, b.PollInterval)
	if b.Timeout == 0 {
		b.Timeout = time.Hour
	}
	return nil
}

// BatchStatus is a batch job's state.
type BatchStatus struct {
	ID int64 // the job ID
	// Status is "Created", "Queued", "Running" or "Completed".
	Status         string
	SuccessCount   int // indicators written
	ErrorCount     int // indicators rejected (see Errors)
	UnprocessCount int // indicators not processed (after an error, with HaltOnError)
}

// Done reports whether the job has finished (even with errors).
func (s *BatchStatus) Done() bool { return strings.EqualFold(s.Status, "Completed") }

// BatchError is one indicator the platform could not process.
type BatchError struct {
	JobID  int64  // the job that reported it
	Code   string // e.g. "0x1005" (invalid indicator), when given
	Reason string // the platform's errorReason
	Source string // the offending input, as the platform echoes it
}

// BatchResult sums up an upload over all its jobs.
type BatchResult struct {
	Jobs        []*BatchStatus // the final status of each job
	Submitted   int            // indicators uploaded
	Succeeded   int            // indicators written
	Failed      int            // indicators rejected
	Unprocessed int            // not processed, e.g. after an error with HaltOnError
	Errors      []*BatchError  // the rejections, read from each job with errors
}

// wireBatchIndicator is one indicator in the V2 batch file.
type wireBatchIndicator struct {
	Summary       string          `json:"summary"`
	Type          IndicatorType   `json:"type"`
	Rating        float64         `json:"rating,omitempty"`
	Confidence    int             `json:"confidence,omitempty"`
	Active        *bool           `json:"active,omitempty"`
	Description   string          `json:"description,omitempty"`
	Attribute     []wireBatchAttr `json:"attribute,omitempty"`
	Tag           []wireTag       `json:"tag,omitempty"`
	SecurityLabel []wireTag       `json:"securityLabel,omitempty"`
}

type wireBatchAttr struct {
	Type          string    `json:"type"`
	Value         string    `json:"value"`
	Displayed     bool      `json:"displayed,omitempty"`
	SecurityLabel []wireTag `json:"securityLabel,omitempty"`
}

func batchIndicator(ind Indicator) wireBatchIndicator {
	w := wireBatchIndicator{Summary: ind.Summary, Type: ind.Type, Rating: ind.Rating, Confidence: ind.Confidence,
		Active: ind.Active, Description: ind.Description}
	for _, a := range ind.Attributes {
		wa := wireBatchAttr{Type: a.Type, Value: a.Value, Displayed: a.Displayed}
		for _, l := range a.SecurityLabels {
			wa.SecurityLabel = append(wa.SecurityLabel, wireTag{Name: l})
		}
		w.Attribute = append(w.Attribute, wa)
	}
	for _, t := range ind.Tags {
		w.Tag = append(w.Tag, wireTag{Name: strings.TrimSpace(t)})
	}
	for _, l := range ind.SecurityLabels {
		w.SecurityLabel = append(w.SecurityLabel, wireTag{Name: strings.TrimSpace(l)})
	}
	return w
}

// encodeChunks validates every indicator and encodes them into batch files
// of at most chunk indicators and maxBytes bytes each.
func encodeChunks(inds []Indicator, chunk, maxBytes int) ([][]byte, []int, error) {
	const head, tail = `{"indicator":[`, `]}`
	var files [][]byte
	var counts []int
	var cur bytes.Buffer
	n := 0
	flush := func() {
		if n == 0 {
			return
		}
		cur.WriteString(tail)
		files = append(files, bytes.Clone(cur.Bytes()))
		counts = append(counts, n)
		cur.Reset()
		n = 0
	}
	for i, ind := range inds {
		v, err := validateIndicator(ind)
		if err != nil {
			return nil, nil, prefixField(err, fmt.Sprintf("indicators[%d].", i))
		}
		b, err := json.Marshal(batchIndicator(v))
		if err != nil {
			return nil, nil, fmt.Errorf("threatconnect: encoding indicators[%d]: %w", i, err)
		}
		if len(head)+len(b)+len(tail) > maxBytes {
			return nil, nil, invalid(fmt.Sprintf("indicators[%d]", i), "its JSON (%d bytes) alone exceeds BatchOptions.MaxBytes (%d)", len(b), maxBytes)
		}
		if n > 0 && (n >= chunk || cur.Len()+1+len(b)+len(tail) > maxBytes) {
			flush()
		}
		if n == 0 {
			cur.WriteString(head)
		} else {
			cur.WriteByte(',')
		}
		cur.Write(b)
		n++
	}
	flush()
	return files, counts, nil
}

// Upload validates every indicator (nothing is sent if one is bad), splits
// them into jobs of opts.ChunkSize, and for each job creates it, uploads the
// JSON, waits for it to complete and, if it reports errors, reads them.
// Each job costs three requests plus one per extra status poll and one for
// its errors. On failure Upload returns what was done so far with the error.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation POST /v2/batch
//meta:operation POST /v2/batch/{batchId}
//meta:operation GET /v2/batch/{batchId}
//meta:operation GET /v2/batch/{batchId}/errors
func (s *BatchService) Upload(ctx context.Context, indicators []Indicator, opts *BatchOptions) (*BatchResult, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(indicators) == 0 {
		return nil, invalid("indicators", "nothing to upload")
	}
	files, counts, err := encodeChunks(indicators, o.ChunkSize, o.MaxBytes)
	if err != nil {
		return nil, err
	}
	res := &BatchResult{}
	for i, f := range files {
		id, err := s.createJob(ctx, o)
		if err != nil {
			return res, fmt.Errorf("batch %d of %d: %w", i+1, len(files), err)
		}
		if err := s.upload(ctx, id, f); err != nil {
			return res, fmt.Errorf("batch %d of %d (job %d): %w", i+1, len(files), id, err)
		}
		res.Submitted += counts[i]
		st, err := s.Wait(ctx, id, &o)
		if err != nil {
			return res, fmt.Errorf("batch %d of %d (job %d): %w", i+1, len(files), id, err)
		}
		res.Jobs = append(res.Jobs, st)
		res.Succeeded += st.SuccessCount
		res.Failed += st.ErrorCount
		res.Unprocessed += st.UnprocessCount
		if st.ErrorCount > 0 {
			errs, err := s.Errors(ctx, id)
			if err != nil {
				return res, fmt.Errorf("batch %d of %d (job %d): reading its errors: %w", i+1, len(files), id, err)
			}
			res.Errors = append(res.Errors, errs...)
		}
	}
	return res, nil
}

// CreateJob creates a batch job and returns its ID. Upload does this for
// you; use it with UploadData, Wait and Errors to drive a job by hand.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation POST /v2/batch
func (s *BatchService) CreateJob(ctx context.Context, opts *BatchOptions) (int64, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return 0, err
	}
	return s.createJob(ctx, o)
}

func (s *BatchService) createJob(ctx context.Context, o BatchOptions) (int64, error) {
	body := map[string]any{
		"version": "V2", "owner": o.Owner, "haltOnError": o.HaltOnError, "action": o.Action,
		"attributeWriteType": o.AttributeWriteType, "tagWriteType": o.TagWriteType,
		"securityLabelWriteType": o.SecurityLabelWriteType,
		"fileMergeMode":          "Merge", "hashCollisionMode": "FavorIncoming",
	}
	var id lenient.Int
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: []string{"v2", "batch"}, body: body}, "batchId", &id); err != nil {
		return 0, err
	}
	if id <= 0 {
		return 0, fmt.Errorf("threatconnect: POST /v2/batch: %w: no batch ID in the response", ErrMalformedResponse)
	}
	return int64(id), nil
}

// UploadData validates indicators and uploads them to job id as one V2
// batch file. The job starts on upload.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation POST /v2/batch/{batchId}
func (s *BatchService) UploadData(ctx context.Context, id int64, indicators []Indicator) error {
	if id <= 0 {
		return invalid("id", "must be a batch job ID from CreateJob")
	}
	if len(indicators) > MaxBatchJobIndicators {
		return invalid("indicators", "a job takes at most %d indicators, got %d; use Upload to split them", MaxBatchJobIndicators, len(indicators))
	}
	files, _, err := encodeChunks(indicators, MaxBatchJobIndicators, math.MaxInt) // no size limit for one job
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return invalid("indicators", "nothing to upload")
	}
	return s.upload(ctx, id, files[0])
}

func (s *BatchService) upload(ctx context.Context, id int64, file []byte) error {
	_, err := s.client.do(ctx, call{method: http.MethodPost, segments: []string{"v2", "batch", strconv.FormatInt(id, 10)},
		rawBody: file, ctype: "application/octet-stream"})
	return err
}

type wireBatchStatus struct {
	ID             lenient.Int `json:"id"`
	Status         string      `json:"status"`
	ErrorCount     lenient.Int `json:"errorCount"`
	SuccessCount   lenient.Int `json:"successCount"`
	UnprocessCount lenient.Int `json:"unprocessCount"`
}

// Status returns a job's status.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation GET /v2/batch/{batchId}
func (s *BatchService) Status(ctx context.Context, id int64) (*BatchStatus, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a batch job ID from CreateJob")
	}
	var w wireBatchStatus
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: []string{"v2", "batch", strconv.FormatInt(id, 10)}}, "batchStatus", &w); err != nil {
		return nil, err
	}
	st := &BatchStatus{ID: int64(w.ID), Status: w.Status, SuccessCount: int(w.SuccessCount), ErrorCount: int(w.ErrorCount), UnprocessCount: int(w.UnprocessCount)}
	if st.ID == 0 {
		st.ID = id
	}
	return st, nil
}

// Wait polls a job until it completes, waiting opts.PollInterval (growing
// to opts.MaxPollInterval) between checks, for at most opts.Timeout. The
// first check is immediate. opts may be nil for the defaults.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation GET /v2/batch/{batchId}
func (s *BatchService) Wait(ctx context.Context, id int64, opts *BatchOptions) (*BatchStatus, error) {
	var o BatchOptions
	if opts != nil {
		o = *opts
	}
	if err := o.pollDefaults(); err != nil {
		return nil, err
	}
	wait, waited := o.PollInterval, time.Duration(0)
	for {
		st, err := s.Status(ctx, id)
		if err != nil {
			return st, err
		}
		if st.Done() {
			return st, nil
		}
		if waited+wait > o.Timeout {
			return st, fmt.Errorf("%w: job %d is %q after %v", ErrBatchTimeout, id, st.Status, waited)
		}
		if err := s.client.sleep(ctx, wait); err != nil {
			return st, fmt.Errorf("threatconnect: waiting for batch job %d: %w", id, err)
		}
		waited += wait
		wait = min(wait+wait/2, o.MaxPollInterval)
	}
}

type wireBatchError struct {
	Code         string `json:"code"`
	ErrorCode    string `json:"errorCode"`
	ErrorReason  string `json:"errorReason"`
	ErrorMessage string `json:"errorMessage"`
	ErrorSource  string `json:"errorSource"`
}

// Errors returns a finished job's errors. The platform serves them as a
// (possibly gzipped) JSON array; a job without errors has none (HTTP 404 is
// read as an empty list).
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/batch_api/batch_api.html
//
//meta:operation GET /v2/batch/{batchId}/errors
func (s *BatchService) Errors(ctx context.Context, id int64) ([]*BatchError, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a batch job ID from CreateJob")
	}
	var body []byte
	cl := call{method: http.MethodGet, segments: []string{"v2", "batch", strconv.FormatInt(id, 10), "errors"}, raw: &body}
	if _, err := s.client.do(ctx, cl); err != nil {
		if ae := (*APIError)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
			return nil, nil
		}
		return nil, err
	}
	_, path := cl.path()
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("threatconnect: GET %s: %w: bad gzip: %v", path, ErrMalformedResponse, err)
		}
		body, err = rest.ReadCapped(zr, 256<<20)
		if errors.Is(err, rest.ErrBodyTooLarge) {
			return nil, &rest.KindError{Msg: fmt.Sprintf("threatconnect: GET %s: gzipped errors unpack to more than 256 MiB", path), Kind: ErrResponseTooLarge, Err: err}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("threatconnect: GET %s: %w: bad gzip: %v", path, ErrMalformedResponse, err)
		}
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	var ws []wireBatchError
	if err := json.Unmarshal(body, &ws); err != nil {
		// Some versions wrap it in the usual envelope.
		env, derr := s.client.decode(http.MethodGet, path, http.StatusOK, body)
		if derr != nil {
			return nil, derr
		}
		if err := s.client.decodeData(http.MethodGet, path, env, "errors", &ws); err != nil {
			return nil, err
		}
	}
	out := make([]*BatchError, 0, len(ws))
	for _, w := range ws {
		e := &BatchError{JobID: id, Code: w.Code, Reason: w.ErrorReason, Source: w.ErrorSource}
		if e.Code == "" {
			e.Code = w.ErrorCode
		}
		if e.Reason == "" {
			e.Reason = w.ErrorMessage
		}
		out = append(out, e)
	}
	return out, nil
}
