package decoy

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decoykit/decoykit/internal/rest"
)

// Dispatcher defaults: what a zero field of DispatcherConfig means.
const (
	// DefaultQueueSize is DispatcherConfig.QueueSize's default.
	DefaultQueueSize = 1024
	// DefaultWindow is DispatcherConfig.Window's default.
	DefaultWindow = 10 * time.Second
	// DefaultWorkers is DispatcherConfig.Workers' default.
	DefaultWorkers = 4
	// DefaultMaxAttempts is DispatcherConfig.MaxAttempts' default.
	DefaultMaxAttempts = 8
	// DefaultMinBackoff is DispatcherConfig.MinBackoff's default.
	DefaultMinBackoff = 200 * time.Millisecond
	// DefaultMaxBackoff is DispatcherConfig.MaxBackoff's default.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultAttemptTimeout is DispatcherConfig.AttemptTimeout's default.
	DefaultAttemptTimeout = 10 * time.Second
)

// DispatcherConfig configures a Dispatcher. Zero fields take the defaults.
type DispatcherConfig struct {
	// QueueSize bounds the alerts held at once: alerts waiting for a worker,
	// alerts being delivered, and one place per open window for its
	// follow-up (default 1024). A hit that would need a new alert when the
	// queue is full is dropped, counted in Stats.Dropped and logged.
	QueueSize int
	// Window is the de-duplication window (default 10s). The first hit of a
	// token from an address is delivered at once as its own alert and opens
	// a window; later hits of the same token from the same address inside
	// the window are folded into one follow-up alert (Alert.FollowUpOf names
	// the first alert, Alert.Count says how many hits it stands for),
	// delivered when the window ends. A window with no later hit ends
	// silently. A negative Window turns de-duplication off: every hit is
	// delivered at once as its own alert.
	Window time.Duration
	// Workers is the number of alerts delivered concurrently (default 4).
	Workers int
	// MaxAttempts is how many times one notifier is tried for one alert
	// (default 8).
	MaxAttempts int
	// MinBackoff is the shortest jittered exponential wait between attempts
	// (default 200ms).
	MinBackoff time.Duration
	// MaxBackoff is the longest wait between attempts (default 30s; never
	// below MinBackoff).
	MaxBackoff time.Duration
	// AttemptTimeout bounds one Notify call (default 10s).
	AttemptTimeout time.Duration
	// Logger receives drops, failed deliveries and retries (default:
	// slog.Default(), read when NewDispatcher is called). A dropped hit or an
	// alert that could not be delivered is always logged here at Error, so
	// that no hit is lost without a trace; retries are logged at Debug. To
	// silence it, pass slog.New(slog.DiscardHandler).
	Logger *slog.Logger
	// Geo, if set, fills Alert.Hit.Geo once per alert, off the request path.
	Geo GeoLocator
}

func (c *DispatcherConfig) validate(notifiers []Notifier) error {
	if len(notifiers) == 0 {
		return &ValidationError{"notifiers", "at least one notifier is required (e.g. decoy.LogNotifier(logger))"}
	}
	for i, n := range notifiers {
		if n == nil {
			return &ValidationError{fmt.Sprintf("notifiers[%d]", i), "is nil"}
		}
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"QueueSize", int64(c.QueueSize)}, {"Workers", int64(c.Workers)}, {"MaxAttempts", int64(c.MaxAttempts)},
		{"MinBackoff", int64(c.MinBackoff)}, {"MaxBackoff", int64(c.MaxBackoff)}, {"AttemptTimeout", int64(c.AttemptTimeout)},
	} {
		if f.v < 0 {
			return &ValidationError{f.name, "must not be negative (0 means the default)"}
		}
	}
	return nil
}

func (c *DispatcherConfig) defaults() {
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	c.MaxBackoff = max(c.MaxBackoff, c.MinBackoff)
	if c.AttemptTimeout == 0 {
		c.AttemptTimeout = DefaultAttemptTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// GeoLocator looks up where an address is. decoy ships none and makes no
// network lookups itself; plug in a local database (e.g. MaxMind) here. The
// Dispatcher calls it once per alert, off the request path.
type GeoLocator interface {
	Locate(ctx context.Context, ip netip.Addr) (Geo, error)
}

// Stats counts what a Dispatcher did. Deliveries count (alert, notifier)
// pairs.
type Stats struct {
	Hits      uint64 `json:"hits"`      // hits recorded (accepted or dropped)
	Merged    uint64 `json:"merged"`    // hits folded into a follow-up alert by de-duplication
	Alerts    uint64 `json:"alerts"`    // alerts created: first alerts and follow-ups
	Delivered uint64 `json:"delivered"` // deliveries that succeeded
	Retries   uint64 `json:"retries"`   // failed attempts that were tried again
	Failed    uint64 `json:"failed"`    // deliveries given up (attempts used up, a permanent error, or cut short by Close or Shutdown's ctx)
	Dropped   uint64 `json:"dropped"`   // hits refused (queue full, dispatcher closed) or discarded undelivered by Close
	Pending   int    `json:"pending"`   // places held in the queue now: alerts waiting or being delivered, and open windows
}

// Dispatcher is a Recorder that delivers hits to notifiers asynchronously. It
// is safe for concurrent use; Record never blocks on a notifier.
type Dispatcher struct {
	cfg       DispatcherConfig
	notifiers []Notifier

	mu      sync.Mutex
	open    map[windowKey]*window
	order   []*window // open windows in deadline order (the window length is fixed)
	pending int
	closed  bool

	ready   chan *Alert
	wake    chan struct{}
	closing chan struct{}   // closed by the first Close or Shutdown: no new hits, flush every window
	ctx     context.Context // cancelled when delivery must stop (Close, or Shutdown's ctx ended)
	cancel  context.CancelFunc
	stopped atomic.Bool // set with cancel: queued alerts are dropped, not delivered
	done    chan struct{}
	workers sync.WaitGroup

	hits, merged, alerts, delivered, retries, failed, dropped atomic.Uint64
}

type windowKey struct {
	token string
	ip    netip.Addr
}

// window is an open de-duplication window. Its first alert has been sent;
// it holds one place in the queue for its follow-up, created by the second
// hit of the window.
type window struct {
	key      windowKey
	first    string // the first alert's ID
	follow   *Alert // nil until a second hit
	deadline time.Time
}

// NewDispatcher starts a dispatcher delivering to notifiers. Call Shutdown to
// flush open windows, deliver what is queued and stop its goroutines, or Close
// to stop at once.
func NewDispatcher(cfg DispatcherConfig, notifiers ...Notifier) (*Dispatcher, error) {
	if err := cfg.validate(notifiers); err != nil {
		return nil, err
	}
	cfg.defaults()
	d := &Dispatcher{
		cfg:       cfg,
		notifiers: append([]Notifier(nil), notifiers...),
		open:      map[windowKey]*window{},
		ready:     make(chan *Alert, cfg.QueueSize),
		wake:      make(chan struct{}, 1),
		closing:   make(chan struct{}),
		done:      make(chan struct{}),
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.workers.Add(cfg.Workers + 1) // the workers and the flusher
	for range cfg.Workers {
		go d.worker()
	}
	go d.flusher()
	return d, nil
}

// Record queues h without blocking. The first hit of a token from an address
// is queued for delivery at once as a new alert; a later hit inside its
// window is folded into the window's follow-up alert. When the queue is full
// or the dispatcher is closed, the hit is dropped: counted in Stats.Dropped
// and logged at Error with its details.
func (d *Dispatcher) Record(h Hit) {
	d.hits.Add(1)
	key := windowKey{h.TokenID, h.RemoteIP}
	d.mu.Lock()
	now := time.Now() // read under the lock: window times are monotonic per dispatcher
	if d.closed {
		d.mu.Unlock()
		d.drop(h, "dispatcher closed")
		return
	}
	if w := d.open[key]; w != nil && now.Before(w.deadline) {
		if w.follow == nil {
			// The window's reserved place in the queue becomes the follow-up.
			w.follow = &Alert{ID: newID(), Hit: h, Count: 1, FirstSeen: now, LastSeen: now, FollowUpOf: w.first}
			d.alerts.Add(1)
		} else {
			w.follow.Count++
			w.follow.LastSeen = now
		}
		d.mu.Unlock()
		d.merged.Add(1)
		return
	}
	if d.pending >= d.cfg.QueueSize {
		d.mu.Unlock()
		d.drop(h, "queue full")
		return
	}
	d.pending++
	a := &Alert{ID: newID(), Hit: h, Count: 1, FirstSeen: now, LastSeen: now}
	d.alerts.Add(1)
	d.ready <- a // cannot block: len(ready) <= pending <= QueueSize = cap(ready)
	// A window needs a second place, for its follow-up. Without one (the
	// queue is nearly full, or de-duplication is off) the next hit is
	// alerted on its own.
	if d.cfg.Window < 0 || d.pending >= d.cfg.QueueSize {
		d.mu.Unlock()
		return
	}
	d.pending++
	w := &window{key: key, first: a.ID, deadline: now.Add(d.cfg.Window)}
	d.open[key] = w // an expired window for key stays in order until the flusher ends it
	d.order = append(d.order, w)
	first := len(d.order) == 1
	d.mu.Unlock()
	if first {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

func (d *Dispatcher) drop(h Hit, reason string) {
	d.dropped.Add(1)
	attrs := append([]slog.Attr{slog.String("reason", reason)}, hitAttrs(h)...)
	d.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, "decoy: hit dropped", attrs...)
}

// discard drops a queued alert when the dispatcher is stopped: each of its
// hits counts as dropped, and the alert is logged at Error.
func (d *Dispatcher) discard(a *Alert) {
	d.dropped.Add(uint64(a.Count))
	attrs := append([]slog.Attr{slog.String("reason", "dispatcher stopped"), slog.String("alert_id", a.ID),
		slog.Int("count", a.Count)}, hitAttrs(a.Hit)...)
	d.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, "decoy: alert dropped", attrs...)
}

// flusher ends windows: it moves the follow-up of each window that has ended
// to the workers, or frees the window's place when it has none.
func (d *Dispatcher) flusher() {
	defer d.workers.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	closing := d.closing
	for {
		d.mu.Lock()
		now := time.Now()
		all := closing == nil
		n := 0
		for _, w := range d.order {
			if !all && now.Before(w.deadline) {
				break
			}
			if d.open[w.key] == w {
				delete(d.open, w.key)
			}
			if w.follow != nil {
				d.ready <- w.follow // cannot block, as in Record
			} else {
				d.pending--
			}
			n++
		}
		clear(d.order[:n])
		d.order = d.order[n:]
		var next time.Duration = -1
		if len(d.order) > 0 {
			next = d.order[0].deadline.Sub(now)
		}
		d.mu.Unlock()
		if all {
			close(d.ready)
			return
		}
		if next >= 0 {
			timer.Reset(next)
		}
		select {
		case <-timer.C:
		case <-d.wake:
			timer.Stop()
		case <-closing:
			timer.Stop()
			closing = nil
		}
	}
}

func (d *Dispatcher) worker() {
	defer d.workers.Done()
	for a := range d.ready {
		if d.stopped.Load() {
			d.discard(a)
		} else {
			d.deliver(a)
		}
		d.mu.Lock()
		d.pending--
		d.mu.Unlock()
	}
}

// deliver sends a to every notifier concurrently, each with its own retries.
func (d *Dispatcher) deliver(a *Alert) {
	ctx := d.ctx
	if d.cfg.Geo != nil && a.Hit.RemoteIP.IsValid() {
		actx, acancel := context.WithTimeout(ctx, d.cfg.AttemptTimeout)
		g, err := d.cfg.Geo.Locate(actx, a.Hit.RemoteIP)
		acancel()
		if err == nil {
			a.Hit.Geo = &g
		} else {
			d.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "decoy: geolocation failed", slog.String("error", Sanitize(err.Error(), 0)))
		}
	}
	if len(d.notifiers) == 1 {
		d.deliverTo(ctx, d.notifiers[0], a)
		return
	}
	var wg sync.WaitGroup
	for _, n := range d.notifiers {
		wg.Go(func() { d.deliverTo(ctx, n, a) })
	}
	wg.Wait()
}

func (d *Dispatcher) deliverTo(ctx context.Context, n Notifier, a *Alert) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, d.cfg.AttemptTimeout)
		err := n.Notify(actx, *a)
		cancel()
		if err == nil {
			d.delivered.Add(1)
			return
		}
		reason := ""
		switch {
		case ctx.Err() != nil:
			reason = "dispatcher closed before delivery"
		case IsPermanent(err):
			reason = "permanent error"
		case attempt >= d.cfg.MaxAttempts:
			reason = "attempts used up"
		}
		if reason != "" {
			d.failed.Add(1)
			attrs := append([]slog.Attr{slog.String("alert_id", a.ID), slog.Int("count", a.Count),
				slog.String("notifier", notifierName(n)), slog.Int("attempts", attempt), slog.String("reason", reason),
				slog.String("error", Sanitize(err.Error(), 0))}, hitAttrs(a.Hit)...)
			d.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, "decoy: alert not delivered", attrs...)
			return
		}
		d.retries.Add(1)
		wait := rest.Backoff(d.cfg.MinBackoff, d.cfg.MaxBackoff, attempt)
		d.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "decoy: retrying alert", slog.String("alert_id", a.ID),
			slog.String("notifier", notifierName(n)), slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("error", Sanitize(err.Error(), 0)))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}

// notifierName names a notifier for logs.
func notifierName(n Notifier) string {
	if s, ok := n.(interface{ Name() string }); ok {
		return s.Name()
	}
	return fmt.Sprintf("%T", n)
}

// Stats returns the counters.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	p := d.pending
	d.mu.Unlock()
	return Stats{Hits: d.hits.Load(), Merged: d.merged.Load(), Alerts: d.alerts.Load(), Delivered: d.delivered.Load(),
		Retries: d.retries.Load(), Failed: d.failed.Load(), Dropped: d.dropped.Load(), Pending: p}
}

// String returns Stats as a JSON object, so that a Dispatcher is an
// expvar.Var: expvar.Publish("decoy", d) serves its counters (hits, merged,
// alerts, delivered, retries, failed, dropped, pending) at /debug/vars. decoy
// does not import expvar itself, because importing expvar registers
// /debug/vars on http.DefaultServeMux: publishing is the caller's choice.
func (d *Dispatcher) String() string {
	b, err := json.Marshal(d.Stats())
	if err != nil { // cannot happen: Stats holds only numbers
		return "{}"
	}
	return string(b)
}

// Shutdown stops the dispatcher gracefully, like http.Server.Shutdown: it
// stops accepting hits, ends every open window at once and waits until every
// queued alert is delivered (or has failed) and the dispatcher's goroutines
// have exited. If ctx ends first, Shutdown stops as Close does (retries stop,
// in-flight Notify calls are cancelled and counted as failed, alerts not yet
// handed to a notifier are dropped; each is logged) and returns ctx's error.
// A Notifier must return promptly once its ctx is cancelled: Shutdown waits
// for in-flight calls. Calling Shutdown again, or after Close, waits for the
// same end.
func (d *Dispatcher) Shutdown(ctx context.Context) error {
	d.begin()
	select {
	case <-d.done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.stop()
		<-d.done
		return fmt.Errorf("decoy: dispatcher shut down before every alert was delivered: %w", ctx.Err())
	}
}

// Close stops the dispatcher now, like http.Server.Close: it stops accepting
// hits, cancels in-flight Notify calls (counted as failed) and drops every
// alert not yet handed to a notifier, open windows included (their hits are
// counted in Stats.Dropped; each is logged at Error). It returns once the
// dispatcher's goroutines have exited, and always returns nil; Stats tells
// what was lost. Use Shutdown to deliver what is queued first. Close is
// idempotent and may be called during a Shutdown, which it cuts short.
func (d *Dispatcher) Close() error {
	d.begin()
	d.stop()
	<-d.done
	return nil
}

// begin refuses new hits and, the first time, tells the flusher to hand every
// open window to the workers and starts the goroutine that closes done.
func (d *Dispatcher) begin() {
	d.mu.Lock()
	first := !d.closed
	d.closed = true
	d.mu.Unlock()
	if first {
		close(d.closing)
		go func() {
			d.workers.Wait()
			close(d.done)
		}()
	}
}

// stop makes the workers drop what is queued and cancels deliveries.
func (d *Dispatcher) stop() {
	d.stopped.Store(true)
	d.cancel()
}
