// Package testenv gives tests the real servers they need: an embedded
// nats-server with JetStream on a random port (store cleaned up), and a
// fresh, migrated PostgreSQL database per test or package (dropped afterwards).
//
// It never skips silently: when a server cannot be had it fails with one line
// that says how to provide one.
package testenv
