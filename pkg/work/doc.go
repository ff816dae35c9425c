// Package work is irisflow's function-worker layer, in the shape of
// riverqueue/river's Worker[T]: each kind of FN work (a Resilient function,
// the automatic playbook, internal follow-up work) registers a Worker whose
// Inputs reads its typed inputs from the message and whose Work answers a
// Call. The layer owns everything around it, once for every service:
// decoding the envelope and Resilient's body (once), the status and final
// replies and their order, the final reply held by the invocation's writes
// until they have landed, the error reply and dead letter of work given up
// on, the one mapping from Iris and store errors to ack decisions
// (Classify), readiness, and the Observer hooks metrics count through.
package work
