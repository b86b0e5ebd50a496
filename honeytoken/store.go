package honeytoken

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// Status is the lifecycle state of an issued token.
type Status string

// Token states.
const (
	// StatusActive is a token in place.
	StatusActive Status = "active"
	// StatusRotated is a token that has a replacement and will be retired when its
	// grace period ends; it still alerts.
	StatusRotated Status = "rotated"
	// StatusRetired is a token taken out of service.
	StatusRetired Status = "retired"
)

// Record is what a [Store] keeps about one issued token.
type Record struct {
	// Token is the issued token, with its meta.
	Token Token `json:"token"`
	// Status is where the token is in its lifecycle.
	Status Status `json:"status"`
	// Replaces is the ID of the token this one replaced, if any.
	Replaces string `json:"replaces,omitempty"`
	// ReplacedBy is the ID of the replacement, once rotated.
	ReplacedBy string `json:"replaced_by,omitempty"`
	// RotatedAt is when a replacement was issued.
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	// RetireAt is when a rotated token is due to be retired.
	RetireAt time.Time `json:"retire_at,omitzero"`
	// RetiredAt is when the token was retired.
	RetiredAt time.Time `json:"retired_at,omitzero"`
}

// Store is a registry of issued tokens. Implementations are safe for concurrent
// use; [NewMemoryStore] and [OpenFileStore] are provided.
type Store interface {
	// Put adds r, or replaces the record with the same Token.ID.
	Put(ctx context.Context, r Record) error
	// Get returns the record for id, or an error matching [ErrNotFound].
	Get(ctx context.Context, id string) (Record, error)
	// List returns every record, in the order they were first put.
	List(ctx context.Context) ([]Record, error)
	// MarkRotated records that id was replaced by replacementID at a time, and is to
	// be retired at retireAt.
	MarkRotated(ctx context.Context, id, replacementID string, at, retireAt time.Time) error
	// MarkRetired records that id was retired at a time.
	MarkRetired(ctx context.Context, id string, at time.Time) error
}

func notFound(id string) error { return fmt.Errorf("%w: %q", ErrNotFound, id) }

func validateRecord(r Record) error {
	if r.Token.ID == "" {
		return &ValidationError{Field: "Record.Token.ID", Reason: "is empty; store tokens returned by Generator.Generate"}
	}
	switch r.Status {
	case StatusActive, StatusRotated, StatusRetired:
	case "":
		return &ValidationError{Field: "Record.Status", Reason: "is empty; use StatusActive for a new token"}
	default:
		return &ValidationError{Field: "Record.Status", Reason: fmt.Sprintf("unknown status %q", r.Status)}
	}
	return nil
}

func cloneRecord(r Record) Record {
	r.Token.Meta.Labels = maps.Clone(r.Token.Meta.Labels)
	return r
}

// records is the in-memory index shared by both stores.
type records struct {
	byID  map[string]int
	order []Record
}

func newRecords() records { return records{byID: map[string]int{}} }

func (rs *records) put(r Record) {
	if i, ok := rs.byID[r.Token.ID]; ok {
		rs.order[i] = r
		return
	}
	rs.byID[r.Token.ID] = len(rs.order)
	rs.order = append(rs.order, r)
}

func (rs *records) get(id string) (Record, bool) {
	i, ok := rs.byID[id]
	if !ok {
		return Record{}, false
	}
	return rs.order[i], true
}

func rotated(r Record, replacementID string, at, retireAt time.Time) Record {
	r.Status, r.ReplacedBy, r.RotatedAt, r.RetireAt = StatusRotated, replacementID, at, retireAt
	return r
}

func retired(r Record, at time.Time) Record {
	r.Status, r.RetiredAt = StatusRetired, at
	return r
}

// MemoryStore is a [Store] held in memory.
type MemoryStore struct {
	mu sync.RWMutex
	rs records
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{rs: newRecords()} }

// Put implements [Store].
func (m *MemoryStore) Put(ctx context.Context, r Record) error {
	if err := validateRecord(r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rs.put(cloneRecord(r))
	return nil
}

// Get implements [Store].
func (m *MemoryStore) Get(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.rs.get(id)
	if !ok {
		return Record{}, notFound(id)
	}
	return cloneRecord(r), nil
}

// List implements [Store].
func (m *MemoryStore) List(ctx context.Context) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := slices.Clone(m.rs.order)
	for i := range out {
		out[i] = cloneRecord(out[i])
	}
	return out, nil
}

// MarkRotated implements [Store].
func (m *MemoryStore) MarkRotated(ctx context.Context, id, replacementID string, at, retireAt time.Time) error {
	return m.update(ctx, id, func(r Record) Record { return rotated(r, replacementID, at, retireAt) })
}

// MarkRetired implements [Store].
func (m *MemoryStore) MarkRetired(ctx context.Context, id string, at time.Time) error {
	return m.update(ctx, id, func(r Record) Record { return retired(r, at) })
}

func (m *MemoryStore) update(ctx context.Context, id string, f func(Record) Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rs.get(id)
	if !ok {
		return notFound(id)
	}
	m.rs.put(f(r))
	return nil
}
