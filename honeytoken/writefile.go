package honeytoken

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteOptions controls [WriteFile].
type WriteOptions struct {
	// Overwrite replaces an existing file (atomically, through a temporary file
	// and a rename). By default an existing file is never touched.
	Overwrite bool
}

// WriteFile writes data (typically from [Render]) to name with mode 0600. It
// refuses to replace an existing file unless opts.Overwrite is set; the error
// then matches fs.ErrExist.
func WriteFile(name string, data []byte, opts WriteOptions) error {
	if name == "" {
		return &ValidationError{Field: "name", Reason: "give the path of the file to write"}
	}
	if !opts.Overwrite {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("honeytoken: %s already exists; pass WriteOptions{Overwrite: true} to replace it: %w", name, err)
		}
		if err != nil {
			return fmt.Errorf("honeytoken: write %s: %w", name, err)
		}
		return finish(f, data, name)
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("honeytoken: write %s: %w", name, err)
	}
	tmp := f.Name()
	if err := finish(f, data, name); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("honeytoken: replace %s: %w", name, err)
	}
	return nil
}

// finish writes data, forces mode 0600 (whatever the umask), syncs and closes f.
func finish(f *os.File, data []byte, name string) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("honeytoken: write %s: %w", name, err)
	}
	return nil
}
