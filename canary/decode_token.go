package canary

import (
	"encoding/json"

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
	s := scanner{data: data}
	if s.peek() == 'n' { // encoding/json leaves tokenWire empty
		*t = Token{Raw: append(json.RawMessage(nil), data...)}
		if err := s.lit("null"); err != nil {
			return err
		}
		return s.end()
	}
	if err := s.token(t, data); err != nil {
		return err
	}
	return s.end()
}

// token decodes the token object at s.pos into *t. Raw is a copy of whole,
// or of the object's own bytes when whole is nil.
func (s *scanner) token(t *Token, whole []byte) error {
	*t = Token{}
	s.ws()
	start := s.pos
	if err := s.enter(); err != nil {
		return err
	}
	var renders map[string]string
	more, err := s.objectStart()
	for more && err == nil {
		var raw []byte
		var esc bool
		if raw, esc, err = s.name(); err != nil {
			return err
		}
		var str string
		var n int64
		switch tokenField(s.memberName(raw, esc)) {
		case tfID:
			t.ID, err = s.lenientString()
		case tfKind:
			str, err = s.internedString()
			t.Kind = Kind(str)
		case tfMemo:
			t.Memo, err = s.lenientString()
		case tfEnabled:
			t.Enabled, err = s.lenientBool()
		case tfCreated:
			t.Created, err = s.lenientTime()
		case tfCreatedPrintable:
			t.CreatedPrintable, err = s.lenientString()
		case tfFlockID:
			t.FlockID, err = s.internedString()
		case tfNodeID:
			t.NodeID, err = s.lenientString()
		case tfHostname:
			t.Hostname, err = s.lenientString()
		case tfKey:
			t.Key, err = s.lenientString()
		case tfURL:
			t.URL, err = s.lenientString()
		case tfTriggeredCount:
			n, err = s.lenientInt(false)
			t.TriggeredCount = int(n)
		case tfUpdatedID:
			t.UpdatedID, err = s.lenientInt(false)
		case tfKindDescription:
			t.KindDescription, err = s.lenientString()
		case tfUnackedAlertCount:
			n, err = s.lenientInt(false)
			t.UnackedAlertCount = int(n)
		case tfBrowserScannerEnabled:
			// *lenient.Bool: null sets the pointer to nil.
			if s.peek() == 'n' {
				err = s.lit("null")
				t.BrowserScannerEnabled = nil
				break
			}
			var b bool
			b, err = s.lenientBool()
			t.BrowserScannerEnabled = &b
		case tfBrowserRedirectURL:
			t.BrowserRedirectURL, err = s.lenientString()
		case tfClonedWeb:
			t.ClonedWeb, err = s.lenientString()
		case tfExpectedReferrer:
			t.ExpectedReferrer, err = s.lenientString()
		case tfProcessName:
			t.ProcessName, err = s.lenientString()
		case tfS3SourceBucket:
			t.S3SourceBucket, err = s.lenientString()
		case tfS3LogBucket:
			t.S3LogBucket, err = s.lenientString()
		case tfAccessKeyID:
			t.AccessKeyID, err = s.lenientString()
		case tfSecretAccessKey:
			str, err = s.lenientString()
			t.SecretAccessKey = Sensitive(str)
		case tfUsername:
			t.Username, err = s.lenientString()
		case tfQRCode:
			t.QRCode, err = s.lenientString()
		case tfRenders:
			renders, err = s.renders(renders)
		case tfFactoryAuth:
			str, err = s.lenientString()
			t.FactoryAuth = Sensitive(str)
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	s.depth--
	if err != nil {
		return err
	}
	if len(renders) > 0 {
		t.Renders = renders
	}
	if whole == nil {
		whole = s.data[start:s.pos]
	}
	t.Raw = append(json.RawMessage(nil), whole...)
	return nil
}

// renders decodes a map[string]lenient.String into m as encoding/json does:
// null makes it nil, an object adds to it (a repeated "renders" merges).
func (s *scanner) renders(m map[string]string) (map[string]string, error) {
	if s.peek() == 'n' {
		return nil, s.lit("null")
	}
	if err := s.enter(); err != nil {
		return nil, err
	}
	more, err := s.objectStart()
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = make(map[string]string, 1)
	}
	for more {
		raw, esc, err := s.name()
		if err != nil {
			return nil, err
		}
		k := renderKey(s.memberName(raw, esc))
		if m[k], err = s.lenientString(); err != nil {
			return nil, err
		}
		if more, err = s.objectNext(); err != nil {
			return nil, err
		}
	}
	s.depth--
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
	s := scanner{data: body, intern: make(map[string]string, 16)}
	if s.peek() == 'n' { // encoding/json leaves the page empty
		if err := s.lit("null"); err != nil {
			return err
		}
		return s.end()
	}
	if err := s.enter(); err != nil {
		return err
	}
	more, err := s.objectStart()
	for more && err == nil {
		var raw []byte
		var esc bool
		if raw, esc, err = s.name(); err != nil {
			return err
		}
		var n int64
		switch tokenPageField(s.memberName(raw, esc)) {
		case tpResult:
			err = s.plainString(&w.Result)
		case tpMessage:
			err = s.plainString(&w.Message)
		case tpTokens:
			w.Tokens, err = s.tokenList()
		case tpCursor:
			w.Cursor, err = s.cursor(w.Cursor)
		case tpPageNum:
			n, err = s.lenientInt(false)
			w.PageNum = lenient.Int(n)
		case tpPageTotal:
			n, err = s.lenientInt(false)
			w.PageTotal = lenient.Int(n)
		case tpPageNumber:
			n, err = s.lenientInt(false)
			w.PageNumber = lenient.Int(n)
		case tpTotalPages:
			n, err = s.lenientInt(false)
			w.TotalPages = lenient.Int(n)
		case tpTotalResults:
			n, err = s.lenientInt(false)
			w.TotalResults = lenient.Int(n)
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	s.depth--
	if err != nil {
		return err
	}
	return s.end()
}

// tokenList decodes a []*Token: null is nil, [] is empty, null elements
// are nil.
func (s *scanner) tokenList() ([]*Token, error) {
	if s.peek() == 'n' {
		return nil, s.lit("null")
	}
	if err := s.enter(); err != nil {
		return nil, err
	}
	more, err := s.arrayStart()
	if err != nil {
		return nil, err
	}
	list := make([]*Token, 0, 16)
	for more {
		var t *Token
		if s.peek() == 'n' {
			err = s.lit("null")
		} else {
			t = new(Token)
			err = s.token(t, nil)
		}
		if err != nil {
			return nil, err
		}
		list = append(list, t)
		if more, err = s.arrayNext(); err != nil {
			return nil, err
		}
	}
	s.depth--
	return list, nil
}

// plainString decodes into a Go string as encoding/json does: null leaves
// it as it was.
func (s *scanner) plainString(dst *string) error {
	switch s.peek() {
	case 'n':
		return s.lit("null")
	case '"':
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		*dst = jsonString(raw, esc)
		return nil
	}
	return errFast
}

// cursor decodes a *cursorWire into c as encoding/json does: null makes it
// nil, an object fills it (a repeated "cursor" merges into the first).
func (s *scanner) cursor(c *cursorWire) (*cursorWire, error) {
	if s.peek() == 'n' {
		return nil, s.lit("null")
	}
	if err := s.enter(); err != nil {
		return nil, err
	}
	more, err := s.objectStart()
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = new(cursorWire)
	}
	for more {
		raw, esc, err := s.name()
		if err != nil {
			return nil, err
		}
		var dst **string
		switch string(s.memberName(raw, esc)) {
		case "next":
			dst = &c.Next
		case "prev":
			dst = &c.Prev
		default:
			if f := foldLookup(s.memberName(raw, esc), cursorFolded); f == 0 {
				dst = &c.Next
			} else if f == 1 {
				dst = &c.Prev
			}
		}
		switch {
		case dst == nil:
			err = s.skip()
		case s.peek() == 'n':
			err = s.lit("null")
			*dst = nil
		default:
			var v string
			err = s.plainString(&v)
			*dst = &v
		}
		if err != nil {
			return nil, err
		}
		if more, err = s.objectNext(); err != nil {
			return nil, err
		}
	}
	s.depth--
	return c, nil
}

var cursorFolded = foldedNames("next", "prev")

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
