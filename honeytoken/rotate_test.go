package honeytoken

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRotateKeepsMetaLinksAndRetiresAfterGrace(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "rotate")
	now := fixedNow
	r := &Rotator{Generator: g, Store: NewMemoryStore(), Grace: 24 * time.Hour, Now: func() time.Time { return now }}
	ctx := context.Background()
	meta := Meta{Location: "infra/.env", Memo: "deploy box", Labels: map[string]string{"team": "sre"}}
	old, err := r.Issue(ctx, AWSAccessKey, meta)
	require.NoError(t, err)

	repl, err := r.Rotate(ctx, old.ID)
	require.NoError(t, err)
	assert.NotEqual(t, old.ID, repl.ID)
	assert.Equal(t, old.Format, repl.Format)
	assert.Equal(t, meta, repl.Meta)

	oldRec, _ := r.Store.Get(ctx, old.ID)
	newRec, _ := r.Store.Get(ctx, repl.ID)
	assert.Equal(t, StatusRotated, oldRec.Status)
	assert.Equal(t, repl.ID, oldRec.ReplacedBy)
	assert.Equal(t, old.ID, newRec.Replaces)
	assert.Equal(t, StatusActive, newRec.Status)

	_, err = r.Rotate(ctx, old.ID)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "a rotated token cannot be rotated again")

	now = now.Add(24*time.Hour - time.Second)
	ids, err := r.RetireDue(ctx)
	require.NoError(t, err)
	assert.Empty(t, ids, "still in its grace period")

	now = now.Add(time.Second)
	ids, err = r.RetireDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{old.ID}, ids)
	oldRec, _ = r.Store.Get(ctx, old.ID)
	assert.Equal(t, StatusRetired, oldRec.Status)
	assert.True(t, oldRec.RetiredAt.Equal(now))

	// Both tokens are still recognised: retirement is bookkeeping, not forgetting.
	_, ok := g.Recognize(old.Secret)
	assert.True(t, ok)
}

func TestRotateWithoutGraceRetiresAtOnce(t *testing.T) {
	t.Parallel()
	r := &Rotator{Generator: newTestGenerator(t, "rotate-now"), Store: NewMemoryStore(), Now: func() time.Time { return fixedNow }}
	ctx := context.Background()
	old, err := r.Issue(ctx, NPM, Meta{})
	require.NoError(t, err)
	_, err = r.Rotate(ctx, old.ID)
	require.NoError(t, err)
	rec, _ := r.Store.Get(ctx, old.ID)
	assert.Equal(t, StatusRetired, rec.Status)
}

func TestRotatorErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := newTestGenerator(t, "rotate-errors")
	tests := []struct {
		name string
		r    *Rotator
		want string
	}{
		{"no generator", &Rotator{Store: NewMemoryStore()}, "Generator"},
		{"no store", &Rotator{Generator: g}, "Store"},
		{"negative grace", &Rotator{Generator: g, Store: NewMemoryStore(), Grace: -1}, "Grace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.r.Rotate(ctx, "x")
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := (&Rotator{Generator: g, Store: NewMemoryStore()}).Rotate(ctx, "missing")
	require.ErrorIs(t, err, ErrNotFound)
	require.Error(t, (&Rotator{Generator: g, Store: NewMemoryStore()}).Run(ctx, 0))
}

// Run retires on schedule; synctest's fake clock makes the day pass instantly.
func TestRotatorRunRetiresOnSchedule(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		g, err := NewGenerator(testKey("rotate-run"))
		require.NoError(t, err)
		r := &Rotator{Generator: g, Store: NewMemoryStore(), Grace: 2 * time.Hour}
		ctx, cancel := context.WithCancel(context.Background())
		old, err := r.Issue(ctx, SlackBot, Meta{})
		require.NoError(t, err)
		_, err = r.Rotate(ctx, old.ID)
		require.NoError(t, err)

		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, 30*time.Minute) }()

		time.Sleep(90 * time.Minute)
		synctest.Wait()
		rec, _ := r.Store.Get(ctx, old.ID)
		assert.Equal(t, StatusRotated, rec.Status, "90 minutes in")

		time.Sleep(31 * time.Minute)
		synctest.Wait()
		rec, _ = r.Store.Get(ctx, old.ID)
		assert.Equal(t, StatusRetired, rec.Status, "after the 2h grace and the next tick")

		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})
}

// repeatReader yields each block of 16 bytes from blocks in turn, forever.
type repeatReader struct {
	blocks [][16]byte
	n      int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		b := r.blocks[(r.n/16)%len(r.blocks)]
		p[i] = b[r.n%16]
		r.n++
	}
	return len(p), nil
}

// Issue never lets a new token replace the record of an existing one, even when the
// generator produces an id that is already stored.
func TestIssueRegeneratesOnIDCollision(t *testing.T) {
	t.Parallel()
	// Two random-looking blocks that each pass the quality gates on the first try.
	a, b := [16]byte(testKey("block a")[:16]), [16]byte(testKey("block b")[:16])
	rnd := &repeatReader{blocks: [][16]byte{a, a, b}}
	g := newTestGenerator(t, "collide", WithRandom(rnd))
	r := &Rotator{Generator: g, Store: NewMemoryStore(), Now: func() time.Time { return fixedNow }}
	ctx := context.Background()
	first, err := r.Issue(ctx, AWSAccessKey, Meta{Location: "first"})
	require.NoError(t, err)
	second, err := r.Issue(ctx, AWSAccessKey, Meta{Location: "second"})
	require.NoError(t, err)
	require.NotEqual(t, first.ID, second.ID)
	rec, err := r.Store.Get(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, "first", rec.Token.Meta.Location, "the first record was not replaced")

	// A source that only ever repeats itself is reported, not looped on forever.
	stuck := newTestGenerator(t, "collide", WithRandom(&repeatReader{blocks: [][16]byte{a}}))
	r.Generator = stuck
	_, err = r.Issue(ctx, AWSAccessKey, Meta{})
	require.ErrorIs(t, err, ErrRandom)
}
