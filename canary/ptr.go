package canary

// Ptr returns a pointer to v, for optional fields such as
// CreateTokenRequest.BrowserScannerEnabled (on Go 1.26, new(v) does the same).
func Ptr[T any](v T) *T { return &v }
