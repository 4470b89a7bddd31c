// Package stage runs one wirewatch pipeline stage: it reads the stage's input
// from a durable JetStream pull consumer in batches, calls a plain handler
// function for each message, publishes what the handler returns idempotently,
// and only then acknowledges the input. The handler knows nothing of the
// broker; the runner makes every acknowledgement decision:
//
//   - success: the outputs are published (each with its Nats-Msg-Id), then Ack;
//   - a retryable error: NakWithDelay with capped exponential backoff;
//   - a permanent error (bad input, see Permanent), or the last allowed
//     delivery: a DeadLetter on news.dlq.<stage>, then Term. A dead letter
//     that cannot be stored is nak'ed for later, except on the last allowed
//     delivery, which the server would not redeliver: it is retried in place;
//   - long work: InProgress heartbeats until the message is settled, its
//     outputs' publishing included.
//
// Run stops consuming when its context ends, finishes the messages it already
// holds, and returns; it returns an error if its consumer stops delivering
// before then.
package stage
