package profile

import "fmt"

// DomainError is Iris refusing one domain on its own (a bad request for
// that domain alone): the other domains of its batch are answered.
type DomainError struct {
	// Domain is the refused domain.
	Domain string
	// Err is Iris's error (an *iris.Error wrapping iris.ErrBadRequest).
	Err error
}

func (e *DomainError) Error() string {
	return fmt.Sprintf("DomainTools Iris refused %s: %v", e.Domain, e.Err)
}

func (e *DomainError) Unwrap() error { return e.Err }
