//go:build unix

package decoy

import "syscall"

// cpuNanos returns the CPU time (user + system) the process has used. On a
// machine shared with other work a benchmark's wall time per op grows with the
// load; its CPU time per op ("cpu-ns/op") barely does.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
