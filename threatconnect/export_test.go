package threatconnect

import (
	"context"
	"time"

	"github.com/decoykit/decoykit/internal/rest"
)

// SetSleep replaces the batch poller's sleep (tests never sleep for real).
func SetSleep(c *Client, f func(context.Context, time.Duration) error) { c.sleep = f }

// SigningString and SignMessage expose the signer to the external tests.
var (
	SigningString = signingString
	SignMessage   = signMessage
)

// SleepCtx exposes the default poll sleep.
var SleepCtx = rest.Sleep
