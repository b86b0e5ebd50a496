package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// throughAll is FromClient read the way any other Source is: every token
// and incident decoded whole by canary's Tokens.All and Incidents.All. An
// audit over FromClient itself decodes only what it reads of each; the two
// reports must not differ by a byte.
type throughAll struct{ src audit.BirdSource }

func (s throughAll) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	return s.src.Tokens(ctx)
}

func (s throughAll) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	return s.src.Incidents(ctx)
}

func (s throughAll) Birds(ctx context.Context) (*audit.Birds, error) { return s.src.Birds(ctx) }

// renderAll is a report in all three formats.
func renderAll(t *testing.T, r *audit.Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, r.WriteJSON(&b))
	require.NoError(t, r.WriteMarkdown(&b))
	require.NoError(t, r.WriteText(&b))
	return b.String()
}

func checkViewsAgree(t *testing.T, c *canary.Client) {
	t.Helper()
	ctx := context.Background()
	opts := &audit.Options{Now: func() time.Time { return goldenClock }, TopN: 50}
	src := audit.FromClient(c).(audit.BirdSource)
	fast, err := audit.Full(ctx, src, opts)
	require.NoError(t, err)
	whole, err := audit.Full(ctx, throughAll{src}, opts)
	require.NoError(t, err)
	require.Equal(t, renderAll(t, whole), renderAll(t, fast))
	fast, err = audit.Coverage(ctx, src, opts)
	require.NoError(t, err)
	whole, err = audit.Coverage(ctx, throughAll{src}, opts)
	require.NoError(t, err)
	require.Equal(t, renderAll(t, whole), renderAll(t, fast))
}

func TestFullFromClientReadsAsAllDoes(t *testing.T) {
	t.Parallel()
	t.Run("golden estate", func(t *testing.T) {
		t.Parallel()
		checkViewsAgree(t, goldenServer(t).Client())
	})
	t.Run("demo estate", func(t *testing.T) {
		t.Parallel()
		srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return goldenClock }))
		t.Cleanup(srv.Close)
		_, err := srv.Seed(canarytest.DemoEstate())
		require.NoError(t, err)
		checkViewsAgree(t, srv.Client())
	})
	t.Run("odd incidents", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(oddConsole))
		t.Cleanup(srv.Close)
		c, err := canary.NewClient(canary.WithBaseURL(srv.URL+"/api/v1"), canary.WithAuthToken("views-test-auth"))
		require.NoError(t, err)
		checkViewsAgree(t, c)
	})
}

// oddIncidents are feed incidents in the shapes an audit must tell apart:
// on a live token by node_id, on a deleted token by node_id or only by the
// token code in its events (or logdata), on a device, with events in odd
// shapes and times only in the events.
var oddIncidents = []string{
	`{"description": {"node_id": "node-live", "logtype": "17000", "acknowledged": "False", "created": "1764000000", "src_host": "203.0.113.7", "flock_id": "flock:default", "events": [{"canarytoken": "tok-live", "type": "http"}]}, "id": "i1", "updated_id": 1}`,
	`{"description": {"node_id": "node-gone", "logtype": "17012", "acknowledged": "True", "memo": "keys on build-07", "src_host": "203.0.113.7", "events": [{"type": "", "timestamp": 0}, {"canarytoken": "tok-gone", "type": "aws-id", "timestamp": "1764000100"}]}, "id": "i2", "updated_id": 2}`,
	`{"description": {"logtype": "17000", "acknowledged": "False", "src_host": "198.51.100.23", "events": [null, 7, {"canarytoken": {"nested": 1}}, {"canarytoken": "code-only", "type": "dns", "canarytoken": "code-only-last"}]}, "id": "i3", "updated_id": 3, "updated_time": "1764000200"}`,
	`{"node_id": "", "logtype": "16000", "acknowledged": "False", "src_host": "198.51.100.23", "logdata": [{"canarytoken": "from-logdata", "type": "slack-api", "timestamp": "1764000300"}]}`,
	`{"description": {"node_id": "00034d476bd8", "logtype": "3001", "acknowledged": "False", "created": "1764000400", "src_host": "10.0.9.14", "flock_id": "flock:dc", "events": [{"USERNAME": "admin"}]}, "id": "i5", "updated_id": 5}`,
	`{"description": {"node_id": "node-gone", "logtype": 17012, "acknowledged": true, "created": 1764000500, "src_host": "", "memo": "second memo", "events": []}, "id": "i6", "updated_id": 6}`,
	`{"description": {"NODE_ID": "node-live", "Logtype": "17000", "ACKNOWLEDGED": "False", "SRC_HOST": "192.0.2.44", "events": [{"timestamp": "soon"}, {"timestamp": "1764000600"}]}, "id": "i7", "updated_id": 7}`,
}

// oddConsole serves one token and oddIncidents, two a page.
func oddConsole(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v1/canarytokens/paginate":
		fmt.Fprint(w, `{"result": "success", "canarytokens": [{"canarytoken": "tok-live", "kind": "http", "memo": "m", "enabled": "True", "node_id": "node-live", "created": "1700000000"}, `+
			`null, {"kind": "factory entry"}, {"canarytoken": "tok-live", "kind": "dns", "memo": "a duplicate"}, `+
			`{"canarytoken": "tok-old", "kind": "aws-id", "memo": "keys on build-07 `+strings.Repeat("x", 150)+`", "enabled": "False", "created": "1586249510.069870", `+
			`"triggered_count": "3", "flock_id": "flock:dc", "node_id": "node-old", "renders": {"aws-id": "[default]"}, "secret_access_key": "<not a key>"}, `+
			`{"CANARYTOKEN": "tok-upper", "Kind": "slack-api", "ENABLED": 1, "created": 0}], "cursor": {"next": null}}`)
	case "/api/v1/incidents/all":
		k := 0
		if cur := r.URL.Query().Get("cursor"); cur != "" {
			_, _ = fmt.Sscanf(cur, "p%d", &k)
		}
		end := min(k+2, len(oddIncidents))
		next := "null"
		if end < len(oddIncidents) {
			next = fmt.Sprintf(`"p%d"`, end)
		}
		fmt.Fprintf(w, `{"cursor": {"next": %s, "prev": null}, "feed": "All Incidents", "incidents": [%s], "result": "success"}`,
			next, strings.Join(oddIncidents[k:end], ", "))
	default:
		file, ok := map[string]string{"/api/v1/devices/all": "devices/all.json",
			"/api/v1/flocks/summary": "flocks/summaries.json", "/api/v1/updates/list": "devices/updates.json"}[r.URL.Path]
		body, err := os.ReadFile(filepath.Join("..", "canary", "testdata", file))
		if !ok || err != nil {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(body)
	}
}
