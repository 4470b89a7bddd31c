// Package events is the wirewatch contract: the subjects and streams the
// services talk over, the consumer each stage reads with, the event types that
// travel on them with their schema names and versions, the deterministic ids
// that make every publish idempotent, and the CloudEvents headers every message
// carries.
//
// Every service depends on this package and nothing else of the others, so a
// change here is a change of the wire format: additive changes (a new optional
// field) keep the schema version; anything else bumps it.
package events
