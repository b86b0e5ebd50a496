package threatconnect

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// V3 is the v3 API (ThreatConnect 6.0 and later), reached as Client.V3. It
// shares the Client's credentials, signing, transport, retries and errors
// with the v2 services; v2's Batch stays the way to write thousands of
// indicators at once.
type V3 struct {
	// Indicators creates (upserts), reads, updates, deletes and lists
	// indicators of every type through the one /v3/indicators endpoint.
	Indicators *V3IndicatorsService
	// Groups creates and reads groups (incidents, events, adversaries, ...)
	// and associates indicators with them.
	Groups *V3GroupsService
	// Owners lists the owners the API user can reach.
	Owners *V3OwnersService
}

// Field names a related collection that a v3 read returns only when asked
// for (the fields query parameter).
type Field string

// The fields a v3 call can ask for.
const (
	FieldTags                 Field = "tags"
	FieldAttributes           Field = "attributes"
	FieldSecurityLabels       Field = "securityLabels"
	FieldAssociatedGroups     Field = "associatedGroups"
	FieldAssociatedIndicators Field = "associatedIndicators" // groups only
)

// MetadataMode says what a v3 update does with a collection (tags,
// attributes, security labels, associated groups or indicators). It is
// the v3 "mode" field; the batch API's job-wide setting is WriteMode.
type MetadataMode string

// The v3 metadata modes. The zero MetadataMode is the platform's default,
// ModeAppend.
const (
	ModeAppend  MetadataMode = "append"  // add the items, keep the others
	ModeReplace MetadataMode = "replace" // the items become the whole collection
	ModeDelete  MetadataMode = "delete"  // remove the items
)

func (m MetadataMode) check(field string) error {
	switch m {
	case "", ModeAppend, ModeReplace, ModeDelete:
		return nil
	}
	return invalid(field, "%q is not ModeAppend, ModeReplace or ModeDelete", clip(string(m)))
}

// V3Options are the options of a v3 call on one object.
type V3Options struct {
	// Owner is the owner to read or write; "" means the API user's own
	// organization. A v3 create is an upsert within this owner.
	Owner string
	// Fields asks for related collections in the answer, such as
	// FieldTags and FieldAssociatedGroups.
	Fields []Field
}

func v3Owner(o *V3Options) string {
	if o == nil {
		return ""
	}
	return o.Owner
}

func v3Fields(o *V3Options) []Field {
	if o == nil {
		return nil
	}
	return o.Fields
}

// query is an ordered list of query parameters, encoded with %20 for a
// space as the v3 documentation writes them. The bytes it produces are the
// bytes sent and signed.
type query [][2]string

func (q *query) add(k, v string) { *q = append(*q, [2]string{k, v}) }

func (q query) encode() string {
	var b strings.Builder
	for i, kv := range q {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(queryEscape(kv[0]))
		b.WriteByte('=')
		b.WriteString(queryEscape(kv[1]))
	}
	return b.String()
}

// queryEscape is url.QueryEscape with a space as %20 (QueryEscape writes
// '+', and escapes a literal '+' as %2B, so the swap is exact).
func queryEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// v3Query returns the owner and fields parameters, checked.
func v3Query(owner string, fields []Field) (query, error) {
	if err := validateOwner(owner); err != nil {
		return nil, err
	}
	var q query
	if strings.TrimSpace(owner) != "" {
		q.add("owner", owner)
	}
	for i, f := range fields {
		if f == "" || strings.ContainsFunc(string(f), func(r rune) bool { return !isIdentRune(r) }) {
			return nil, invalid(fmt.Sprintf("Fields[%d]", i), "%q is not a field name such as FieldTags", clip(string(f)))
		}
		q.add("fields", string(f))
	}
	return q, nil
}

func isIdentRune(r rune) bool {
	return r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// v3Collection is a v3 metadata collection: {"data": [...], "mode": ...}.
type v3Collection[T any] struct {
	Data []T          `json:"data"`
	Mode MetadataMode `json:"mode,omitempty"`
}

type v3Tag struct {
	ID   lenient.Int `json:"id,omitempty"`
	Name string      `json:"name"`
}

type v3Label struct {
	ID   lenient.Int `json:"id,omitempty"`
	Name string      `json:"name"`
}

type v3Attr struct {
	ID           lenient.Int  `json:"id,omitempty"`
	Type         string       `json:"type"`
	Value        string       `json:"value"`
	Source       string       `json:"source,omitempty"`
	Default      lenient.Bool `json:"default,omitempty"`
	DateAdded    *flexTime    `json:"dateAdded,omitempty"`
	LastModified *flexTime    `json:"lastModified,omitempty"`
}

func (a v3Attr) attribute() Attribute {
	out := Attribute{ID: int64(a.ID), Type: a.Type, Value: a.Value, Source: a.Source, Default: bool(a.Default)}
	if a.DateAdded != nil {
		out.DateAdded = time.Time(*a.DateAdded)
	}
	if a.LastModified != nil {
		out.LastModified = time.Time(*a.LastModified)
	}
	return out
}

func v3AttrOf(a Attribute) v3Attr {
	return v3Attr{Type: a.Type, Value: a.Value, Source: a.Source, Default: lenient.Bool(a.Default)}
}

// v3GroupRef is a group inside an associatedGroups collection.
type v3GroupRef struct {
	ID        lenient.Int `json:"id,omitempty"`
	Name      string      `json:"name,omitempty"`
	Type      string      `json:"type,omitempty"`
	OwnerName string      `json:"ownerName,omitempty"`
}

func (g v3GroupRef) ref() GroupRef {
	return GroupRef{ID: int64(g.ID), Name: g.Name, Type: GroupType(g.Type), Owner: g.OwnerName}
}

// groupRefBody checks a reference for a v3 body: an ID, or a name and a
// type.
func groupRefBody(field string, g GroupRef) (v3GroupRef, error) {
	switch {
	case g.ID > 0:
		return v3GroupRef{ID: lenient.Int(g.ID)}, nil
	case g.ID < 0:
		return v3GroupRef{}, invalid(field, "ID must be positive, got %d", g.ID)
	case strings.TrimSpace(g.Name) == "" || g.Type == "":
		return v3GroupRef{}, invalid(field, "needs an ID, or a Name and a Type")
	case strings.ContainsFunc(g.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return v3GroupRef{}, invalid(field, "Name must not contain control characters")
	}
	if _, ok := groupTypes[g.Type]; !ok {
		return v3GroupRef{}, invalid(field, "Type %q is not supported; use threatconnect.Incident, Event, Adversary, Campaign, Threat or Report", clip(string(g.Type)))
	}
	return v3GroupRef{Name: strings.TrimSpace(g.Name), Type: string(g.Type)}, nil
}

// v3Data decodes env.Data into out, or reports a malformed response.
func (c *Client) v3Data(method, path string, env *envelope, out any) error {
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return fmt.Errorf("threatconnect: %s %s: %w: no \"data\" in the response", method, path, ErrMalformedResponse)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("threatconnect: %s %s: %w: data: %s", method, path, ErrMalformedResponse, c.scrub(err.Error()))
	}
	return nil
}
