package canary

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/internal/multipartx"
	"github.com/decoykit/decoykit/internal/rest"
)

// CreateTokenRequest is the body of Tokens.Create. Kind and Memo are
// required; each kind-specific field applies to the kinds its comment names
// and is rejected for the others.
type CreateTokenRequest struct {
	Kind Kind
	// Memo is the reminder every alert of this token shows: say where the
	// token is planted (at most 10,000 characters).
	Memo string
	// FlockID puts the token in a flock (default "flock:default", or the
	// flock of a Canarytoken-Deploy key).
	FlockID string
	// CustomDomain uses a custom token domain already linked to the Console.
	CustomDomain string

	ClonedWeb             string // cloned-web (required): the domain the cloned page should live on
	ExpectedReferrer      string // cloned-css, azure-entra-login
	BrowserRedirectURL    string // fast-redirect, slow-redirect (required); qr-code
	BrowserScannerEnabled *bool  // http (default true on the Console)
	ProcessName           string // sensitive-cmd (required), e.g. "klist.exe"
	S3SourceBucket        string // aws-s3 (required)
	S3LogBucket           string // aws-s3 (required)
	// AWS credentials for the Console to create the aws-s3 buckets itself.
	AWSAccessKey    string    // aws-s3
	AWSSecretKey    Sensitive // aws-s3
	AWSSessionToken Sensitive // aws-s3
	AWSRegion       string    // aws-s3
	// Expiry makes an aws-id key expire: a number and a unit, y, mo, w, d or h
	// ("12h", "6mo").
	Expiry              string
	AzureIDCertFileName string   // azure-id (required)
	TokenedUsernames    []string // active-directory-login (required)
	IDPAppType          string   // idp-app (required), e.g. "github", "okta"
	PWAAppName          string   // pwa (required)
	PWAIcon             string   // pwa (required)
	Industry            string   // mysql-dump: corporate, consulting, education, financial, industrial, legal, medical or tech

	// Upload is the file a file-based kind tokenises: a .docx for doc-msword
	// (optional), a PDF for pdf-acrobat-reader (optional), a PNG or JPEG for
	// web-image (required), a Windows executable for signed-exe (required).
	// The request is then multipart/form-data and the file is streamed.
	Upload *Upload

	// AllowUnknownKind sends a Kind this SDK has no constant for, without the
	// per-kind checks: the escape hatch for kinds newer than the SDK.
	AllowUnknownKind bool
	// Extra adds form fields this SDK does not know yet. A key that a typed
	// field above also sets is rejected.
	Extra url.Values
}

// Upload is a file sent with a file-based token kind.
type Upload struct {
	// Filename is sent as the part's file name (only its base name is used).
	Filename string
	// ContentType overrides the type the SDK derives from the kind and the
	// file's first bytes.
	ContentType string
	// Content is read once, from its current position. An *os.File or any
	// io.Seeker also lets a retry replay it, and its size is found
	// automatically.
	Content io.Reader
	// Size is the content length in bytes, if known and Content cannot tell
	// (0 means unknown; the request is then sent chunked).
	Size int64
	// Field is the multipart field name, needed only with AllowUnknownKind:
	// known kinds use their own (doc, pdf, web_image, exe).
	Field string
}

// fileSpec says how a kind takes a file.
type fileSpec struct {
	field    string // multipart field name
	required bool
	accept   func(head []byte) (ctype string, ok bool)
	want     string // for error messages
}

var fileSpecs = map[Kind]fileSpec{
	KindMSWord: {field: "doc", accept: func(h []byte) (string, bool) {
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes.HasPrefix(h, []byte("PK\x03\x04"))
	}, want: "a .docx (Office Open XML) document; legacy .doc files are not accepted"},
	KindPDF: {field: "pdf", accept: func(h []byte) (string, bool) {
		return "application/pdf", bytes.HasPrefix(h, []byte("%PDF-"))
	}, want: "a PDF document (starting %PDF-)"},
	KindWebImage: {field: "web_image", required: true, accept: func(h []byte) (string, bool) {
		switch ct := http.DetectContentType(h); ct {
		case "image/png", "image/jpeg":
			return ct, true
		}
		return "", false
	}, want: "a PNG or JPEG image"},
	KindSignedExe: {field: "exe", required: true, accept: func(h []byte) (string, bool) {
		return "application/x-msdownload", bytes.HasPrefix(h, []byte("MZ"))
	}, want: "a Windows PE executable or DLL (starting MZ)"},
}

// param is one kind-specific form field.
type param struct {
	name     string
	value    string
	kinds    []Kind // kinds that take it; nil: any kind
	required bool   // required for those kinds
	field    string // Go field name for errors
}

func (r *CreateTokenRequest) params() []param {
	var bse string
	if r.BrowserScannerEnabled != nil {
		bse = strconv.FormatBool(*r.BrowserScannerEnabled)
	}
	return []param{
		{name: "flock_id", value: r.FlockID, field: "FlockID"},
		{name: "custom_domain", value: r.CustomDomain, field: "CustomDomain"},
		{name: "cloned_web", value: r.ClonedWeb, kinds: []Kind{KindClonedWeb}, required: true, field: "ClonedWeb"},
		{name: "expected_referrer", value: r.ExpectedReferrer, kinds: []Kind{KindClonedCSS, KindAzureEntraLogin}, field: "ExpectedReferrer"},
		{name: "browser_redirect_url", value: r.BrowserRedirectURL, kinds: []Kind{KindFastRedirect, KindSlowRedirect}, required: true, field: "BrowserRedirectURL"},
		{name: "browser_redirect_url", value: r.BrowserRedirectURL, kinds: []Kind{KindQRCode}, field: "BrowserRedirectURL"},
		{name: "browser_scanner_enabled", value: bse, kinds: []Kind{KindHTTP}, field: "BrowserScannerEnabled"},
		{name: "process_name", value: r.ProcessName, kinds: []Kind{KindSensitiveCmd}, required: true, field: "ProcessName"},
		{name: "s3_source_bucket", value: r.S3SourceBucket, kinds: []Kind{KindAWSS3}, required: true, field: "S3SourceBucket"},
		{name: "s3_log_bucket", value: r.S3LogBucket, kinds: []Kind{KindAWSS3}, required: true, field: "S3LogBucket"},
		{name: "aws_access_key", value: r.AWSAccessKey, kinds: []Kind{KindAWSS3}, field: "AWSAccessKey"},
		{name: "aws_secret_key", value: r.AWSSecretKey.Reveal(), kinds: []Kind{KindAWSS3}, field: "AWSSecretKey"},
		{name: "aws_session_token", value: r.AWSSessionToken.Reveal(), kinds: []Kind{KindAWSS3}, field: "AWSSessionToken"},
		{name: "aws_region", value: r.AWSRegion, kinds: []Kind{KindAWSS3}, field: "AWSRegion"},
		{name: "expiry", value: r.Expiry, kinds: []Kind{KindAWSID}, field: "Expiry"},
		{name: "azure_id_cert_file_name", value: r.AzureIDCertFileName, kinds: []Kind{KindAzureID}, required: true, field: "AzureIDCertFileName"},
		{name: "tokened_usernames", value: strings.Join(r.TokenedUsernames, ","), kinds: []Kind{KindActiveDirectoryLogin}, required: true, field: "TokenedUsernames"},
		{name: "idp_app_type", value: r.IDPAppType, kinds: []Kind{KindIDPApp}, required: true, field: "IDPAppType"},
		{name: "pwa_app_name", value: r.PWAAppName, kinds: []Kind{KindPWA}, required: true, field: "PWAAppName"},
		{name: "pwa_icon", value: r.PWAIcon, kinds: []Kind{KindPWA}, required: true, field: "PWAIcon"},
		{name: "industry", value: r.Industry, kinds: []Kind{KindMySQLDump}, field: "Industry"},
	}
}

var (
	expiryRE   = regexp.MustCompile(`^[1-9][0-9]{0,4}(y|mo|w|d|h)$`)
	industries = map[string]bool{"corporate": true, "consulting": true, "education": true, "financial": true,
		"industrial": true, "legal": true, "medical": true, "tech": true}
	// Kinds the Console creates through a dedicated OAuth/email flow, not
	// through /canarytoken/create.
	flowKinds = map[Kind]string{
		KindGmail: "/canarytoken/gmail/*", KindOffice365Mail: "/canarytoken/office365/*",
		KindAutoregGoogleDocs: "the Console's Google flow", KindAutoregGoogleSheets: "the Console's Google flow",
	}
)

func hasKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// form validates r and returns its form fields. No I/O.
func (r *CreateTokenRequest) form() (url.Values, error) {
	if strings.TrimSpace(string(r.Kind)) == "" {
		return nil, invalid("Kind", "must not be empty; see canary.KnownKinds or Tokens.Kinds")
	}
	known := r.Kind.Known()
	if !known && !r.AllowUnknownKind {
		return nil, invalid("Kind", "%q is not a kind this SDK knows; check the spelling against Tokens.Kinds, or set AllowUnknownKind to send it anyway", clip(string(r.Kind)))
	}
	if via, ok := flowKinds[r.Kind]; ok {
		return nil, invalid("Kind", "%s tokens are created through %s, not /canarytoken/create", r.Kind, via)
	}
	if err := checkMemo(r.Memo); err != nil {
		return nil, err
	}
	form := url.Values{"kind": {string(r.Kind)}, "memo": {r.Memo}}
	set := map[string]bool{}
	for _, p := range r.params() {
		applies := p.kinds == nil || hasKind(p.kinds, r.Kind) || !known
		if !applies {
			if p.value != "" && !anyParamApplies(r, p.name) {
				return nil, invalid(p.field, "is not used by kind %s (it applies to %s)", r.Kind, kindList(kindsOf(r, p.name)))
			}
			continue
		}
		if p.value == "" {
			if p.required && known {
				return nil, invalid(p.field, "is required for kind %s", r.Kind)
			}
			continue
		}
		if set[p.name] {
			continue
		}
		set[p.name] = true
		form.Set(p.name, p.value)
	}
	if err := r.checkValues(known); err != nil {
		return nil, err
	}
	for k, vs := range r.Extra {
		if k == "kind" || k == "memo" || form.Has(k) {
			return nil, invalid("Extra", "%q is already set by a typed field; set it there", k)
		}
		if k == "auth_token" || k == "factory_auth" {
			return nil, invalid("Extra", "%q must not be sent as a form field; the client authenticates with a header", k)
		}
		for _, v := range vs {
			form.Add(k, v)
		}
	}
	return form, nil
}

func anyParamApplies(r *CreateTokenRequest, name string) bool {
	for _, p := range r.params() {
		if p.name == name && (p.kinds == nil || hasKind(p.kinds, r.Kind)) {
			return true
		}
	}
	return false
}

func kindsOf(r *CreateTokenRequest, name string) []Kind {
	var ks []Kind
	for _, p := range r.params() {
		if p.name == name {
			ks = append(ks, p.kinds...)
		}
	}
	return ks
}

func kindList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func (r *CreateTokenRequest) checkValues(known bool) error {
	if r.ClonedWeb != "" {
		host := strings.TrimSuffix(strings.ToLower(r.ClonedWeb), ".")
		if strings.Contains(host, "://") || strings.ContainsAny(host, "/ ") || strings.Count(host, ".") < 1 {
			return invalid("ClonedWeb", "%q must be a domain name with at least two labels, such as intranet.example.com (no scheme or path)", clip(r.ClonedWeb))
		}
	}
	if r.BrowserRedirectURL != "" {
		u, err := url.Parse(r.BrowserRedirectURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("BrowserRedirectURL", "must be an absolute http(s) URL")
		}
	}
	if r.Expiry != "" && !expiryRE.MatchString(r.Expiry) {
		return invalid("Expiry", "%q must be a number and a unit (y, mo, w, d, h), such as 12h or 6mo", clip(r.Expiry))
	}
	if r.Industry != "" && !industries[r.Industry] {
		return invalid("Industry", "%q must be one of corporate, consulting, education, financial, industrial, legal, medical, tech", clip(r.Industry))
	}
	if r.ProcessName != "" && strings.ContainsAny(r.ProcessName, `/\`) {
		return invalid("ProcessName", "must be an executable's file name such as klist.exe, not a path")
	}
	for _, u := range r.TokenedUsernames {
		if strings.TrimSpace(u) == "" || strings.Contains(u, ",") {
			return invalid("TokenedUsernames", "each name must be non-empty and contain no comma")
		}
	}
	return nil
}

// prepared is a validated create request, ready to send.
type prepared struct {
	form url.Values
	body *multipartx.Body
}

// prepare validates r; extra (the factory's auth string) is added to the
// form after validation, so Extra cannot set it.
func (r *CreateTokenRequest) prepare(extra url.Values) (*prepared, error) {
	form, err := r.form()
	if err != nil {
		return nil, err
	}
	for k, vs := range extra {
		form[k] = vs
	}
	spec, takesFile := fileSpecs[r.Kind]
	if r.Upload == nil {
		if takesFile && spec.required {
			return nil, invalid("Upload", "is required for kind %s: give %s", r.Kind, spec.want)
		}
		return &prepared{form: form}, nil
	}
	if !takesFile && r.Kind.Known() {
		return nil, invalid("Upload", "kind %s takes no file (file-based kinds: doc-msword, pdf-acrobat-reader, web-image, signed-exe)", r.Kind)
	}
	u := r.Upload
	if u.Content == nil {
		return nil, invalid("Upload", "Content is nil")
	}
	if u.Size < 0 {
		return nil, invalid("Upload", "Size must not be negative")
	}
	name := filepath.Base(strings.ReplaceAll(u.Filename, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		return nil, invalid("Upload", "Filename is required, such as q3-board-pack.docx")
	}
	// Take the size before sniffing: sniffing drains readers such as
	// *bytes.Buffer, whose Len() would then be short.
	size := u.Size
	if size == 0 {
		size = sizeOf(u.Content)
	}
	content, head, err := sniff(u.Content)
	if err != nil {
		return nil, invalid("Upload", "reading the first bytes of the file: %v", err)
	}
	if len(head) == 0 {
		return nil, invalid("Upload", "the file %q is empty", name)
	}
	field, ctype := "file", u.ContentType
	if takesFile {
		field = spec.field
		derived, ok := spec.accept(head)
		if !ok {
			return nil, invalid("Upload", "kind %s takes %s; %q looks like %s", r.Kind, spec.want, name, http.DetectContentType(head))
		}
		if ctype == "" {
			ctype = derived
		}
	} else {
		if u.Field == "" {
			return nil, invalid("Upload", "Field (the multipart field name) is required for kind %q, which this SDK does not know", clip(string(r.Kind)))
		}
		field = u.Field
	}
	body, err := multipartx.New(form, multipartx.File{Field: field, Name: name, ContentType: ctype, Content: content, Size: size})
	if err != nil {
		return nil, err
	}
	return &prepared{form: form, body: body}, nil
}

// sniff reads up to 512 bytes for content detection and returns a reader
// that still yields the whole content. A seekable reader is rewound (so it
// stays replayable); any other is chained behind the bytes already read.
func sniff(r io.Reader) (io.Reader, []byte, error) {
	head := make([]byte, 512)
	var start int64 = -1
	seeker, seekable := r.(io.Seeker)
	if seekable {
		if off, err := seeker.Seek(0, io.SeekCurrent); err == nil {
			start = off
		}
	}
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, nil, err
	}
	head = head[:n]
	if start >= 0 {
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, nil, err
		}
		return r, head, nil
	}
	return io.MultiReader(bytes.NewReader(head), r), head, nil
}

// sizeOf finds the remaining length of common readers, or -1.
func sizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case *os.File:
		st, err := v.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		off, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return st.Size() - off
	}
	return -1
}

// Create creates a Canarytoken (POST /canarytoken/create). The request is
// validated first (a *ValidationError, nothing sent). With an Upload the body
// is multipart/form-data and the file is streamed. A create is never retried
// unless RetryPolicy.RetryNonIdempotent is set: the Console has no
// idempotency keys, so a retry could create the token twice.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#create-canarytoken
//
//meta:operation POST /api/v1/canarytoken/create
func (s *TokensService) Create(ctx context.Context, req CreateTokenRequest) (*Token, error) {
	p, err := req.prepare(nil)
	if err != nil {
		return nil, err
	}
	return s.client.createToken(ctx, "/canarytoken/create", p)
}

// createToken posts a prepared create (form or multipart) to path and
// returns the token the Console answers with; Tokens.Create and
// FactoryClient.Create share it.
func (c *Client) createToken(ctx context.Context, path string, p *prepared) (*Token, error) {
	r := rest.Request{Method: http.MethodPost, Path: path}
	if p.body != nil {
		r.Multipart = p.body
	} else {
		r.Form = p.form
	}
	var out struct {
		envelope
		Token *Token `json:"canarytoken"`
	}
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.Token == nil {
		return nil, malformed(r.Method, r.Path, `no "canarytoken" object in the response`)
	}
	return out.Token, nil
}

// String describes the request without its secrets.
func (r CreateTokenRequest) String() string {
	return fmt.Sprintf("CreateTokenRequest{Kind: %s, Memo: %q}", r.Kind, clip(r.Memo))
}
