package decoy

// ValidationError reports an invalid argument to a constructor, such as
// NewDispatcher or NewWebhook, before anything runs.
type ValidationError struct {
	Field  string // the argument or field, e.g. "notifiers", "url", "header"
	Reason string // what is wrong and what to do
}

// Error returns e.g. "decoy: url: must be https".
func (e *ValidationError) Error() string { return "decoy: " + e.Field + ": " + e.Reason }
