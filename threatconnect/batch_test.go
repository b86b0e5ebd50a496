package threatconnect_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func addresses(n int, tags ...string) []threatconnect.Indicator {
	out := make([]threatconnect.Indicator, n)
	for i := range out {
		out[i] = threatconnect.Indicator{Type: threatconnect.Address, Summary: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256),
			Rating: 3, Confidence: 75, Tags: tags}
	}
	return out
}

// recordSleep replaces the poller's sleep: it records the waits and never
// sleeps.
func recordSleep(c *threatconnect.Client) *[]time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	threatconnect.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return ctx.Err()
	})
	return &waits
}

// TestBatchUpload10000 uploads 10,000 indicators and counts the requests.
func TestBatchUpload10000(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		chunk        int
		polls        int
		wantJobs     int
		wantRequests int64
		wantWaits    []time.Duration
	}{
		// Per job: create + upload + one status poll.
		{"default chunk (5000)", 0, 0, 2, 6, nil},
		{"one job of 10000", 10000, 0, 1, 3, nil},
		{"chunks of 2500", 2500, 0, 4, 12, nil},
		// Two extra polls per job while it is Running: 2s, then 3s.
		{"slow jobs: polling backs off", 0, 2, 2, 10, []time.Duration{2 * time.Second, 3 * time.Second, 2 * time.Second, 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c, cnt := newFake(t, tctest.WithBatchPolls(tt.polls), tctest.WithBatchMaxBytes(10<<20))
			waits := recordSleep(c)
			res, err := c.Batch.Upload(context.Background(), addresses(10000, "canary", "backfill"),
				&threatconnect.BatchOptions{Owner: tctest.DefaultOwner, ChunkSize: tt.chunk, MaxBytes: 10 << 20})
			require.NoError(t, err)
			assert.Len(t, res.Jobs, tt.wantJobs)
			assert.Equal(t, 10000, res.Submitted)
			assert.Equal(t, 10000, res.Succeeded)
			assert.Zero(t, res.Failed)
			t.Logf("10,000 indicators: %d job(s), %d HTTP requests (client-side count), %d seen by the fake", len(res.Jobs), cnt.n.Load(), srv.RequestCount())
			assert.Equal(t, tt.wantRequests, cnt.n.Load(), "requests measured at the client")
			assert.Equal(t, int(tt.wantRequests), srv.RequestCount(), "requests seen by the fake")
			assert.Equal(t, tt.wantWaits, *waits)
			stored := srv.Indicators(tctest.DefaultOwner)
			require.Len(t, stored, 10000)
			assert.Equal(t, []string{"canary", "backfill"}, stored[9999].Tags)
			assert.Equal(t, 3.0, stored[0].Rating)
		})
	}
}

func TestBatchDefaultSizeLimitSplits(t *testing.T) {
	t.Parallel()
	// The fake refuses uploads over 2,000,000 bytes, like the documented
	// limit. 3,000 indicators of about 1 KB fit one job by count (5,000) but
	// not by size, so Upload must split them by bytes.
	srv, c, cnt := newFake(t)
	inds := addresses(3000, "canary")
	for i := range inds {
		inds[i].Attributes = []threatconnect.Attribute{{Type: "Description", Value: strings.Repeat("incident details ", 55)}}
	}
	res, err := c.Batch.Upload(context.Background(), inds, &threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
	require.NoError(t, err)
	assert.Equal(t, 3000, res.Succeeded)
	assert.Len(t, res.Jobs, 2, "split by bytes, not only by count")
	assert.Equal(t, int64(6), cnt.n.Load())
	total := 0
	for _, j := range srv.BatchJobs() {
		total += j.Uploaded
	}
	assert.Equal(t, 3000, total)
}

func TestBatchErrorsAreRead(t *testing.T) {
	t.Parallel()
	srv, c, cnt := newFake(t)
	inds := addresses(100)
	// Valid locally, but the label does not exist on the instance.
	inds[10].SecurityLabels = []string{"TLP:PURPLE"}
	inds[20].SecurityLabels = []string{"TLP:PURPLE"}
	res, err := c.Batch.Upload(context.Background(), inds, &threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
	require.NoError(t, err)
	assert.Equal(t, 98, res.Succeeded)
	assert.Equal(t, 2, res.Failed)
	require.Len(t, res.Errors, 2)
	assert.Contains(t, res.Errors[0].Reason, "TLP:PURPLE")
	assert.Contains(t, res.Errors[0].Source, "10.0.0.10")
	assert.Equal(t, res.Jobs[0].ID, res.Errors[0].JobID)
	assert.Equal(t, int64(4), cnt.n.Load(), "create, upload, status, errors")
	assert.Len(t, srv.Indicators(""), 98)

	t.Run("halt on error", func(t *testing.T) {
		res, err := c.Batch.Upload(context.Background(), inds, &threatconnect.BatchOptions{Owner: tctest.DefaultOwner, HaltOnError: true})
		require.NoError(t, err)
		assert.Equal(t, 10, res.Succeeded)
		assert.Equal(t, 1, res.Failed)
		assert.Equal(t, 89, res.Unprocessed)
	})
}

func TestBatchValidation(t *testing.T) {
	t.Parallel()
	_, c, cnt := newFake(t)
	ctx := context.Background()
	bad := addresses(50)
	bad[37].Summary = "10.0.0.999"
	badRating := addresses(3)
	badRating[2].Rating = 7
	tests := []struct {
		name      string
		inds      []threatconnect.Indicator
		opts      *threatconnect.BatchOptions
		wantField string
	}{
		{"nil options", addresses(1), nil, "BatchOptions"},
		{"no owner", addresses(1), &threatconnect.BatchOptions{}, "Owner"},
		{"no indicators", nil, &threatconnect.BatchOptions{Owner: "o"}, "indicators"},
		{"bad IP is named by index", bad, &threatconnect.BatchOptions{Owner: "o"}, "indicators[37].Summary"},
		{"bad rating is named by index", badRating, &threatconnect.BatchOptions{Owner: "o"}, "indicators[2].Rating"},
		{"chunk over the platform limit", addresses(1), &threatconnect.BatchOptions{Owner: "o", ChunkSize: 25001}, "ChunkSize"},
		{"bad action", addresses(1), &threatconnect.BatchOptions{Owner: "o", Action: "Upsert"}, "Action"},
		{"singleton tags", addresses(1), &threatconnect.BatchOptions{Owner: "o", TagWriteType: threatconnect.WriteSingleton}, "TagWriteType"},
		{"negative poll interval", addresses(1), &threatconnect.BatchOptions{Owner: "o", PollInterval: -time.Second}, "PollInterval"},
		{"one indicator over MaxBytes", addresses(1), &threatconnect.BatchOptions{Owner: "o", MaxBytes: 20}, "indicators[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Batch.Upload(ctx, tt.inds, tt.opts)
			var ve *threatconnect.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field)
		})
	}
	t.Cleanup(func() { assert.Zero(t, cnt.n.Load(), "nothing sent for bad input") })
}

func TestBatchWaitTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	_, c, _ := newFake(t, tctest.WithBatchPolls(1000))
	waits := recordSleep(c)
	ctx := context.Background()
	_, err := c.Batch.Upload(ctx, addresses(5), &threatconnect.BatchOptions{Owner: tctest.DefaultOwner,
		PollInterval: time.Second, MaxPollInterval: 4 * time.Second, Timeout: 20 * time.Second})
	require.Error(t, err)
	assert.ErrorIs(t, err, threatconnect.ErrBatchTimeout)
	assert.Contains(t, err.Error(), `"Running"`)
	// 1 + 1.5 + 2.25 + 3.375 + 4 + 4 = 16.125s; the next 4s wait would pass 20s.
	assert.Equal(t, []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond, 4 * time.Second, 4 * time.Second}, *waits)

	cctx, cancel := context.WithCancel(ctx)
	threatconnect.SetSleep(c, func(context.Context, time.Duration) error { cancel(); return context.Canceled })
	_, err = c.Batch.Upload(cctx, addresses(5), &threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestBatchServerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   string
		is     error
	}{
		{"batch API disabled (plain-text 503)", 503, "text/plain", "Batch job api is not available. Ensure that batchJobEnabled is true and document storage is enabled", "batchJobEnabled", threatconnect.ErrServer},
		{"no permission (plain-text 401)", 401, "text/plain", "You do not have permission to create Indicators; please contact your administrator", "permission", threatconnect.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := newFake(t)
			srv.FailNext(tt.status, tt.ctype, tt.body)
			_, err := c.Batch.Upload(context.Background(), addresses(3), &threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
			var ae *threatconnect.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Contains(t, ae.Message, tt.want)
			assert.ErrorIs(t, err, tt.is)
			assert.Contains(t, err.Error(), "batch 1 of 1")
		})
	}

	t.Run("upload over the server's size limit", func(t *testing.T) {
		t.Parallel()
		_, c, _ := newFake(t, tctest.WithBatchMaxBytes(1000))
		_, err := c.Batch.Upload(context.Background(), addresses(100), &threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
		var ae *threatconnect.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "Invalid", ae.Status)
		assert.Contains(t, ae.Message, "File size greater than allowable limit of 1000")
		assert.True(t, errors.Is(err, threatconnect.ErrInvalidRequest))
	})
}

func TestBatchByHand(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t, tctest.WithBatchPolls(1))
	ctx := context.Background()
	id, err := c.Batch.CreateJob(ctx, &threatconnect.BatchOptions{Owner: tctest.DefaultOwner, TagWriteType: threatconnect.WriteReplace})
	require.NoError(t, err)
	require.NoError(t, c.Batch.UploadData(ctx, id, addresses(10, "x")))
	st, err := c.Batch.Status(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Running", st.Status)
	assert.False(t, st.Done())
	_, err = c.Batch.Errors(ctx, id)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae, "errors of a running job")
	assert.Equal(t, "Batch still in Running state", ae.Message)
	recordSleep(c)
	st, err = c.Batch.Wait(ctx, id, nil)
	require.NoError(t, err)
	assert.True(t, st.Done())
	assert.Equal(t, 10, st.SuccessCount)
	errs, err := c.Batch.Errors(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, errs, "a job without errors answers 404, read as none")
	jobs := srv.BatchJobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, "Replace", jobs[0].TagWriteType)
	assert.Equal(t, "Append", jobs[0].AttributeWriteType)
}

func TestSleepCtx(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, threatconnect.SleepCtx(ctx, 0))
	cancel()
	assert.ErrorIs(t, threatconnect.SleepCtx(ctx, time.Hour), context.Canceled, "a cancelled ctx ends the wait at once")
	assert.ErrorIs(t, threatconnect.SleepCtx(ctx, 0), context.Canceled)
}
