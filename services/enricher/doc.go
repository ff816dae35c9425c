// Package enricher is irisflow's enricher service: it consumes profile,
// format, risk, tags and automatic-playbook work from the FN stream, answers
// Resilient functions the way the DomainTools app (fn_domaintools) does, and
// runs the automatic playbook for DNS Name artifact events.
//
// Iris lookups go through a cache (the store's profile history, TTL 24h by
// default) and a batcher that gathers the cold domains of many concurrent
// messages into one Iris Investigate call of up to 100 domains, sharing one
// in-flight lookup among concurrent requests for the same domain.
package enricher
