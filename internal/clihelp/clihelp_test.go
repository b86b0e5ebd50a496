package clihelp

import (
	"bytes"
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.String("auth-token", "", "API auth `token`")
	var out string
	fs.StringVar(&out, "o", "table", "output `format`")
	fs.StringVar(&out, "output", "table", "output `format`")
	fs.Bool("demo", false, "run offline")
	fs.Duration("timeout", 2*time.Minute, "give up after this long")
	fs.Bool("h", false, "") // an alias: not listed
	var b bytes.Buffer
	require.NoError(t, Write(&b, Help{
		Usage:    "tool [flags] COMMAND",
		Summary:  "Does things.",
		Sections: []Section{{Title: "commands", Entries: []Entry{{"ping", "check"}, {"list", "list all"}}}},
		Flags:    fs,
		Env:      []Entry{{"TOOL_TOKEN", "as --auth-token"}},
		Exit:     []Entry{{"0", "success"}, {"2", "usage error"}},
		Footer:   "Try: tool --demo ping",
	}))
	assert.Equal(t, `usage: tool [flags] COMMAND

Does things.

commands:
  ping  check
  list  list all

flags:
  --auth-token TOKEN
      API auth token
  --demo
      run offline
  -o, --output FORMAT
      output format (default table)
  --timeout DURATION
      give up after this long (default 2m0s)

environment:
  TOOL_TOKEN  as --auth-token

exit status:
  0  success
  2  usage error

Try: tool --demo ping
`, b.String())
}
