// Package iris is a client for the DomainTools Iris Investigate and Iris
// Enrich APIs: a typed model of their results that tolerates the quirks of
// real responses, HMAC-signed requests, batching of domain lookups, pivot
// searches that follow the paging cursor, typed errors and retries bounded by
// the caller's context and a shared request budget (Limiter).
package iris
