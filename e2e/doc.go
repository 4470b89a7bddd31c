// Package e2e holds end-to-end tests that run wirewatch as separate
// processes: a nats-server and the four services, built from this
// repository.
package e2e
