package rest

import "errors"

// KindError is an error given one of a client package's sentinels (its
// ErrResponseTooLarge, ErrPaginationLoop, ...): it reads as Msg and
// matches both Kind and Err with errors.Is. Msg must hold no secret; the
// callers build it from masked sender errors and fixed text.
type KindError struct {
	Msg  string
	Kind error // the client package's sentinel
	Err  error // the cause
}

// Error returns Msg.
func (e *KindError) Error() string { return e.Msg }

// Unwrap returns Kind and Err, so errors.Is matches either.
func (e *KindError) Unwrap() []error { return []error{e.Kind, e.Err} }

// TransportKind returns the sentinel a sender error maps to: tooLarge for
// ErrBodyTooLarge, redirect for ErrCrossHostRedirect, nil otherwise.
func TransportKind(err, tooLarge, redirect error) error {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return tooLarge
	case errors.Is(err, ErrCrossHostRedirect):
		return redirect
	}
	return nil
}
