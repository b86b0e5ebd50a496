package honeytoken

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Rotator replaces tokens and retires the old ones after a grace period, during
// which both still alert (an attacker may hold the old one).
type Rotator struct {
	// Generator issues the replacements.
	Generator *Generator
	// Store records tokens and their links.
	Store Store
	// Grace is how long a rotated token stays in place before it is retired; 0
	// retires it at once.
	Grace time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (r *Rotator) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Rotator) check() error {
	if r.Generator == nil {
		return &ValidationError{Field: "Rotator.Generator", Reason: "is nil; set it to the generator that issues replacements"}
	}
	if r.Store == nil {
		return &ValidationError{Field: "Rotator.Store", Reason: "is nil; use NewMemoryStore or OpenFileStore"}
	}
	if r.Grace < 0 {
		return &ValidationError{Field: "Rotator.Grace", Reason: "is negative"}
	}
	return nil
}

// Issue generates a token and records it as active.
func (r *Rotator) Issue(ctx context.Context, f Format, meta Meta) (Token, error) {
	if err := r.check(); err != nil {
		return Token{}, err
	}
	tok, err := r.fresh(ctx, f, meta)
	if err != nil {
		return Token{}, err
	}
	if err := r.Store.Put(ctx, Record{Token: tok, Status: StatusActive}); err != nil {
		return Token{}, err
	}
	return tok, nil
}

// maxIDRetries bounds re-generation when a new ID is already in the store. Only
// AWS ids (39 free bits) collide in practice: about n²/2^40 for n AWS tokens.
const maxIDRetries = 8

// fresh generates a token whose ID the store does not hold yet, so that Put never
// replaces the record of another token.
func (r *Rotator) fresh(ctx context.Context, f Format, meta Meta) (Token, error) {
	for range maxIDRetries {
		tok, err := r.Generator.Generate(f, meta)
		if err != nil {
			return Token{}, err
		}
		_, err = r.Store.Get(ctx, tok.ID)
		if errors.Is(err, ErrNotFound) {
			return tok, nil
		}
		if err != nil {
			return Token{}, err
		}
	}
	return Token{}, fmt.Errorf("%w: every generated id was already in the store (%d attempts)", ErrRandom, maxIDRetries)
}

// Rotate issues a replacement for the active token id with the same format and
// meta, records the link both ways, and schedules the old token's retirement at
// now + Grace (at once when Grace is 0). It returns the replacement.
func (r *Rotator) Rotate(ctx context.Context, id string) (Token, error) {
	if err := r.check(); err != nil {
		return Token{}, err
	}
	old, err := r.Store.Get(ctx, id)
	if err != nil {
		return Token{}, err
	}
	if old.Status != StatusActive {
		return Token{}, &ValidationError{Field: "id",
			Reason: fmt.Sprintf("token %s is %s (replaced by %q); rotate the active token instead", id, old.Status, old.ReplacedBy)}
	}
	tok, err := r.fresh(ctx, old.Token.Format, old.Token.Meta)
	if err != nil {
		return Token{}, err
	}
	now := r.now()
	if err := r.Store.Put(ctx, Record{Token: tok, Status: StatusActive, Replaces: id}); err != nil {
		return Token{}, err
	}
	if err := r.Store.MarkRotated(ctx, id, tok.ID, now, now.Add(r.Grace)); err != nil {
		return Token{}, err
	}
	if r.Grace == 0 {
		if err := r.Store.MarkRetired(ctx, id, now); err != nil {
			return Token{}, err
		}
	}
	return tok, nil
}

// RetireDue retires every rotated token whose grace period has ended and returns
// their IDs.
func (r *Rotator) RetireDue(ctx context.Context) ([]string, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	recs, err := r.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	var ids []string
	for _, rec := range recs {
		if rec.Status == StatusRotated && !rec.RetireAt.After(now) {
			if err := r.Store.MarkRetired(ctx, rec.Token.ID, now); err != nil {
				return ids, err
			}
			ids = append(ids, rec.Token.ID)
		}
	}
	return ids, nil
}

// Run calls RetireDue every interval until ctx is done, and returns ctx's error
// (or the first RetireDue error).
func (r *Rotator) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return &ValidationError{Field: "interval", Reason: "must be positive, e.g. time.Minute"}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if _, err := r.RetireDue(ctx); err != nil {
				return err
			}
		}
	}
}
