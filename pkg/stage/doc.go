// Package stage runs one wirewatch pipeline stage: it reads the stage's input
// from a durable JetStream pull consumer in batches, calls a plain handler
// function for each message, publishes what the handler returns idempotently,
// and only then acknowledges the input. The handler knows nothing of the
// broker; the runner makes every acknowledgement decision:
//
//   - success: the outputs are published (each with its Nats-Msg-Id), then Ack;
//   - a retryable error: NakWithDelay with capped exponential backoff, or the
//     delay asked for with RetryAfter, capped at Config.MaxRetryAfter;
//   - a permanent error (bad input, see Permanent), or the last allowed
//     delivery: a DeadLetter on news.dlq.<stage>, then Term. A dead letter
//     that cannot be stored is nak'ed for later, except on the last allowed
//     delivery, which the server would not redeliver: it is retried in place;
//   - waiting and long work: InProgress heartbeats from the moment a message
//     arrives until it is settled, its wait for a worker and its outputs'
//     publishing included.
//
// The runner pulls ahead (Config.Batch messages per pull request) into a
// queue of its own, asking for no more than the queue can take, so every
// message it holds is one it heartbeats: none waits unseen in a client
// buffer while its AckWait runs out. Heartbeats keep pace with the
// consumer's shortest ack timeout (AckWait, or its BackOff values); pull
// requests stay within the consumer's MaxRequestBatch, MaxRequestExpires and
// MaxWaiting, and are renewed as soon as the connection comes back from an
// outage, in case the server no longer knows them.
//
// Run stops pulling when its context ends, finishes the messages it already
// holds within Config.DrainTimeout, nak's those no worker started by then so
// they are redelivered at once, and returns; it returns an error if its
// consumer stops delivering before then.
package stage
