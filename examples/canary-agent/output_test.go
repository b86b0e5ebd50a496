package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/audit"
)

func TestWriteMarkdownTableEscapesCells(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, writeMarkdownTable(&b, []string{"A", "B"}, [][]string{{"x|y", "two\nlines"}}))
	assert.Equal(t, "| A | B |\n| --- | --- |\n| x\\|y | two lines |\n", b.String())
}

func TestFailOn(t *testing.T) {
	t.Parallel()
	rep := &audit.Report{Findings: []audit.Finding{
		{Severity: audit.Critical}, {Severity: audit.High}, {Severity: audit.High}, {Severity: audit.Low}, {Severity: audit.Info},
	}}
	tests := []struct {
		threshold audit.Severity
		want      string // "" means no error
	}{
		{"", ""},
		{audit.Critical, "1 finding at or above critical (1 critical) (--fail-on critical)"},
		{audit.High, "3 findings at or above high (1 critical, 2 high) (--fail-on high)"},
		{audit.Medium, "3 findings at or above medium (1 critical, 2 high) (--fail-on medium)"},
		{audit.Low, "4 findings at or above low (1 critical, 2 high, 1 low) (--fail-on low)"},
	}
	for _, tt := range tests {
		err := failOn(rep, tt.threshold)
		if tt.want == "" {
			assert.NoError(t, err)
			continue
		}
		var fe *findingsError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, tt.want, err.Error())
	}
	assert.NoError(t, failOn(&audit.Report{Findings: []audit.Finding{{Severity: audit.Info}}}, audit.Low), "info never fails")
}

func TestParseFailOn(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]audit.Severity{"": "", "critical": audit.Critical, "HIGH": audit.High, " medium ": audit.Medium, "low": audit.Low} {
		got, err := parseFailOn(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"info", "severe", "3"} {
		_, err := parseFailOn(bad)
		assert.Error(t, err, bad)
	}
}

func TestCheckOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		output string
		json   bool
		want   string
		ok     bool
	}{
		{"", false, formatTable, true},
		{"wide", false, formatWide, true},
		{"md", false, formatMarkdown, true},
		{"", true, formatJSON, true},
		{"json", true, formatJSON, true},
		{"table", true, "", false},
		{"yaml", false, "", false},
	}
	for _, tt := range tests {
		g := &globals{output: tt.output, json: tt.json}
		err := g.checkOutput()
		if !tt.ok {
			assert.Error(t, err, tt.output)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, g.output)
	}
}
