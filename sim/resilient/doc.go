// Package resilientsim simulates the REST side of IBM SOAR (Resilient) for
// tests and the demo: the incident, note, data-table and artifact endpoints
// with SOAR's auth rules (API-key Basic auth, or a /rest/session login with
// X-sess-id and the JSESSIONID cookie), in-memory data preloaded with the
// seed guide's incident 4206, and fault injection (latency, 5xx, 429,
// failures after commit).
//
// It also answers what IBM's own client (resilient, resilient-circuits)
// reads when it starts: the org (actions_framework_enabled), /rest/const,
// the rules, the incident, artifact, action-invocation and function types
// and their fields, the functions (destination_handle) and the message
// destination, from the seed app's customisations and the values of IBM's
// recorded org (catalog.go). The incident is SOAR's IncidentDTO
// (incident_dto.go): handles are ids unless the request asks
// handle_format=names. A route the sim does not serve answers SOAR's JSON
// error (404, or 405 for a method a path does not take).
//
// Choices where SOAR's real behaviour is unknown (docs/resilient-protocol.md,
// open questions) are documented on the handlers: the artifact POST answers
// a list, and a DNS Name artifact posted again on the same incident answers
// the existing artifact instead of creating a second one.
//
// The STOMP side lives in its own package and uses AddNote/AddRow to apply
// workflow post-process scripts in-process.
package resilientsim
