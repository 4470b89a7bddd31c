// Package deploytest holds the tests of the docker compose stack's NATS
// configuration (deploy/nats): they start a nats-server from the real files
// and check that every service identity can do its own job and nothing
// else. The package has no code of its own.
package deploytest
