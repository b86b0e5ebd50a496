package audit

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type bytesBuffer = bytes.Buffer

func TestTrackerExactUnderCapacity(t *testing.T) {
	t.Parallel()
	tr := newTracker(4)
	for i, k := range []string{"a", "b", "a", "c", "a", "b"} {
		tr.add(k).observe(i%2 == 0, now.Add(time.Duration(i)*time.Minute), "tok-"+k)
	}
	assert.True(t, tr.exact())
	got := map[string]int{}
	for _, c := range tr.counters() {
		got[c.key] = c.count
		assert.Zero(t, c.errBound)
	}
	assert.Equal(t, map[string]int{"a": 3, "b": 2, "c": 1}, got)
	a := tr.m["a"]
	assert.Equal(t, 3, a.unacked) // observations 0, 2, 4
	assert.Equal(t, now, a.first)
	assert.Equal(t, now.Add(4*time.Minute), a.last)
	assert.Equal(t, []string{"tok-a"}, a.tokens)
}

func TestTrackerSpaceSavingGuarantee(t *testing.T) {
	t.Parallel()
	// n = 3000 items, capacity 20: every key with more than n/20 = 150
	// occurrences must be tracked, with count-errBound <= true <= count.
	tr := newTracker(20)
	truth := map[string]int{}
	for i := range 3000 {
		var k string
		switch {
		case i%5 == 0:
			k = "heavy-1" // 600
		case i%7 == 0:
			k = "heavy-2" // 343 (multiples of 7 not of 5)
		default:
			k = fmt.Sprintf("rare-%d", i%400)
		}
		truth[k]++
		tr.add(k)
	}
	assert.False(t, tr.exact())
	require.Len(t, tr.m, 20)
	for _, k := range []string{"heavy-1", "heavy-2"} {
		c, ok := tr.m[k]
		require.True(t, ok, k)
		assert.GreaterOrEqual(t, c.count, truth[k], k)
		assert.LessOrEqual(t, c.count-c.errBound, truth[k], k)
	}
	total := 0
	for _, c := range tr.counters() {
		total += c.count
	}
	assert.Equal(t, 3000, total) // Space-Saving keeps the sum of counts equal to n
}

func TestTrackerTokensCapped(t *testing.T) {
	t.Parallel()
	tr := newTracker(1)
	c := tr.add("ip")
	for i := range maxTokensPerSource + 10 {
		c.observe(false, time.Time{}, fmt.Sprintf("t%d", i))
		c.observe(false, time.Time{}, fmt.Sprintf("t%d", i)) // repeats count once
	}
	assert.Len(t, c.tokens, maxTokensPerSource)
	assert.True(t, c.tokensFull)
	assert.True(t, c.first.IsZero())
}
