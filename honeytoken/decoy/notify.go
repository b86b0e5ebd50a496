package decoy

import (
	"context"
	"time"
)

// Alert is what notifiers deliver: the first hit of a (token, source) window
// and how many hits the window saw.
type Alert struct {
	// ID identifies the alert; webhooks send it as the Idempotency-Key header so
	// a receiver can drop a retried delivery it already accepted.
	ID string `json:"id"`
	// Hit is the first hit of the window.
	Hit Hit `json:"hit"`
	// Count is the number of hits of the same token from the same address the
	// alert stands for (1 or more).
	Count int `json:"count"`
	// FirstSeen is when the Dispatcher recorded the first of them (the window
	// is [FirstSeen, FirstSeen+Window); Hit.Time is the first request's own
	// time).
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
