package threatconnect

// Ptr returns a pointer to v, for optional fields such as Indicator.Active
// and IndicatorUpdate.Rating: threatconnect.Ptr(true), threatconnect.Ptr(4.5).
func Ptr[T any](v T) *T { return &v }
