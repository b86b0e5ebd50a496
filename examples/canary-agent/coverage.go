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
	markdown := fs.Bool("markdown", false, "print the report as Markdown")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs(name, args); err != nil {
			return err
		}
		if *markdown && e.g.json {
			return usagef("choose --json or --markdown, not both")
		}
		rep, err := build(ctx, audit.FromClient(e.c))
		if err != nil {
			return err
		}
		switch {
		case e.g.json:
			return writeJSON(e.stdout, rep)
		case *markdown:
			return rep.WriteMarkdown(e.stdout)
		}
		if e.demo != nil {
			fmt.Fprintln(e.stdout, demoBanner)
			fmt.Fprintln(e.stdout)
		}
		return rep.WriteText(e.stdout)
	}
}
