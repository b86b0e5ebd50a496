package decoy

import "errors"

// ValidationError reports an invalid argument to a constructor (NewDispatcher,
// NewWebhook, ...) or an option, before anything runs.
type ValidationError struct {
	Field  string // the argument, field or option, e.g. "notifiers", "url", "option WithClock"
	Reason string // what is wrong and what to do
}

// Error returns e.g. "decoy: url: must be https".
func (e *ValidationError) Error() string { return "decoy: " + e.Field + ": " + e.Reason }

// Permanent marks err as not worth retrying (e.g. the receiver answered 400
// or 404): the Dispatcher gives up on that notifier for that alert at once and
// logs it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
