package canary

import (
	"encoding/json"

	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/decoykit/decoykit/internal/lenient"
)

// Fast decoding of token objects and token pages (/canarytokens/paginate and
// /canarytokens/search), equivalent to encoding/json with the lenient wire
// structs (tokenWire, tokenPageWire); see decode_scan.go.

// Token members, in the order of tokenNames.
const (
	tfID = iota
	tfKind
	tfMemo
	tfEnabled
	tfCreated
	tfCreatedPrintable
	tfFlockID
	tfNodeID
	tfHostname
	tfKey
	tfURL
	tfTriggeredCount
	tfUpdatedID
	tfKindDescription
	tfUnackedAlertCount
	tfBrowserScannerEnabled
	tfBrowserRedirectURL
	tfClonedWeb
	tfExpectedReferrer
	tfProcessName
	tfS3SourceBucket
	tfS3LogBucket
	tfAccessKeyID
	tfSecretAccessKey
	tfUsername
	tfQRCode
	tfRenders
	tfFactoryAuth
)

var tokenNames = newFieldTable("canarytoken", "kind", "memo", "enabled", "created",
	"created_printable", "flock_id", "node_id", "hostname", "key", "url", "triggered_count",
	"updated_id", "kind_description", "unacked_alert_count", "browser_scanner_enabled",
	"browser_redirect_url", "cloned_web", "expected_referrer", "process_name",
	"s3_source_bucket", "s3_log_bucket", "access_key_id", "secret_access_key", "username",
	"qr_code", "renders", "factory_auth")

func tokenField(key []byte) int { return tokenNames.lookup(key) }

// decodeToken decodes one token object (the whole of data) as
// Token.UnmarshalJSON's encoding/json path does; errFast means "fall back".
func decodeToken(data []byte, t *Token) error {
	s := scanner{Scanner: jsonscan.Scanner{Data: data}}
	if s.Peek() == 'n' { // encoding/json leaves tokenWire empty
		*t = Token{Raw: append(json.RawMessage(nil), data...)}
		if err := s.Lit("null"); err != nil {
			return err
		}
		return s.End()
	}
	if err := s.token(t, data); err != nil {
		return err
	}
	return s.End()
}

// token decodes the token object at s.Pos into *t. Raw is a copy of whole,
// or of the object's own bytes when whole is nil.
func (s *scanner) token(t *Token, whole []byte) error {
	*t = Token{}
	s.WS()
	start := s.Pos
	if err := s.Enter(); err != nil {
		return err
	}
	var renders map[string]string
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return err
		}
		var str string
		var n int64
		switch tokenField(key) {
		case tfID:
			t.ID, err = s.LenientString()
		case tfKind:
			str, err = s.internedString()
			t.Kind = Kind(str)
		case tfMemo:
			t.Memo, err = s.LenientString()
		case tfEnabled:
			t.Enabled, err = s.LenientBool()
		case tfCreated:
			t.Created, err = s.LenientTime()
		case tfCreatedPrintable:
			t.CreatedPrintable, err = s.LenientString()
		case tfFlockID:
			t.FlockID, err = s.internedString()
		case tfNodeID:
			t.NodeID, err = s.LenientString()
		case tfHostname:
			t.Hostname, err = s.LenientString()
		case tfKey:
			t.Key, err = s.LenientString()
		case tfURL:
			t.URL, err = s.LenientString()
		case tfTriggeredCount:
			n, err = s.LenientInt(false)
			t.TriggeredCount = int(n)
		case tfUpdatedID:
			t.UpdatedID, err = s.LenientInt(false)
		case tfKindDescription:
			t.KindDescription, err = s.LenientString()
		case tfUnackedAlertCount:
			n, err = s.LenientInt(false)
			t.UnackedAlertCount = int(n)
		case tfBrowserScannerEnabled:
			// *lenient.Bool: null sets the pointer to nil.
			if s.Peek() == 'n' {
				err = s.Lit("null")
				t.BrowserScannerEnabled = nil
				break
			}
			var b bool
			b, err = s.LenientBool()
			t.BrowserScannerEnabled = &b
		case tfBrowserRedirectURL:
			t.BrowserRedirectURL, err = s.LenientString()
		case tfClonedWeb:
			t.ClonedWeb, err = s.LenientString()
		case tfExpectedReferrer:
			t.ExpectedReferrer, err = s.LenientString()
		case tfProcessName:
			t.ProcessName, err = s.LenientString()
		case tfS3SourceBucket:
			t.S3SourceBucket, err = s.LenientString()
		case tfS3LogBucket:
			t.S3LogBucket, err = s.LenientString()
		case tfAccessKeyID:
			t.AccessKeyID, err = s.LenientString()
		case tfSecretAccessKey:
			str, err = s.LenientString()
			t.SecretAccessKey = Sensitive(str)
		case tfUsername:
			t.Username, err = s.LenientString()
		case tfQRCode:
			t.QRCode, err = s.LenientString()
		case tfRenders:
			renders, err = s.renders(renders)
		case tfFactoryAuth:
			str, err = s.LenientString()
			t.FactoryAuth = Sensitive(str)
		default:
			err = s.Skip()
		}
		if err != nil {
			return err
		}
		more, err = s.ObjectNext()
	}
	s.Depth--
	if err != nil {
		return err
	}
	if len(renders) > 0 {
		t.Renders = renders
	}
	if whole == nil {
		whole = s.Data[start:s.Pos]
	}
	t.Raw = append(json.RawMessage(nil), whole...)
	return nil
}

// renders decodes a map[string]lenient.String into m as encoding/json does:
// null makes it nil, an object adds to it (a repeated "renders" merges).
func (s *scanner) renders(m map[string]string) (map[string]string, error) {
	if s.Peek() == 'n' {
		return nil, s.Lit("null")
	}
	if err := s.Enter(); err != nil {
		return nil, err
	}
	more, err := s.ObjectStart()
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = make(map[string]string, 1)
	}
	for more {
		key, err := s.Key()
		if err != nil {
			return nil, err
		}
		k := renderKey(key)
		if m[k], err = s.LenientString(); err != nil {
			return nil, err
		}
		if more, err = s.ObjectNext(); err != nil {
			return nil, err
		}
	}
	s.Depth--
	return m, nil
}

// renderKey returns the documented render names without allocating.
func renderKey(k []byte) string {
	switch string(k) {
	case "aws-id":
		return "aws-id"
	case "cloned-web":
		return "cloned-web"
	case "wg_conf":
		return "wg_conf"
	}
	return string(k)
}

// Page members of tokenPageWire.
const (
	tpResult = iota
	tpMessage
	tpTokens
	tpCursor
	tpPageNum
	tpPageTotal
	tpPageNumber
	tpTotalPages
	tpTotalResults
)

var tokenPageNames = newFieldTable("result", "message", "canarytokens", "cursor", "page_num",
	"page_total", "page_number", "total_pages", "total_results")

func tokenPageField(key []byte) int { return tokenPageNames.lookup(key) }

// decodeTokenPage decodes a token page body into *w as json.Unmarshal does;
// errFast means "fall back to encoding/json". It does not judge the
// envelope: a "result":"error" page decodes like any other.
func decodeTokenPage(body []byte, w *tokenPageWire) error {
	*w = tokenPageWire{}
	s := scanner{Scanner: jsonscan.Scanner{Data: body}, intern: make(map[string]string, 16)}
	if s.Peek() == 'n' { // encoding/json leaves the page empty
		if err := s.Lit("null"); err != nil {
			return err
		}
		return s.End()
	}
	if err := s.Enter(); err != nil {
		return err
	}
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return err
		}
		var n int64
		switch tokenPageField(key) {
		case tpResult:
			err = s.plainString(&w.Result)
		case tpMessage:
			err = s.plainString(&w.Message)
		case tpTokens:
			w.Tokens, err = s.tokenList()
		case tpCursor:
			w.Cursor, err = s.cursor(w.Cursor)
		case tpPageNum:
			n, err = s.LenientInt(false)
			w.PageNum = lenient.Int(n)
		case tpPageTotal:
			n, err = s.LenientInt(false)
			w.PageTotal = lenient.Int(n)
		case tpPageNumber:
			n, err = s.LenientInt(false)
			w.PageNumber = lenient.Int(n)
		case tpTotalPages:
			n, err = s.LenientInt(false)
			w.TotalPages = lenient.Int(n)
		case tpTotalResults:
			n, err = s.LenientInt(false)
			w.TotalResults = lenient.Int(n)
		default:
			err = s.Skip()
		}
		if err != nil {
			return err
		}
		more, err = s.ObjectNext()
	}
	s.Depth--
	if err != nil {
		return err
	}
	return s.End()
}

// tokenList decodes a []*Token: null is nil, [] is empty, null elements
// are nil.
func (s *scanner) tokenList() ([]*Token, error) {
	if s.Peek() == 'n' {
		return nil, s.Lit("null")
	}
	if err := s.Enter(); err != nil {
		return nil, err
	}
	more, err := s.ArrayStart()
	if err != nil {
		return nil, err
	}
	list := make([]*Token, 0, 16)
	for more {
		var t *Token
		if s.Peek() == 'n' {
			err = s.Lit("null")
		} else {
			t = new(Token)
			err = s.token(t, nil)
		}
		if err != nil {
			return nil, err
		}
		list = append(list, t)
		if more, err = s.ArrayNext(); err != nil {
			return nil, err
		}
	}
	s.Depth--
	return list, nil
}

// plainString decodes into a Go string as encoding/json does: null leaves
// it as it was.
func (s *scanner) plainString(dst *string) error {
	switch s.Peek() {
	case 'n':
		return s.Lit("null")
	case '"':
		raw, esc, err := s.Str()
		if err != nil {
			return err
		}
		*dst = jsonscan.String(raw, esc)
		return nil
	}
	return errFast
}

// cursor decodes a *cursorWire into c as encoding/json does: null makes it
// nil, an object fills it (a repeated "cursor" merges into the first).
func (s *scanner) cursor(c *cursorWire) (*cursorWire, error) {
	if s.Peek() == 'n' {
		return nil, s.Lit("null")
	}
	if err := s.Enter(); err != nil {
		return nil, err
	}
	more, err := s.ObjectStart()
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = new(cursorWire)
	}
	for more {
		key, err := s.Key()
		if err != nil {
			return nil, err
		}
		var dst **string
		switch string(key) {
		case "next":
			dst = &c.Next
		case "prev":
			dst = &c.Prev
		default:
			if f := jsonscan.FoldLookup(key, cursorFolded); f == 0 {
				dst = &c.Next
			} else if f == 1 {
				dst = &c.Prev
			}
		}
		switch {
		case dst == nil:
			err = s.Skip()
		case s.Peek() == 'n':
			err = s.Lit("null")
			*dst = nil
		default:
			var v string
			err = s.plainString(&v)
			*dst = &v
		}
		if err != nil {
			return nil, err
		}
		if more, err = s.ObjectNext(); err != nil {
			return nil, err
		}
	}
	s.Depth--
	return c, nil
}

var cursorFolded = jsonscan.FoldedNames("next", "prev")

// UnmarshalJSON decodes a token page with the fast decoder, falling back to
// encoding/json (whose errors callers report) when it gives up.
func (w *tokenPageWire) UnmarshalJSON(data []byte) error {
	var fast tokenPageWire
	if decodeTokenPage(data, &fast) == nil {
		*w = fast
		return nil
	}
	// A local type of the same name keeps encoding/json's error messages
	// (which name the struct) as they were before this method existed.
	type tokenPageWire tokenPageWireStd
	return json.Unmarshal(data, (*tokenPageWire)(w))
}

// tokenPageWireStd is tokenPageWire without its UnmarshalJSON method.
type tokenPageWireStd tokenPageWire
