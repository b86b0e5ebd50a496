package decoy

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPermanent(t *testing.T) {
	t.Parallel()
	base := errors.New("HTTP 404")
	p := Permanent(base)
	assert.True(t, IsPermanent(p))
	assert.True(t, IsPermanent(fmt.Errorf("webhook: %w", p)), "found down the chain")
	assert.ErrorIs(t, p, base)
	assert.Equal(t, "HTTP 404", p.Error())
	assert.False(t, IsPermanent(base))
	assert.NoError(t, Permanent(nil))
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	err := error(&ValidationError{Field: "option WithClock", Reason: "must not be nil"})
	assert.EqualError(t, err, "decoy: option WithClock: must not be nil")
}
