package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/decoykit/decoykit/canary/canarytest"
)

// childArgsEnv carries the agent's arguments to TestAgentChildProcess.
const childArgsEnv = "CANARY_AGENT_CHILD_ARGS"

// TestAgentChildProcess is not a test: BenchmarkAgentFullRSS re-runs this
// test binary with childArgsEnv set, so that the agent runs in a process of
// its own whose peak RSS the kernel reports, apart from the fake Console.
func TestAgentChildProcess(t *testing.T) {
	args := os.Getenv(childArgsEnv)
	if args == "" {
		t.Skip("a helper process for BenchmarkAgentFullRSS")
	}
	code := run(context.Background(), strings.Split(args, "\x1f"), io.Discard, os.Stderr, os.Getenv)
	// VmHWM is this process's own peak RSS since exec. (getrusage's maxrss
	// would not do: after a vfork-style spawn it also counts the parent's
	// memory, here the seeded fake Console.)
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				fmt.Fprintln(os.Stderr, "agent-peak-rss", strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
			}
		}
	}
	os.Exit(code)
}

// BenchmarkAgentFullRSS runs `canary-agent --json full` as a separate process
// against canarytest (in this process) holding 10,000 tokens and 10,000 or
// 100,000 incidents, and reports the agent process's wall time and peak RSS
// (VmHWM, Linux only). The agent streams incidents, so its peak RSS must not
// grow with their number.
func BenchmarkAgentFullRSS(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("tokens=10000/incidents=%d", n), func(b *testing.B) {
			srv := canarytest.NewServer()
			defer srv.Close()
			if _, err := srv.Seed(canarytest.Estate{Tokens: 10000, Incidents: n, AcknowledgedFraction: 0.3, TriggeredTokens: 2000}); err != nil {
				b.Fatal(err)
			}
			args := strings.Join([]string{"--base-url", srv.BaseURL(), "--json", "full"}, "\x1f")
			var peak int64
			var wall time.Duration
			runs := 0
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestAgentChildProcess$")
				cmd.Env = append(os.Environ(), childArgsEnv+"="+args, "CANARY_AUTH_TOKEN="+srv.AuthToken())
				start := time.Now()
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("agent: %v: %s", err, out)
				}
				wall += time.Since(start)
				runs++
				var kb int64
				if i := strings.Index(string(out), "agent-peak-rss "); i >= 0 {
					_, _ = fmt.Sscanf(string(out[i:]), "agent-peak-rss %d kB", &kb)
				}
				if kb == 0 {
					b.Skip("no /proc/self/status VmHWM on this system")
				}
				peak = max(peak, kb<<10)
			}
			b.ReportMetric(float64(wall.Milliseconds())/float64(runs), "agent-wall-ms")
			b.ReportMetric(float64(peak)/(1<<20), "agent-peak-RSS-MiB")
		})
	}
}
