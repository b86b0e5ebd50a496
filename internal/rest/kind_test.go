package rest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKindError(t *testing.T) {
	t.Parallel()
	tooLarge, redirect := errors.New("too large"), errors.New("redirect")
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"body too large", fmt.Errorf("GET /x: %w", ErrBodyTooLarge), tooLarge},
		{"cross-host redirect", fmt.Errorf("GET /x: %w", ErrCrossHostRedirect), redirect},
		{"other", errors.New("connection refused"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kind := TransportKind(tc.err, tooLarge, redirect)
			assert.Equal(t, tc.want, kind)
			if kind == nil {
				return
			}
			e := &KindError{Msg: "pkg: " + tc.err.Error(), Kind: kind, Err: tc.err}
			assert.Equal(t, "pkg: "+tc.err.Error(), e.Error())
			assert.ErrorIs(t, e, kind)
			assert.ErrorIs(t, e, tc.err)
			assert.NotErrorIs(t, e, map[error]error{tooLarge: redirect, redirect: tooLarge}[kind])
		})
	}
}
