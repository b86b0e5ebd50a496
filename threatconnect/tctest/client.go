package tctest

import (
	"net/http"
	"time"

	"github.com/decoykit/decoykit/threatconnect"
)

// BaseURL returns the API root to give threatconnect.WithBaseURL:
// URL+"/api". Signed paths include the /api prefix, as on the platform.
func (s *Server) BaseURL() string { return s.URL + apiPrefix }

// HTTPClient returns an HTTP client for the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Client returns a threatconnect.Client for this server, ready to use: at
// BaseURL, over HTTPClient, authenticated with the first credential given
// to NewServer (WithHMAC or WithAPIToken), signing with the server's clock
// (WithClock), and retrying quickly (3 attempts, 1 to 20ms apart) so tests
// of FailNext stay fast. opts are applied after those defaults and
// override them; to authenticate differently, build the client with
// threatconnect.NewClient, BaseURL and HTTPClient.
//
// Client panics with a clear message if the server has no credentials or
// if an option is invalid (including credentials too short for
// threatconnect.WithHMAC or WithAPIToken), as regexp.MustCompile does with
// a bad pattern.
func (s *Server) Client(opts ...threatconnect.Option) *threatconnect.Client {
	var auth threatconnect.Option
	switch {
	case s.first.token != "":
		auth = threatconnect.WithAPIToken(s.first.token)
	case s.first.accessID != "":
		auth = threatconnect.WithHMAC(s.first.accessID, s.first.secretKey)
	default:
		panic("tctest: Server.Client: the server has no credentials; start it with WithHMAC or WithAPIToken")
	}
	base := []threatconnect.Option{
		threatconnect.WithBaseURL(s.BaseURL()),
		auth,
		threatconnect.WithHTTPClient(s.HTTPClient()),
		threatconnect.WithClock(s.now),
		threatconnect.WithRetry(threatconnect.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}),
	}
	c, err := threatconnect.NewClient(append(base, opts...)...)
	if err != nil {
		panic("tctest: Server.Client: " + err.Error())
	}
	return c
}
