// Package flow is the contract between irisflow's services: the JetStream
// streams, subjects, durable consumers and the JSON envelopes that travel on
// them, plus the consume loop every worker shares (ack decision, dead
// letters, two-phase shutdown).
//
// Nothing else in irisflow names a stream or a subject: import them from here.
package flow
