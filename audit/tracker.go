package audit

import (
	"container/heap"
	"slices"
	"time"
)

// tracker counts incidents per key (a source IP, a deleted token) in at most
// capacity counters, with the Space-Saving algorithm (Metwally, Agrawal and
// El Abbadi, 2005): while there are fewer keys than counters every count is
// exact; after that, a new key takes over the counter with the smallest
// count and starts from that count plus one. Every key that occurred more
// than n/capacity times is then guaranteed to be tracked, and its count
// overstates the truth by at most the inherited count (kept as errBound).
// Memory is O(capacity) however many incidents are added.
type tracker struct {
	capacity int
	m        map[string]*counter
	h        counterHeap
	evicted  int
}

// counter is the state of one tracked key.
type counter struct {
	key      string
	count    int
	errBound int
	unacked  int
	first    time.Time
	last     time.Time
	// tokens are the distinct tokens this key hit, at most
	// maxTokensPerSource; tokensFull is set when one more was seen.
	tokens     []string
	tokensFull bool
	// kind and memo describe a deleted token (tracker of deleted tokens).
	kind   string
	memo   string
	nodeID string
	code   string
	index  int
}

func newTracker(capacity int) *tracker {
	return &tracker{capacity: capacity, m: make(map[string]*counter)}
}

// add counts one incident for key and returns its counter.
func (t *tracker) add(key string) *counter {
	if c, ok := t.m[key]; ok {
		c.count++
		heap.Fix(&t.h, c.index)
		return c
	}
	if len(t.m) < t.capacity {
		c := &counter{key: key, count: 1}
		t.m[key] = c
		heap.Push(&t.h, c)
		return c
	}
	// Full: the least-counted key gives up its counter.
	c := t.h[0]
	delete(t.m, c.key)
	t.evicted++
	*c = counter{key: key, count: c.count + 1, errBound: c.count, index: c.index, tokens: c.tokens[:0]}
	t.m[key] = c
	heap.Fix(&t.h, 0)
	return c
}

// exact reports whether every count is exact (no key was ever evicted).
func (t *tracker) exact() bool { return t.evicted == 0 }

// observe records an incident's acknowledgement, time and token on c.
func (c *counter) observe(unacked bool, at time.Time, token string) {
	if unacked {
		c.unacked++
	}
	if !at.IsZero() {
		if c.first.IsZero() || at.Before(c.first) {
			c.first = at
		}
		if at.After(c.last) {
			c.last = at
		}
	}
	if token == "" || c.tokensFull || slices.Contains(c.tokens, token) {
		return
	}
	if len(c.tokens) == maxTokensPerSource {
		c.tokensFull = true
		return
	}
	c.tokens = append(c.tokens, token)
}

// counters returns the tracked counters, in no particular order.
func (t *tracker) counters() []*counter { return t.h }

// counterHeap is a min-heap of counters by count.
type counterHeap []*counter

func (h counterHeap) Len() int           { return len(h) }
func (h counterHeap) Less(i, j int) bool { return h[i].count < h[j].count }
func (h counterHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *counterHeap) Push(x any) {
	c := x.(*counter)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *counterHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
