package threatconnect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// IndicatorType is an indicator type, spelled as the API's "type" field.
type IndicatorType string

// The indicator types this package creates. Reading also returns other
// types (such as "ASN" or "CIDR") from an owner-wide list.
const (
	Address      IndicatorType = "Address"      // an IPv4 or IPv6 address ("ip")
	Host         IndicatorType = "Host"         // a host name ("hostName"), ASCII (punycode for IDNs)
	URL          IndicatorType = "URL"          // a URL ("text")
	EmailAddress IndicatorType = "EmailAddress" // an e-mail address ("address")
	File         IndicatorType = "File"         // file hashes: "md5", "sha1", "sha256" or "md5 : sha1 : sha256"
)

// typeInfo is how the v2 API spells a type in paths and bodies.
type typeInfo struct {
	segment string // URL path segment, e.g. "addresses"
	key     string // data key of one item or a list, e.g. "address"
	field   string // body field of the summary, e.g. "ip" ("" for files)
}

var types = map[IndicatorType]typeInfo{
	Address:      {"addresses", "address", "ip"},
	Host:         {"hosts", "host", "hostName"},
	URL:          {"urls", "url", "text"},
	EmailAddress: {"emailAddresses", "emailAddress", "address"},
	File:         {"files", "file", ""},
}

// IndicatorTypes returns the types this package can create, in a fixed order.
func IndicatorTypes() []IndicatorType { return []IndicatorType{Address, Host, URL, EmailAddress, File} }

func (t IndicatorType) info() (typeInfo, error) {
	ti, ok := types[t]
	if !ok {
		if t == "" {
			return typeInfo{}, invalid("Type", "must be set: threatconnect.Address, Host, URL, EmailAddress or File")
		}
		return typeInfo{}, invalid("Type", "%q is not supported; use threatconnect.Address, Host, URL, EmailAddress or File", clip(string(t)))
	}
	return ti, nil
}

// Indicator is a ThreatConnect indicator. To create one, set Type, Summary
// and any of Rating, Confidence, Active, Tags, Attributes and
// SecurityLabels; the other fields are filled in by the platform.
type Indicator struct {
	ID int64 // the platform's ID (read only)
	// Type is the indicator type.
	Type IndicatorType
	// Summary is the indicator itself: an IP address, host name, URL, e-mail
	// address or file hash(es) ("md5 : sha1 : sha256").
	Summary string
	// Rating is the threat rating, 0 (unknown) to 5 (critical); decimals are
	// allowed.
	Rating float64
	// Confidence is the confidence in percent, 0 to 100.
	Confidence int
	// Active marks the indicator active (true) or inactive (false); nil
	// leaves the platform's default.
	Active *bool
	// Description, when set on a create, is written as a "Description"
	// attribute (Indicators.Create) or the batch file's description field
	// (Batch.Upload); on read it is the platform's description.
	Description string
	// Tags are tag names, at most 128 characters each; they are created as
	// needed.
	Tags []string
	// Attributes are typed attributes such as {Type: "Description", Value:
	// "..."}; the attribute type must exist on the instance.
	Attributes []Attribute
	// SecurityLabels are label names such as "TLP:AMBER"; the label must
	// exist on the instance.
	SecurityLabels []string
	// DNSActive and WhoisActive apply to hosts only.
	DNSActive, WhoisActive *bool
	// Size is the file size in bytes (files only).
	Size int64

	// AssociatedGroups are the groups the indicator is associated with. On
	// a v3 create they are associated (an existing group by ID, or by Name
	// and Type); on a v3 read they are filled when the call asks for
	// FieldAssociatedGroups. The v2 calls ignore them (use
	// Indicators.AssociateGroup).
	AssociatedGroups []GroupRef

	Owner        string    // the owner's name (read only)
	OwnerID      int64     // the owner's ID (read only; v3)
	DateAdded    time.Time // read only
	LastModified time.Time // read only
	WebLink      string    // a link to the indicator in the web UI (read only)
	// Observations is the observation count, when the platform sends it
	// (read only: record observations with Indicators.AddObservations).
	Observations int
}

// Attribute is a typed attribute of an indicator or group.
type Attribute struct {
	ID        int64  // the platform's attribute ID (read only)
	Type      string // e.g. "Description", "Source", "Additional Analysis and Context"
	Value     string // the attribute text
	Displayed bool   // show it in the UI summary (v2)
	// Source is where the attribute's information came from (v3).
	Source string
	// Default makes it the default attribute of its type (v3), as the
	// platform's description is the default Description attribute.
	Default bool
	// SecurityLabels applies to batch uploads only.
	SecurityLabels []string
	DateAdded      time.Time // read only
	LastModified   time.Time // read only
}

// flexFloat decodes 4, 4.00, "4.00" and null.
type flexFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%q is not a number", clip(s))
	}
	*f = flexFloat(v)
	return nil
}

// flexTime decodes the platform's timestamps: RFC 3339 with or without a
// zone ("2017-07-13T17:50:17", "2017-08-03T16:00:37Z",
// "2015-07-13T15:04:54-04:00"), epoch seconds, and null. A time without a
// zone is taken as UTC.
type flexTime time.Time

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05", "2006-01-02"}

// UnmarshalJSON implements json.Unmarshaler.
func (t *flexTime) UnmarshalJSON(b []byte) error {
	var s lenient.String
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	v := strings.TrimSpace(string(s))
	if v == "" {
		*t = flexTime{}
		return nil
	}
	for _, l := range timeLayouts {
		if tm, err := time.Parse(l, v); err == nil {
			*t = flexTime(tm.UTC())
			return nil
		}
	}
	tm, err := lenient.ParseEpoch(v)
	if err != nil {
		return fmt.Errorf("%q is not a time", clip(v))
	}
	*t = flexTime(tm)
	return nil
}

// wireIndicator is an indicator as the v2 API sends it, for every type.
type wireIndicator struct {
	ID           lenient.Int   `json:"id"`
	Type         string        `json:"type"`
	Summary      string        `json:"summary"`
	IP           string        `json:"ip"`
	HostName     string        `json:"hostName"`
	Text         string        `json:"text"`
	Address      string        `json:"address"`
	MD5          string        `json:"md5"`
	SHA1         string        `json:"sha1"`
	SHA256       string        `json:"sha256"`
	Size         lenient.Int   `json:"size"`
	Rating       flexFloat     `json:"rating"`
	Confidence   lenient.Int   `json:"confidence"`
	Active       *lenient.Bool `json:"active"`
	DNSActive    *lenient.Bool `json:"dnsActive"`
	WhoisActive  *lenient.Bool `json:"whoisActive"`
	Description  string        `json:"description"`
	OwnerName    string        `json:"ownerName"`
	Owner        *Owner        `json:"owner"`
	DateAdded    flexTime      `json:"dateAdded"`
	LastModified flexTime      `json:"lastModified"`
	WebLink      string        `json:"webLink"`
	Observations lenient.Int   `json:"observationCount"`
	Tag          []wireTag     `json:"tag"`
	Attribute    []wireAttr    `json:"attribute"`
}

type wireTag struct {
	Name string `json:"name"`
}

type wireAttr struct {
	ID           lenient.Int  `json:"id,omitempty"`
	Type         string       `json:"type"`
	Value        string       `json:"value"`
	Displayed    lenient.Bool `json:"displayed"`
	DateAdded    flexTime     `json:"dateAdded"`
	LastModified flexTime     `json:"lastModified"`
}

func (a wireAttr) attribute() Attribute {
	return Attribute{ID: int64(a.ID), Type: a.Type, Value: a.Value, Displayed: bool(a.Displayed),
		DateAdded: time.Time(a.DateAdded), LastModified: time.Time(a.LastModified)}
}

func boolPtr(b *lenient.Bool) *bool {
	if b == nil {
		return nil
	}
	v := bool(*b)
	return &v
}

// indicator converts w; t is the type implied by the endpoint ("" when the
// item carries its own).
func (w wireIndicator) indicator(t IndicatorType) *Indicator {
	ind := &Indicator{
		ID: int64(w.ID), Type: t, Rating: float64(w.Rating), Confidence: int(w.Confidence),
		Active: boolPtr(w.Active), DNSActive: boolPtr(w.DNSActive), WhoisActive: boolPtr(w.WhoisActive),
		Description: w.Description, Size: int64(w.Size), Owner: w.OwnerName,
		DateAdded: time.Time(w.DateAdded), LastModified: time.Time(w.LastModified), WebLink: w.WebLink,
		Observations: int(w.Observations),
	}
	if w.Type != "" {
		ind.Type = IndicatorType(w.Type)
	}
	if ind.Owner == "" && w.Owner != nil {
		ind.Owner = w.Owner.Name
	}
	ind.Summary = w.Summary
	if ind.Summary == "" {
		switch {
		case w.IP != "":
			ind.Summary = w.IP
		case w.HostName != "":
			ind.Summary = w.HostName
		case w.Text != "":
			ind.Summary = w.Text
		case w.Address != "":
			ind.Summary = w.Address
		default:
			ind.Summary = joinHashes(w.MD5, w.SHA1, w.SHA256)
		}
	}
	for _, tg := range w.Tag {
		ind.Tags = append(ind.Tags, tg.Name)
	}
	for _, a := range w.Attribute {
		ind.Attributes = append(ind.Attributes, a.attribute())
	}
	return ind
}

func joinHashes(hs ...string) string {
	var parts []string
	for _, h := range hs {
		if h != "" {
			parts = append(parts, h)
		}
	}
	return strings.Join(parts, " : ")
}
