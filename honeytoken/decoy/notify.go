package decoy

import (
	"context"
	"time"
)

// Alert is what notifiers deliver. The first hit of a token from an address
// is an alert of its own (Count 1, FollowUpOf empty), delivered at once; the
// later hits of the same token from the same address inside the
// Dispatcher's Window are folded into one follow-up alert, delivered when
// the window ends, whose FollowUpOf is the first alert's ID and whose Count
// is how many later hits it stands for.
type Alert struct {
	// ID identifies the alert; webhooks send it as the Idempotency-Key header so
	// a receiver can drop a retried delivery it already accepted.
	ID string `json:"id"`
	// Hit is the first hit the alert stands for.
	Hit Hit `json:"hit"`
	// Count is the number of hits of the same token from the same address the
	// alert stands for (1 or more).
	Count int `json:"count"`
	// FollowUpOf, on a follow-up alert, is the ID of the alert that reported
	// the window's first hit; it is empty on a first alert.
	FollowUpOf string `json:"follow_up_of,omitempty"`
	// FirstSeen is when the Dispatcher recorded the first of them (Hit.Time
	// is the first request's own time).
	FirstSeen time.Time `json:"first_seen"`
	// LastSeen is when the Dispatcher recorded the last of them.
	LastSeen time.Time `json:"last_seen"`
}

// Notifier delivers an alert somewhere. The Dispatcher calls Notify from its
// worker goroutines (concurrently for different alerts) and retries it with
// backoff when it returns an error, unless the error is marked Permanent.
// Notify should honour ctx.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}

// NotifierFunc adapts a function to a Notifier.
type NotifierFunc func(ctx context.Context, a Alert) error

// Notify calls f(ctx, a).
func (f NotifierFunc) Notify(ctx context.Context, a Alert) error { return f(ctx, a) }
