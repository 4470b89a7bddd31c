// Package docscheck holds the test that keeps what the documentation says
// about the commands' flags and environment variables true: README.md,
// docs/operations.md, docs/subscribing.md, deploy/README.md and the compose
// file against the flag sets the four services, the wirewatch command's
// verbs and stacksetup really build. The package has no code of its own.
package docscheck
