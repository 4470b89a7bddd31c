// Package sink benchmarks the sink's delivery into JSONL files, with its
// fsync batching, against the throughput of the stage before it, the
// deduper, on the same machine in the same run: `make bench-sink`.
package sink
