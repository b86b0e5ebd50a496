package canary

import (
	"bytes"
	"fmt"
	"strconv"
)

// Documented-shape listing pages for the decoding tests and the listing
// benchmarks. A pageTemplate is pre-serialised once; each page is a copy with
// its item numbers and next cursor patched in place, so a fake Console can
// serve 100,000 distinct incidents without holding them all in memory.

// pageTemplate is a page body with fixed-width slots for the item numbers
// and for cursor.next.
type pageTemplate struct {
	body    []byte
	perPage int
	nums    []numSlot
	next    int // offset of the 13-byte cursor.next slot
}

// numSlot is a 10-byte slot holding the number of item (0-based within the
// page): zero-padded inside a string, space-padded as a JSON number.
type numSlot struct {
	off, item int
	quoted    bool
}

const slotWidth = 10

// tmplWriter builds a pageTemplate.
type tmplWriter struct {
	b    bytes.Buffer
	t    pageTemplate
	item int
}

func (w *tmplWriter) s(s string) { w.b.WriteString(s) }

// num writes an item-number slot; inside a string when quoted is set (the
// caller writes the quotes and any prefix).
func (w *tmplWriter) num(quoted bool) {
	w.t.nums = append(w.t.nums, numSlot{off: w.b.Len(), item: w.item, quoted: quoted})
	w.b.WriteString("0000000000")
}

func (w *tmplWriter) cursor() {
	w.s(`"cursor": {"next": `)
	w.t.next = w.b.Len()
	w.s(`null         , "next_link": null, "prev": null, "prev_link": null}`)
}

// render returns page k (0-based) of a listing of total items; the last
// page's cursor.next is null. Pages are perPage items each; a short last
// page is not modelled (totals are multiples of perPage).
func (t *pageTemplate) render(k, pages int) []byte {
	b := append([]byte(nil), t.body...)
	var digits [20]byte
	for _, sl := range t.nums {
		v := strconv.AppendInt(digits[:0], int64(k*t.perPage+sl.item), 10)
		slot := b[sl.off : sl.off+slotWidth]
		pad := byte('0')
		if !sl.quoted {
			pad = ' '
		}
		for i := range slot {
			slot[i] = pad
		}
		copy(slot[slotWidth-len(v):], v)
	}
	if k+1 < pages {
		c := fmt.Appendf(nil, `"c%010d"`, k+1)
		copy(b[t.next:], c)
	}
	return b
}

// pageCursor is the cursor render puts on page k-1 pointing to page k.
func pageCursor(k int) string { return fmt.Sprintf("c%010d", k) }

// cursorPage reads a pageCursor back; ok is false for anything else.
func cursorPage(c string) (int, bool) {
	if len(c) != 11 || c[0] != 'c' {
		return 0, false
	}
	n, err := strconv.Atoi(c[1:])
	return n, err == nil
}

// incidentFeedTemplate is a page of n incidents in the documented feed
// shape (GET /incidents/all with limit): the wrapper with a nested
// "description", the Console's string-typed booleans, ports, counts and
// epochs, and events with headers. The incidents rotate through an aws-id
// Canarytoken (one event with HTTP headers), an HTTP login on a Canary (two
// events with the upper-case login fields) and a port scan (three events).
func incidentFeedTemplate(n int) *pageTemplate {
	w := &tmplWriter{}
	w.t.perPage = n
	w.s(`{`)
	w.cursor()
	w.s(`, "feed": "All Incidents", "incidents": [`)
	for i := range n {
		w.item = i
		if i > 0 {
			w.s(", ")
		}
		w.s(`{"description": {`)
		switch i % 3 {
		case 0:
			w.s(`"acknowledged": "False", "created": "1586249623", "created_std": "2020-04-07 08:53:43 UTC+0000", ` +
				`"description": "Canarytoken triggered", "dst_host": "52.18.63.80", "dst_port": "80", ` +
				`"events": [{"canarytoken": "tok`)
			w.num(true)
			w.s(`", "dst_port": 80, "event_name": "", "headers": {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", ` +
				`"Connection": "close", "User-Agent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22"}, ` +
				`"src_host": "203.0.113.7", "timestamp": 1586249623, "timestamp_std": "2020-04-07 08:53:43 UTC+0000", "type": "aws-id"}], ` +
				`"events_count": "1", "local_time": "2020-04-07 08:53:43 (UTC)", "logtype": "17012", ` +
				`"memo": "AWS keys in ~/.aws/credentials on build-07", "name": "N/A", "node_id": "node`)
			w.num(true)
			w.s(`", "notified": "False", "src_host": "203.0.113.7", "src_port": "0"}`)
		case 1:
			w.s(`"acknowledged": "True", "created": "1586249701", "created_std": "2020-04-07 08:55:01 UTC+0000", ` +
				`"description": "HTTP Login Attempt", "dst_host": "10.0.4.21", "dst_port": "80", "events": [`)
			for e := range 2 {
				if e > 0 {
					w.s(", ")
				}
				fmt.Fprintf(&w.b, `{"HOSTNAME": "10.0.4.21", "METHOD": "POST", "PASSWORD": "Summer2020!", "PATH": "/index.html", `+
					`"RESPONSE": 200, "SKIN": "nasLogin", "USERAGENT": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36", `+
					`"USERNAME": "admin", "timestamp": %d, "timestamp_std": "2020-04-07 08:55:0%d UTC+0000"}`, 1586249701+e, 1+e)
			}
			w.s(`], "events_count": "2", "flock_id": "flock:default", "flock_name": "Default Flock", ` +
				`"ip_address": "10.0.4.21", "ippers": "", "local_time": "2020-04-07 08:55:01", "logtype": "3001", ` +
				`"mac_address": "00:0c:29:5a:11:e2", "name": "nas-finance", "node_id": "00034d476bd8`)
			w.num(true)
			w.s(`", "notified": "True", "src_host": "10.0.9.14", "src_host_reverse": "wks-14.corp.example", "src_port": "51422"}`)
		case 2:
			w.s(`"acknowledged": "False", "created": "1586250011", "created_std": "2020-04-07 09:00:11 UTC+0000", ` +
				`"description": "Host Port Scan", "dst_host": "10.0.4.22", "dst_port": "-1", "events": [`)
			for e, port := range []int{22, 445, 3389} {
				if e > 0 {
					w.s(", ")
				}
				fmt.Fprintf(&w.b, `{"dst_port": %d, "src_port": "%d", "timestamp": "%d", "timestamp_std": "2020-04-07 09:00:1%d UTC+0000"}`,
					port, 40000+e, 1586250011+e, 1+e)
			}
			w.s(`], "events_count": "3", "flock_id": "flock:default", "flock_name": "Default Flock", ` +
				`"ip_address": "10.0.4.22", "local_time": "2020-04-07 09:00:11", "logtype": "5003", ` +
				`"mac_address": "00:0c:29:5a:11:e3", "name": "fileserver-02", "node_id": "00034d476bd9`)
			w.num(true)
			w.s(`", "notified": "False", "src_host": "10.0.9.15", "src_port": "0"}`)
		}
		w.s(`, "hash_id": "h`)
		w.num(true)
		w.s(`", "id": "incident:canarytoken:`)
		w.num(true)
		w.s(`:203.0.113.7:1586249623", "summary": "Incident summary", "updated": "Tue, 07 Apr 2020 08:53:43 GMT", "updated_id": `)
		w.num(false)
		w.s(`, "updated_std": "2020-04-07 08:53:43 UTC+0000", "updated_time": "1586249623"}`)
	}
	w.s(`], "max_updated_id": 10, "result": "success", "updated": "Tue, 07 Apr 2020 08:53:43 GMT", ` +
		`"updated_std": "2020-04-07 08:53:43 UTC+0000", "updated_timestamp": 1586249623}`)
	w.t.body = w.b.Bytes()
	return &w.t
}

// tokenListTemplate is a /canarytokens/paginate page of n tokens in the
// documented shape, mixing kinds and kind-specific fields.
func tokenListTemplate(n int) *pageTemplate {
	kinds := []Kind{KindHTTP, KindDNS, KindAWSID, KindMSWord, KindPDF, KindWebImage, KindClonedWeb, KindQRCode}
	w := &tmplWriter{}
	w.t.perPage = n
	w.s(`{"canarytokens": [`)
	for i := range n {
		w.item = i
		if i > 0 {
			w.s(", ")
		}
		k := kinds[i%len(kinds)]
		w.s(`{"canarytoken": "tok`)
		w.num(true)
		w.s(`", "created": "1586249510.069870", "created_printable": "2020-04-07 08:51:50 (UTC)", "enabled": true, ` +
			`"flock_id": "flock:default", "hostname": "`)
		w.num(true)
		w.s(`.canarytokens.example", "key": "key`)
		w.num(true)
		fmt.Fprintf(&w.b, `", "kind": %q, "memo": "Example Memo on a file server share", "node_id": "node`, k)
		w.num(true)
		fmt.Fprintf(&w.b, `", "triggered_count": %d, "updated_id": `, i%5)
		w.num(false)
		w.s(`, "url": "http://canarytokens.example/`)
		w.num(true)
		w.s(`/index.html"`)
		switch k {
		case KindAWSID:
			w.s(`, "access_key_id": "<aws_access_key_id>", "secret_access_key": "<aws_secret_access_key>", "username": "<user_name>", ` +
				`"renders": {"aws-id": "\n [default]\n aws_access_key_id = ...\n aws_secret_access_key = ..."}`)
		case KindHTTP:
			w.s(`, "browser_scanner_enabled": "True"`)
		case KindClonedWeb:
			w.s(`, "cloned_web": "intranet.example.com", "renders": {"cloned-web": "<script>...</script>"}`)
		}
		w.s("}")
	}
	w.s(`], `)
	w.cursor()
	w.s(`, "page_num": 1, "page_total": 4, "result": "success"}`)
	w.t.body = w.b.Bytes()
	return &w.t
}
