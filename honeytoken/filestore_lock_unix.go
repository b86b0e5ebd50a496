//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package honeytoken

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking advisory lock on f (flock), held
// until f is closed. Another open of the same file, in this process or
// another, fails with ErrStoreLocked.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrStoreLocked
		}
		return err
	}
}
