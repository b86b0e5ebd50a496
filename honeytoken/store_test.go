package honeytoken

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openStores(t *testing.T) map[string]func(t *testing.T) Store {
	return map[string]func(t *testing.T) Store{
		"memory": func(t *testing.T) Store { return NewMemoryStore() },
		"file": func(t *testing.T) Store {
			s, err := OpenFileStore(filepath.Join(t.TempDir(), "tokens.jsonl"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	}
}

func TestStoreContract(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "store")
	for name, open := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := open(t)
			a, _ := g.Generate(SlackBot, Meta{Location: "a", Labels: map[string]string{"team": "sre"}})
			b, _ := g.Generate(NPM, Meta{Location: "b"})
			require.NoError(t, s.Put(ctx, Record{Token: a, Status: StatusActive}))
			require.NoError(t, s.Put(ctx, Record{Token: b, Status: StatusActive}))

			got, err := s.Get(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, a.Value, got.Token.Value)
			got.Token.Meta.Labels["team"] = "changed"
			again, _ := s.Get(ctx, a.ID)
			assert.Equal(t, "sre", again.Token.Meta.Labels["team"], "records are copies")

			_, err = s.Get(ctx, "missing")
			require.ErrorIs(t, err, ErrNotFound)
			require.ErrorIs(t, s.MarkRetired(ctx, "missing", fixedNow), ErrNotFound)

			require.NoError(t, s.MarkRotated(ctx, a.ID, b.ID, fixedNow, fixedNow.Add(time.Hour)))
			got, _ = s.Get(ctx, a.ID)
			assert.Equal(t, StatusRotated, got.Status)
			assert.Equal(t, b.ID, got.ReplacedBy)
			assert.True(t, got.RetireAt.Equal(fixedNow.Add(time.Hour)))
			require.NoError(t, s.MarkRetired(ctx, a.ID, fixedNow.Add(time.Hour)))
			got, _ = s.Get(ctx, a.ID)
			assert.Equal(t, StatusRetired, got.Status)

			list, err := s.List(ctx)
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, a.ID, list[0].Token.ID, "insertion order")

			var ve *ValidationError
			require.ErrorAs(t, s.Put(ctx, Record{Status: StatusActive}), &ve)
			require.ErrorAs(t, s.Put(ctx, Record{Token: a}), &ve)
			require.ErrorAs(t, s.Put(ctx, Record{Token: a, Status: "lost"}), &ve)

			cctx, cancel := context.WithCancel(ctx)
			cancel()
			require.ErrorIs(t, s.Put(cctx, Record{Token: a, Status: StatusActive}), context.Canceled)
		})
	}
}

func TestFileStoreConcurrentWritersThenReopen(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "filestore")
	path := filepath.Join(t.TempDir(), "tokens.jsonl")
	s, err := OpenFileStore(path)
	require.NoError(t, err)
	ctx := context.Background()

	const writers, each = 8, 25
	var wg sync.WaitGroup
	ids := make(chan string, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				tok, err := g.Generate(GitHubClassic, Meta{Location: fmt.Sprintf("w%d/%d", w, i)})
				if !assert.NoError(t, err) {
					return
				}
				assert.NoError(t, s.Put(ctx, Record{Token: tok, Status: StatusActive}))
				if i%5 == 0 {
					assert.NoError(t, s.MarkRetired(ctx, tok.ID, fixedNow))
				}
				ids <- tok.ID
			}
		})
	}
	wg.Wait()
	close(ids)
	require.NoError(t, s.Close())
	require.ErrorIs(t, s.Put(ctx, Record{Token: Token{ID: "x"}, Status: StatusActive}), errClosed)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	re, err := OpenFileStore(path)
	require.NoError(t, err)
	defer re.Close()
	assert.Zero(t, re.Repaired())
	list, err := re.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, writers*each, "nothing lost")
	retiredN := 0
	for id := range ids {
		r, err := re.Get(ctx, id)
		require.NoError(t, err)
		if r.Status == StatusRetired {
			retiredN++
		}
	}
	assert.Equal(t, writers*5, retiredN, "the latest line for an id wins")
}

func TestFileStoreTornLastLine(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "torn")
	ctx := context.Background()
	tests := []struct {
		name     string
		tail     func(full []byte) []byte // what the crash left after the good lines
		wantN    int
		repaired bool
	}{
		{"torn mid-record", func(full []byte) []byte { return full[:len(full)/2] }, 3, true},
		{"newline lost", func(full []byte) []byte { return full[:len(full)-1] }, 4, false},
		{"intact", func(full []byte) []byte { return full }, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "tokens.jsonl")
			s, err := OpenFileStore(path)
			require.NoError(t, err)
			for range 3 {
				tok, _ := g.Generate(NPM, Meta{})
				require.NoError(t, s.Put(ctx, Record{Token: tok, Status: StatusActive}))
			}
			require.NoError(t, s.Close())
			good, _ := os.ReadFile(path)

			// The fourth write, as it would have been appended.
			tok, _ := g.Generate(NPM, Meta{})
			scratch := filepath.Join(t.TempDir(), "one.jsonl")
			one, err := OpenFileStore(scratch)
			require.NoError(t, err)
			require.NoError(t, one.Put(ctx, Record{Token: tok, Status: StatusActive}))
			require.NoError(t, one.Close())
			line, _ := os.ReadFile(scratch)
			require.NoError(t, os.WriteFile(path, append(good, tt.tail(line)...), 0o600))

			re, err := OpenFileStore(path)
			require.NoError(t, err)
			list, _ := re.List(ctx)
			assert.Len(t, list, tt.wantN)
			assert.Equal(t, tt.repaired, re.Repaired() > 0)

			// The store keeps working after the repair, and a reopen sees everything.
			extra, _ := g.Generate(NPM, Meta{})
			require.NoError(t, re.Put(ctx, Record{Token: extra, Status: StatusActive}))
			require.NoError(t, re.Close())
			again, err := OpenFileStore(path)
			require.NoError(t, err)
			defer again.Close()
			list, _ = again.List(ctx)
			assert.Len(t, list, tt.wantN+1)
			assert.Zero(t, again.Repaired())
		})
	}
}

func TestFileStoreCorruptMiddleLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("{\"token\":{\"id\":\"a\"},\"status\":\"active\"}\nnot json\n{}\n"), 0o600))
	_, err := OpenFileStore(path)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 2, ce.Line)
	assert.Contains(t, err.Error(), "delete that line")
}
