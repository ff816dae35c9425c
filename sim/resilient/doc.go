// Package resilientsim simulates the REST side of IBM SOAR (Resilient) for
// tests and the demo: the incident, note, data-table and artifact endpoints
// with SOAR's auth rules (API-key Basic auth, or a /rest/session login with
// X-sess-id and the JSESSIONID cookie), in-memory data preloaded with the
// seed guide's incident 4206, and fault injection (latency, 5xx, 429,
// failures after commit).
//
// Choices where SOAR's real behaviour is unknown (docs/resilient-protocol.md,
// open questions) are documented on the handlers: the artifact POST answers
// a list, and a DNS Name artifact posted again on the same incident answers
// the existing artifact instead of creating a second one.
//
// The STOMP side lives in its own package and uses AddNote/AddRow to apply
// workflow post-process scripts in-process.
package resilientsim
