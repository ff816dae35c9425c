// Package testenv gives tests the real servers they need: an embedded
// nats-server with JetStream on a random port (store cleaned up), and a
// fresh, migrated PostgreSQL database per test or package (dropped afterwards).
//
// It also holds the setup the services' tests share: JetStream (a server with
// irisflow's streams), Collect and ReadStream (messages of a stream),
// Eventually (a bounded poll), RunInBackground (a service's Run with a
// bounded stop), QuietLogger and LogBuffer (loggers for code under test),
// ActiveMQ (the real broker's URL) and Proxy (a TCP proxy whose connections a
// test cuts).
//
// It never skips silently: when a server cannot be had it fails with one line
// that says how to provide one.
package testenv
