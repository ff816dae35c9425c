package main

import (
	"errors"
	"fmt"
)

// Exit codes scripts can rely on (README "Exit codes").
const (
	exitOK         = 0 // done; for search, export and history DOMAIN: something matched
	exitFailure    = 1 // could not do it: database, Iris, I/O…
	exitUsage      = 2 // bad flags or arguments
	exitNoMatch    = 3 // search, export or history DOMAIN matched nothing
	exitIncomplete = 4 // enrich: some domains were not enriched (the others were)
)

// exitError carries the exit code main uses for err.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a problem with the command line (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// noMatch is an empty answer (exit 3); the message goes to stderr.
func noMatch(format string, args ...any) error {
	return &exitError{code: exitNoMatch, err: fmt.Errorf(format, args...)}
}

// exitCode is the process exit code for the error run returned.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}
