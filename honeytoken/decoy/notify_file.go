package decoy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// JSONLines is a Notifier that appends each alert as one line of JSON to a
// writer (a file for OpenJSONLines). JSON encoding escapes every control
// character, so a line can never be split or forged by request content.
type JSONLines struct {
	mu sync.Mutex
	w  io.Writer
	c  io.Closer
}

// NewJSONLines writes alerts to w, one JSON object per line, each with a
// single Write call. It does not close w.
func NewJSONLines(w io.Writer) *JSONLines { return &JSONLines{w: w} }

// OpenJSONLines appends alerts to the file at path, creating it with mode
// 0600 when it does not exist. Close closes the file.
func OpenJSONLines(path string) (*JSONLines, error) {
	if path == "" {
		return nil, &ValidationError{"path", "is empty; name the JSON Lines file to append alerts to"}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("decoy: opening the alert file: %w", err)
	}
	return &JSONLines{w: f, c: f}, nil
}

// Name is "jsonl".
func (j *JSONLines) Name() string { return "jsonl" }

// Notify writes a as one line.
func (j *JSONLines) Notify(_ context.Context, a Alert) error {
	b, err := json.Marshal(a)
	if err != nil {
		return Permanent(fmt.Errorf("decoy: encoding alert: %w", err))
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("decoy: writing alert: %w", err)
	}
	return nil
}

// Close closes the file opened by OpenJSONLines (nothing for NewJSONLines).
func (j *JSONLines) Close() error {
	if j.c == nil {
		return nil
	}
	return j.c.Close()
}
