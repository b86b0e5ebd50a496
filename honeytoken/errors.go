package honeytoken

import (
	"errors"
	"fmt"
)

// ErrKey is matched (with errors.Is) by every [*KeyError].
var ErrKey = errors.New("honeytoken: invalid generator key")

// ErrUnknownFormat is matched (with errors.Is) by a [*FormatError] for a format the
// generator does not know.
var ErrUnknownFormat = errors.New("honeytoken: unknown format")

// ErrStoreLocked is returned by [OpenFileStore] when another FileStore, in
// this process or another, has the file open: a store file has one writer.
var ErrStoreLocked = errors.New("honeytoken: the store file is open in another FileStore (another process?)")

// ErrNotFound is returned by a [Store] for an ID it does not hold.
var ErrNotFound = errors.New("honeytoken: token not found")

// KeyError reports an unusable generator key. It never holds key material.
type KeyError struct {
	// Which names the key: "key" for the current key, "retired key #n" otherwise.
	Which string
	// Len is the length of the rejected key in bytes.
	Len int
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *KeyError) Error() string {
	return fmt.Sprintf("honeytoken: %s (%d bytes) %s; use at least %d bytes from crypto/rand",
		e.Which, e.Len, e.Reason, MinKeySize)
}

// Is reports whether target is [ErrKey].
func (e *KeyError) Is(target error) bool { return target == ErrKey }

// FormatError reports a format that cannot be used: unknown, or a [CustomFormat]
// that is not valid.
type FormatError struct {
	// Format is the format in question.
	Format Format
	// Reason says what is wrong and what to do.
	Reason  string
	unknown bool
}

// Error implements error.
func (e *FormatError) Error() string {
	return fmt.Sprintf("honeytoken: format %q: %s", string(e.Format), e.Reason)
}

// Is reports whether target is [ErrUnknownFormat] for an unknown format.
func (e *FormatError) Is(target error) bool { return e.unknown && target == ErrUnknownFormat }

func unknownFormat(f Format) error {
	return &FormatError{Format: f, unknown: true,
		Reason: "unknown format; use one of honeytoken.Formats() or register it with honeytoken.WithCustomFormat"}
}

// ValidationError reports an invalid argument, naming the field.
type ValidationError struct {
	// Field names the argument or field.
	Field string
	// Reason says what is wrong and what to do.
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return "honeytoken: " + e.Field + ": " + e.Reason
}
