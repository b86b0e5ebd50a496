//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package honeytoken

import "os"

// lockFile does nothing where the platform has no lock this package uses
// (plan9, js, wasip1, aix, solaris, ...): there, keep one FileStore per file.
func lockFile(*os.File) error { return nil }
