// Package resilient holds what irisflow needs to speak to IBM SOAR
// (Resilient): the STOMP message headers and DTOs of function and rule-action
// messages (FunctionDataDTO, ActionDataDTO) with their input encodings, the
// reply bodies sent back on reply-to (ActionAcknowledgementDTO with a
// ResultPayload), and a REST client for the write-back calls (notes,
// data-table rows, artifacts).
//
// The wire formats follow docs/resilient-protocol.md; unknown JSON keys are
// kept (Extra) so nothing a newer SOAR sends is silently dropped.
package resilient
