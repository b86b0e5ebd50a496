package canary

import (
	"encoding/json"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// Token is a Canarytoken as the Console returns it from create, fetch,
// paginate and search. The Console's string-typed numbers, booleans and
// epoch times are decoded into real Go types; Raw keeps the object as sent,
// for fields this SDK does not model yet.
//
// fmt (every verb) and slog print a Token with SecretAccessKey, FactoryAuth,
// every Renders value and Raw masked. encoding/json keeps them all, so a
// token saved as JSON can be deployed later; for the same reason slog's JSON
// handler, which encodes a slice or map with encoding/json, must be given
// tokens one at a time (or a *Page, which logs its size only).
type Token struct {
	ID               string    `json:"canarytoken"` // the token code, used by every token endpoint
	Kind             Kind      `json:"kind"`
	Memo             string    `json:"memo"`
	Enabled          bool      `json:"enabled"`
	Created          time.Time `json:"created"`
	CreatedPrintable string    `json:"created_printable,omitempty"`
	FlockID          string    `json:"flock_id,omitempty"`
	NodeID           string    `json:"node_id,omitempty"` // use with Incidents to find the token's alerts
	Hostname         string    `json:"hostname,omitempty"`
	Key              string    `json:"key,omitempty"`
	URL              string    `json:"url,omitempty"`
	TriggeredCount   int       `json:"triggered_count"`
	UpdatedID        int64     `json:"updated_id,omitempty"`
	KindDescription  string    `json:"kind_description,omitempty"`
	// UnackedAlertCount is sent by search results only.
	UnackedAlertCount int `json:"unacked_alert_count,omitempty"`

	// Kind-specific fields.
	BrowserScannerEnabled *bool             `json:"browser_scanner_enabled,omitempty"` // http
	BrowserRedirectURL    string            `json:"browser_redirect_url,omitempty"`    // fast-redirect, slow-redirect, qr-code
	ClonedWeb             string            `json:"cloned_web,omitempty"`              // cloned-web
	ExpectedReferrer      string            `json:"expected_referrer,omitempty"`       // cloned-css, azure-entra-login
	ProcessName           string            `json:"process_name,omitempty"`            // sensitive-cmd
	S3SourceBucket        string            `json:"s3_source_bucket,omitempty"`        // aws-s3
	S3LogBucket           string            `json:"s3_log_bucket,omitempty"`           // aws-s3
	AccessKeyID           string            `json:"access_key_id,omitempty"`           // aws-id
	SecretAccessKey       Sensitive         `json:"secret_access_key,omitempty"`       // aws-id
	Username              string            `json:"username,omitempty"`                // aws-id
	QRCode                string            `json:"qr_code,omitempty"`                 // qr-code (a data: URL of the PNG)
	Renders               map[string]string `json:"renders,omitempty"`                 // e.g. "aws-id" credentials file, "cloned-web" script, "wg_conf"
	FactoryAuth           Sensitive         `json:"factory_auth,omitempty"`            // tokens made by a token factory

	// Raw is the token object exactly as the Console sent it.
	Raw json.RawMessage `json:"-"`
}

// tokenWire is the token object with the Console's loose types.
type tokenWire struct {
	ID                    lenient.String            `json:"canarytoken"`
	Kind                  lenient.String            `json:"kind"`
	Memo                  lenient.String            `json:"memo"`
	Enabled               lenient.Bool              `json:"enabled"`
	Created               lenient.Time              `json:"created"`
	CreatedPrintable      lenient.String            `json:"created_printable"`
	FlockID               lenient.String            `json:"flock_id"`
	NodeID                lenient.String            `json:"node_id"`
	Hostname              lenient.String            `json:"hostname"`
	Key                   lenient.String            `json:"key"`
	URL                   lenient.String            `json:"url"`
	TriggeredCount        lenient.Int               `json:"triggered_count"`
	UpdatedID             lenient.Int               `json:"updated_id"`
	KindDescription       lenient.String            `json:"kind_description"`
	UnackedAlertCount     lenient.Int               `json:"unacked_alert_count"`
	BrowserScannerEnabled *lenient.Bool             `json:"browser_scanner_enabled"`
	BrowserRedirectURL    lenient.String            `json:"browser_redirect_url"`
	ClonedWeb             lenient.String            `json:"cloned_web"`
	ExpectedReferrer      lenient.String            `json:"expected_referrer"`
	ProcessName           lenient.String            `json:"process_name"`
	S3SourceBucket        lenient.String            `json:"s3_source_bucket"`
	S3LogBucket           lenient.String            `json:"s3_log_bucket"`
	AccessKeyID           lenient.String            `json:"access_key_id"`
	SecretAccessKey       lenient.String            `json:"secret_access_key"`
	Username              lenient.String            `json:"username"`
	QRCode                lenient.String            `json:"qr_code"`
	Renders               map[string]lenient.String `json:"renders"`
	FactoryAuth           lenient.String            `json:"factory_auth"`
}

// UnmarshalJSON decodes the Console's token object leniently. The fast
// decoder (decode_token.go) reads it in one pass; should it give up (bad
// input), encoding/json with tokenWire decodes it and reports the error.
func (t *Token) UnmarshalJSON(data []byte) error {
	var fast Token
	if decodeToken(data, &fast) == nil {
		*t = fast
		return nil
	}
	return t.unmarshalStd(data)
}

// unmarshalStd is the reference decoding: encoding/json into tokenWire. The
// fast decoder must give exactly its results (decode_test.go).
func (t *Token) unmarshalStd(data []byte) error {
	var w tokenWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*t = Token{
		ID: string(w.ID), Kind: Kind(w.Kind), Memo: string(w.Memo), Enabled: bool(w.Enabled),
		Created: time.Time(w.Created), CreatedPrintable: string(w.CreatedPrintable),
		FlockID: string(w.FlockID), NodeID: string(w.NodeID), Hostname: string(w.Hostname),
		Key: string(w.Key), URL: string(w.URL), TriggeredCount: int(w.TriggeredCount),
		UpdatedID: int64(w.UpdatedID), KindDescription: string(w.KindDescription),
		UnackedAlertCount:  int(w.UnackedAlertCount),
		BrowserRedirectURL: string(w.BrowserRedirectURL), ClonedWeb: string(w.ClonedWeb),
		ExpectedReferrer: string(w.ExpectedReferrer), ProcessName: string(w.ProcessName),
		S3SourceBucket: string(w.S3SourceBucket), S3LogBucket: string(w.S3LogBucket),
		AccessKeyID: string(w.AccessKeyID), SecretAccessKey: Sensitive(w.SecretAccessKey),
		Username: string(w.Username), QRCode: string(w.QRCode), FactoryAuth: Sensitive(w.FactoryAuth),
		Raw: append(json.RawMessage(nil), data...),
	}
	if w.BrowserScannerEnabled != nil {
		b := bool(*w.BrowserScannerEnabled)
		t.BrowserScannerEnabled = &b
	}
	if len(w.Renders) > 0 {
		t.Renders = make(map[string]string, len(w.Renders))
		for k, v := range w.Renders {
			t.Renders[k] = string(v)
		}
	}
	return nil
}
