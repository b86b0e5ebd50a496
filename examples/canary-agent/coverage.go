package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/decoykit/decoykit/audit"
)

// coverage and full are the audit package's reports over the Console.

func coverageFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	return reportFlags(fs, "coverage", func(ctx context.Context, src audit.Source) (*audit.Report, error) {
		return audit.Coverage(ctx, src, nil)
	})
}

func fullFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	return reportFlags(fs, "full", func(ctx context.Context, src audit.Source) (*audit.Report, error) {
		return audit.Full(ctx, src, nil)
	})
}

func reportFlags(fs *flag.FlagSet, name string, build func(context.Context, audit.Source) (*audit.Report, error)) func(context.Context, *env, []string) error {
	markdown := fs.Bool("markdown", false, "print the report as Markdown (same as -o markdown)")
	failOnFlag := fs.String("fail-on", "", "exit with status 3 when a finding is at or above this `severity`: critical, high, medium or low")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs(name, args); err != nil {
			return err
		}
		threshold, err := parseFailOn(*failOnFlag)
		if err != nil {
			return err
		}
		if *markdown {
			if e.format() != formatTable && e.format() != formatMarkdown {
				return usagef("choose --markdown or -o %s, not both", e.format())
			}
			e.g.output = formatMarkdown
		}
		stop := e.progress("reading the Console").pagesOnly()
		rep, err := build(ctx, audit.FromClient(e.c))
		stop()
		if err != nil {
			return err
		}
		switch e.format() {
		case formatJSON:
			err = writeJSON(e.stdout, rep)
		case formatMarkdown:
			err = rep.WriteMarkdown(e.stdout)
		default:
			if e.demo != nil {
				fmt.Fprintln(e.stdout, demoBanner)
				fmt.Fprintln(e.stdout)
			}
			err = rep.WriteText(e.stdout)
		}
		if err != nil {
			return err
		}
		return failOn(rep, threshold)
	}
}
