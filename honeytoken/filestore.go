package honeytoken

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
)

// FileStore is a [Store] kept in a JSON Lines file: every change appends one line
// holding the record's new state, written with a single append and synced before
// the call returns, and the latest line for an ID wins. Opening the file replays
// it; a last line torn by a crash is dropped (it was never acknowledged). A
// FileStore is safe for concurrent use. It holds an exclusive lock on its file
// (flock on Unix, LockFileEx on Windows) until Close, so a second FileStore on
// the same file, in this process or another, fails to open with
// ErrStoreLocked instead of interleaving its writes.
type FileStore struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	rs     records
	torn   int64
	closed bool
}

// CorruptError reports a line other than the last that is not a record.
type CorruptError struct {
	// Path is the store file.
	Path string
	// Line is the 1-based number of the bad line.
	Line int
	// Err is the decoding or validation error.
	Err error
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("honeytoken: store %s: line %d is not a record (%v); restore the file from a backup or delete that line", e.Path, e.Line, e.Err)
}

// Unwrap returns the decoding error.
func (e *CorruptError) Unwrap() error { return e.Err }

// OpenFileStore opens (creating with mode 0600 if needed) the store file at path
// and loads it.
func OpenFileStore(path string) (*FileStore, error) {
	if path == "" {
		return nil, &ValidationError{Field: "path", Reason: "give the path of the store file"}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("honeytoken: open store: %w", err)
	}
	if err := lockFile(f); err != nil {
		_ = f.Close()
		if errors.Is(err, ErrStoreLocked) {
			return nil, fmt.Errorf("honeytoken: open store %s: %w", path, err)
		}
		return nil, fmt.Errorf("honeytoken: lock store %s: %w", path, err)
	}
	s := &FileStore{f: f, path: path, rs: newRecords()}
	if err := s.load(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return s, nil
}

func (s *FileStore) load() error {
	data, err := io.ReadAll(s.f)
	if err != nil {
		return fmt.Errorf("honeytoken: read store %s: %w", s.path, err)
	}
	line := 0
	for off := 0; off < len(data); {
		line++
		nl := bytes.IndexByte(data[off:], '\n')
		last := nl < 0
		end := len(data)
		if !last {
			end = off + nl
		}
		var r Record
		err := json.Unmarshal(data[off:end], &r)
		if err == nil {
			err = validateRecord(r)
		}
		switch {
		case err == nil && last:
			// Complete record whose newline was lost: keep it, end the line.
			if _, werr := s.f.Write([]byte{'\n'}); werr != nil {
				return fmt.Errorf("honeytoken: repair store %s: %w", s.path, werr)
			}
			s.rs.put(r)
		case err == nil:
			s.rs.put(r)
		case last:
			// A write torn by a crash: it never returned, so nothing is lost.
			if terr := s.f.Truncate(int64(off)); terr != nil {
				return fmt.Errorf("honeytoken: repair store %s: %w", s.path, terr)
			}
			s.torn = int64(end - off)
		case len(bytes.TrimSpace(data[off:end])) == 0:
			// blank line
		default:
			return &CorruptError{Path: s.path, Line: line, Err: err}
		}
		off = end + 1
	}
	return nil
}

// Repaired reports how many bytes of a torn last line were dropped when the
// store was opened (0 if the file was intact).
func (s *FileStore) Repaired() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.torn
}

// Close closes the file. Further calls fail.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.f.Close()
}

var errClosed = errors.New("honeytoken: store is closed")

// appendLocked writes r as one line and syncs; the caller holds s.mu.
func (s *FileStore) appendLocked(r Record) error {
	if s.closed {
		return errClosed
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("honeytoken: encode record: %w", err)
	}
	b = append(b, '\n')
	if _, err := s.f.Write(b); err != nil {
		return fmt.Errorf("honeytoken: append to store %s: %w", s.path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("honeytoken: sync store %s: %w", s.path, err)
	}
	s.rs.put(cloneRecord(r))
	return nil
}

// Put implements [Store].
func (s *FileStore) Put(ctx context.Context, r Record) error {
	if err := validateRecord(r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(r)
}

// Get implements [Store].
func (s *FileStore) Get(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rs.get(id)
	if !ok {
		return Record{}, notFound(id)
	}
	return cloneRecord(r), nil
}

// List implements [Store].
func (s *FileStore) List(ctx context.Context) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.rs.order)
	for i := range out {
		out[i] = cloneRecord(out[i])
	}
	return out, nil
}

// MarkRotated implements [Store].
func (s *FileStore) MarkRotated(ctx context.Context, id, replacementID string, at, retireAt time.Time) error {
	return s.update(ctx, id, func(r Record) Record { return rotated(r, replacementID, at, retireAt) })
}

// MarkRetired implements [Store].
func (s *FileStore) MarkRetired(ctx context.Context, id string, at time.Time) error {
	return s.update(ctx, id, func(r Record) Record { return retired(r, at) })
}

func (s *FileStore) update(ctx context.Context, id string, f func(Record) Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rs.get(id)
	if !ok {
		return notFound(id)
	}
	return s.appendLocked(f(r))
}
