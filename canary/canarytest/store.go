package canarytest

import (
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// token is a stored Canarytoken.
type token struct {
	seq       int64 // creation order; paginate pages follow it
	id        string
	kind      string
	memo      string
	flockID   string
	nodeID    string
	key       string
	hostname  string
	url       string
	enabled   bool
	created   time.Time
	updatedID int64
	triggered int
	params    map[string]string // kind-specific create parameters, echoed back
	file      *storedFile       // the uploaded (or generated) file
	// aws-id credentials and wireguard key, made at creation.
	accessKeyID, secretAccessKey, username, wgPrivateKey string
	qrPNG                                                []byte
	incidents, unacked                                   int    // live incidents
	factoryAuth                                          string // the factory that made it, if any
}

// storedFile is an uploaded file.
type storedFile struct {
	name, contentType string
	data              []byte
}

// event is one trigger of a token.
type event struct {
	at        time.Time
	src       string
	userAgent string
	path      string
}

// incident is a stored incident.
type incident struct {
	key, hashID string
	tok         *token
	tokenID     string
	nodeID      string
	flockID     string
	kind        string
	memo        string
	logtype     int
	src         string
	srcPort     int
	dstHost     string
	dstPort     int
	created     time.Time
	acked       bool
	notified    bool
	updatedID   int64
	updated     time.Time
	flockName   string
	eventsRaw   []event
}

// state is the Console's data. The Server's mutex guards it.
type state struct {
	tokens     []*token // by seq
	tokenByID  map[string]*token
	tokenSeq   int64
	incs       []*incident // ascending updatedID
	incByKey   map[string]*incident
	incByHash  map[string]*incident
	updatedSeq int64 // the Console-wide updated_id counter
	rng        *rand.Rand
	queries    map[int64]any
	queryOrder []int64
	querySeq   int64
	est        *estateState // devices, flocks, factories, audit trail, ignore list
}

func newState(seed uint64, flocks []string) *state {
	st := &state{
		tokenByID: map[string]*token{},
		incByKey:  map[string]*incident{},
		incByHash: map[string]*incident{},
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		queries:   map[int64]any{},
		est:       newEstateState(),
	}
	for _, id := range flocks {
		st.ensureFlock(id)
	}
	return st
}

const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func (st *state) randString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[st.rng.IntN(len(alphabet))]
	}
	return string(b)
}

func (st *state) randHex(nbytes int) string {
	b := make([]byte, nbytes)
	for i := range b {
		b[i] = byte(st.rng.UintN(256))
	}
	return hex.EncodeToString(b)
}

func (st *state) nextUpdatedID() int64 {
	st.updatedSeq++
	return st.updatedSeq
}

// addIncident appends inc, which must carry a fresh (largest) updatedID.
func (st *state) addIncident(inc *incident) {
	st.incs = append(st.incs, inc)
	st.incByKey[inc.key] = inc
	st.incByHash[inc.hashID] = inc
	if t := inc.tok; t != nil {
		t.incidents++
		if !inc.acked {
			t.unacked++
		}
	}
}

// incIndex finds inc in st.incs by its updatedID.
func (st *state) incIndex(inc *incident) int {
	i, ok := slices.BinarySearchFunc(st.incs, inc.updatedID, func(x *incident, id int64) int {
		switch {
		case x.updatedID < id:
			return -1
		case x.updatedID > id:
			return 1
		}
		return 0
	})
	if !ok {
		return -1
	}
	return i
}

// setAcked changes the acknowledgement of incidents. Each changed incident
// gets a new updated_id and moves to the end of the feed, as an update does
// on the Console, so incidents_since pollers see it.
func (st *state) setAcked(list []*incident, acked bool, now time.Time) []string {
	var changed []*incident
	for _, inc := range list {
		if inc.acked != acked {
			changed = append(changed, inc)
		}
	}
	keys := make([]string, 0, len(list))
	for _, inc := range list {
		keys = append(keys, inc.key)
	}
	if len(changed) == 0 {
		return keys
	}
	st.removeIncidents(changed, false)
	for _, inc := range changed {
		inc.acked = acked
		if t := inc.tok; t != nil {
			if acked {
				t.unacked--
			} else {
				t.unacked++
			}
		}
		inc.updatedID = st.nextUpdatedID()
		inc.updated = now
		st.incs = append(st.incs, inc)
	}
	return keys
}

// removeIncidents takes incidents out of the feed; forget also drops them
// from the indexes and the token counters (a delete).
func (st *state) removeIncidents(list []*incident, forget bool) {
	if len(list) == 0 {
		return
	}
	if len(list) < 32 {
		for _, inc := range list {
			if i := st.incIndex(inc); i >= 0 {
				st.incs = slices.Delete(st.incs, i, i+1)
			}
		}
	} else {
		gone := make(map[*incident]bool, len(list))
		for _, inc := range list {
			gone[inc] = true
		}
		st.incs = slices.DeleteFunc(st.incs, func(x *incident) bool { return gone[x] })
	}
	if !forget {
		return
	}
	for _, inc := range list {
		delete(st.incByKey, inc.key)
		delete(st.incByHash, inc.hashID)
		if t := inc.tok; t != nil {
			t.incidents--
			if !inc.acked {
				t.unacked--
			}
		}
	}
}

// tokenIncidents returns the live incidents of one token.
func (st *state) tokenIncidents(t *token) []*incident {
	var out []*incident
	for _, inc := range st.incs {
		if inc.tok == t {
			out = append(out, inc)
		}
	}
	return out
}

func (st *state) deleteToken(t *token) {
	i := sort.Search(len(st.tokens), func(i int) bool { return st.tokens[i].seq >= t.seq })
	if i < len(st.tokens) && st.tokens[i] == t {
		st.tokens = slices.Delete(st.tokens, i, i+1)
	}
	delete(st.tokenByID, t.id)
}

// remember stores a paginated query for its cursor and returns its ID. The
// oldest queries are forgotten after maxQueries.
func (st *state) remember(q any) int64 {
	const maxQueries = 4096
	st.querySeq++
	id := st.querySeq
	st.queries[id] = q
	st.queryOrder = append(st.queryOrder, id)
	if len(st.queryOrder) > maxQueries {
		delete(st.queries, st.queryOrder[0])
		st.queryOrder = st.queryOrder[1:]
	}
	return id
}

// ensureFlock makes the flock id exist (WithFlocks, AddToken, Seed), named
// after its ID unless it has a name already.
func (st *state) ensureFlock(id string) {
	if st.est.flocks[id] == nil {
		st.est.flocks[id] = &flock{id: id, name: flockName(id)}
	}
}
