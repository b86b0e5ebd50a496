package canary

// Test-only exports for the external benchmarks in audit_bench_test.go,
// which drive audit.Full (audit imports canary, so they live in
// canary_test).

// PageRenderer renders page k of a listing of pages pages of perPage
// documented-shape tokens ("tokens") or feed incidents ("incidents").
func PageRenderer(kind string, perPage int) func(k, pages int) []byte {
	t := incidentFeedTemplate(perPage)
	if kind == "tokens" {
		t = tokenListTemplate(perPage)
	}
	return t.render
}

// CursorPage reads the page number back from a rendered page's cursor.
func CursorPage(c string) (int, bool) { return cursorPage(c) }
