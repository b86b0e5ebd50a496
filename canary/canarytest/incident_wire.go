package canarytest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The incident shapes, field for field as docs.canary.tools shows them:
// most values are strings ("True", "1586249623", "80"), while updated_id,
// max_updated_id, updated_timestamp and event timestamps and ports are ints.

const (
	stdLayout   = "2006-01-02 15:04:05 UTC-0700"
	localLayout = "2006-01-02 15:04:05 (MST)"
)

// stdTime formats a *_std field in loc (nil: UTC), the time zone the feeds'
// and /incident/fetch's tz parameter selects.
func stdTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return strings.Replace(t.In(loc).Format(stdLayout), "UTC-0000", "UTC+0000", 1)
}

// tzParam reads the tz parameter, a pytz (IANA) zone name such as
// "Europe/Berlin"; "" is UTC. The docs do not say how the Console answers
// an unknown name: the Server refuses it like other bad parameters.
func tzParam(v string) (*time.Location, bool) {
	if v == "" {
		return time.UTC, true
	}
	loc, err := time.LoadLocation(v)
	if err != nil || v == "Local" {
		return nil, false
	}
	return loc, true
}
func httpTime(t time.Time) string { return t.UTC().Format(time.RFC1123) }
func epoch(t time.Time) string    { return strconv.FormatInt(t.Unix(), 10) }
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// headersWire is the request headers of an HTTP-channel token event.
type headersWire struct {
	Accept         string `json:"Accept"`
	AcceptEncoding string `json:"Accept-Encoding"`
	Connection     string `json:"Connection"`
	UserAgent      string `json:"User-Agent"`
}

// eventWire is one token event.
type eventWire struct {
	Canarytoken  string       `json:"canarytoken"`
	DstPort      int          `json:"dst_port"`
	EventName    string       `json:"event_name"`
	Headers      *headersWire `json:"headers,omitempty"`
	Hostname     string       `json:"hostname,omitempty"`
	GenericData  string       `json:"generic_data,omitempty"`
	SrcHost      string       `json:"src_host"`
	Timestamp    int64        `json:"timestamp"`
	TimestampStd string       `json:"timestamp_std"`
	Type         string       `json:"type"`
	URL          string       `json:"url,omitempty"`
}

// descWire is the feed's "description" object, and (with id) the fetch
// shape.
type descWire struct {
	Acknowledged string      `json:"acknowledged"`
	Created      string      `json:"created"`
	CreatedStd   string      `json:"created_std"`
	Description  string      `json:"description"`
	DstHost      string      `json:"dst_host"`
	DstPort      string      `json:"dst_port"`
	Events       []eventWire `json:"events"`
	EventsCount  string      `json:"events_count"`
	FlockID      string      `json:"flock_id"`
	FlockName    string      `json:"flock_name"`
	LocalTime    string      `json:"local_time"`
	Logtype      string      `json:"logtype"`
	Memo         string      `json:"memo"`
	Name         string      `json:"name"`
	NodeID       string      `json:"node_id"`
	Notified     string      `json:"notified"`
	SrcHost      string      `json:"src_host"`
	SrcHostRev   string      `json:"src_host_reverse"`
	SrcPort      string      `json:"src_port"`
}

// feedWire is one item of /incidents/{all,acknowledged,unacknowledged}.
type feedWire struct {
	Description descWire `json:"description"`
	HashID      string   `json:"hash_id"`
	ID          string   `json:"id"`
	Summary     string   `json:"summary"`
	Updated     string   `json:"updated"`
	UpdatedID   int64    `json:"updated_id"`
	UpdatedStd  string   `json:"updated_std"`
	UpdatedTime string   `json:"updated_time"`
}

// fetchWire is /incident/fetch's flattened incident: the description
// object plus id.
type fetchWire struct {
	descWire
	ID string `json:"id"`
}

// searchWire is one result of /incidents/search: flattened, with logdata
// instead of events and the extra keys search adds.
type searchWire struct {
	Acknowledged      string `json:"acknowledged"`
	Created           string `json:"created"`
	CreatedAge        string `json:"created_age"`
	CreatedAgeSeconds int64  `json:"created_age_seconds"`
	CreatedPrintable  string `json:"created_printable"`
	CreatedStd        string `json:"created_std"`
	Description       string `json:"description"`
	DstHost           string `json:"dst_host"`
	DstPort           string `json:"dst_port"`
	EventsCount       string `json:"events_count"`
	EventsList        string `json:"events_list"` // ms epochs, comma-separated: the docs name the field, not its type

	FlockID             string      `json:"flock_id"`
	HashID              string      `json:"hash_id"`
	IncidentKey         string      `json:"incident_key"`
	Key                 string      `json:"key"`
	Logdata             []eventWire `json:"logdata"`
	Logtype             string      `json:"logtype"`
	Memo                string      `json:"memo"`
	Name                string      `json:"name"`
	NodeID              string      `json:"node_id"`
	PreviouslySeenCount int         `json:"previously_seen_count"`
	SrcHost             string      `json:"src_host"`
	SrcHostRev          string      `json:"src_host_reverse"`
	SrcPort             string      `json:"src_port"`
	Summary             string      `json:"summary"`
	Updated             string      `json:"updated"`
	UpdatedID           int64       `json:"updated_id"`
	UpdatedTime         string      `json:"updated_time"`
}

const tokenIncidentDescription = "Canarytoken triggered"

func (inc *incident) events(eventLimit int, loc *time.Location) []eventWire {
	evs := inc.eventsRaw
	if eventLimit >= 0 && len(evs) > eventLimit {
		evs = evs[:eventLimit]
	}
	out := make([]eventWire, len(evs))
	for i, ev := range evs {
		w := eventWire{Canarytoken: inc.tokenID, DstPort: inc.dstPort, SrcHost: ev.src,
			Timestamp: ev.at.Unix(), TimestampStd: stdTime(ev.at, loc), Type: inc.kind}
		if inc.dstPort == 53 {
			w.Hostname = ev.path
			w.GenericData = ""
		} else {
			w.Headers = &headersWire{Accept: "*/*", AcceptEncoding: "gzip, deflate", Connection: "close", UserAgent: ev.userAgent}
			w.URL = ev.path
		}
		out[i] = w
	}
	return out
}

func (inc *incident) desc(eventLimit int, loc *time.Location) descWire {
	return descWire{
		Acknowledged: pyBool(inc.acked),
		Created:      epoch(inc.created),
		CreatedStd:   stdTime(inc.created, loc),
		Description:  tokenIncidentDescription,
		DstHost:      inc.dstHost,
		DstPort:      strconv.Itoa(inc.dstPort),
		Events:       inc.events(eventLimit, loc),
		EventsCount:  strconv.Itoa(len(inc.eventsRaw)),
		FlockID:      inc.flockID,
		FlockName:    firstNonEmpty(inc.flockName, flockName(inc.flockID)),
		LocalTime:    inc.created.UTC().Format(localLayout),
		Logtype:      strconv.Itoa(inc.logtype),
		Memo:         inc.memo,
		Name:         "N/A",
		NodeID:       inc.nodeID,
		Notified:     pyBool(inc.notified),
		SrcHost:      inc.src,
		SrcHostRev:   reverseName(inc.src),
		SrcPort:      strconv.Itoa(inc.srcPort),
	}
}

func (inc *incident) feed(eventLimit int, loc *time.Location) feedWire {
	return feedWire{
		Description: inc.desc(eventLimit, loc),
		HashID:      inc.hashID,
		ID:          inc.key,
		Summary:     tokenIncidentDescription,
		Updated:     httpTime(inc.updated),
		UpdatedID:   inc.updatedID,
		UpdatedStd:  stdTime(inc.updated, loc),
		UpdatedTime: epoch(inc.updated),
	}
}

func (inc *incident) search(now time.Time, seen int) searchWire {
	age := now.Sub(inc.created)
	ms := make([]string, len(inc.eventsRaw))
	for i, ev := range inc.eventsRaw {
		ms[i] = strconv.FormatInt(ev.at.UnixMilli(), 10)
	}
	return searchWire{
		Acknowledged:        pyBool(inc.acked),
		Created:             epoch(inc.created),
		CreatedAge:          humanAge(age),
		CreatedAgeSeconds:   int64(age / time.Second),
		CreatedPrintable:    inc.created.UTC().Format(localLayout),
		CreatedStd:          stdTime(inc.created, nil),
		Description:         tokenIncidentDescription,
		DstHost:             inc.dstHost,
		DstPort:             strconv.Itoa(inc.dstPort),
		EventsCount:         strconv.Itoa(len(inc.eventsRaw)),
		EventsList:          strings.Join(ms, ","),
		FlockID:             inc.flockID,
		HashID:              inc.hashID,
		IncidentKey:         inc.key,
		Key:                 inc.key,
		Logdata:             inc.events(-1, nil),
		Logtype:             strconv.Itoa(inc.logtype),
		Memo:                inc.memo,
		Name:                "N/A",
		NodeID:              inc.nodeID,
		PreviouslySeenCount: seen,
		SrcHost:             inc.src,
		SrcHostRev:          reverseName(inc.src),
		SrcPort:             strconv.Itoa(inc.srcPort),
		Summary:             tokenIncidentDescription,
		Updated:             httpTime(inc.updated),
		UpdatedID:           inc.updatedID,
		UpdatedTime:         epoch(inc.updated),
	}
}

func flockName(id string) string {
	if id == "flock:default" {
		return "Default Flock"
	}
	return strings.TrimPrefix(id, "flock:")
}

// reverseName makes a plausible PTR name for documentation-range addresses.
func reverseName(ip string) string {
	if ip == "" {
		return ""
	}
	return strings.ReplaceAll(ip, ".", "-") + ".example.net"
}

func humanAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
