// Package profile answers "what does DomainTools Iris know about these
// domains" for the enricher and the pivoter, through one shared cache: the
// store's profile history (a fetch younger than the TTL answers, negative
// entries included), with the cold domains of concurrent lookups gathered
// into batched Iris Investigate calls (singleflight per process), each
// batch's answers saved in one bulk write.
package profile
