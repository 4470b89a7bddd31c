package stage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// A bucket deleted under a service comes back at the next call, empty,
// with its configuration, and with a warning; calls that the bucket
// answers (a key not there, a create over a key that is) do not look
// further.
func TestKeyValueComesBackWhenDeleted(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	core, logs := observer.New(zap.WarnLevel)
	cfg := jetstream.KeyValueConfig{Bucket: "TEST_STATE", History: 3, Description: "test"}
	kv, err := stage.OpenKeyValue(ctx, js, cfg, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Create(ctx, "a", []byte("2")); !errors.Is(err, jetstream.ErrKeyExists) {
		t.Fatalf("Create over a key = %v, want ErrKeyExists", err)
	}
	if _, err := kv.Get(ctx, "none"); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Fatalf("Get of no key = %v, want ErrKeyNotFound", err)
	}
	if n := logs.Len(); n != 0 {
		t.Fatalf("%d warnings while the bucket was there", n)
	}

	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error {
			_, err := kv.Get(ctx, "a")
			if !errors.Is(err, jetstream.ErrKeyNotFound) {
				return errors.Join(errors.New("want the key gone with the bucket"), err)
			}
			return nil
		}},
		{"Put", func() error { _, err := kv.Put(ctx, "b", []byte("x")); return err }},
		{"Create", func() error { _, err := kv.Create(ctx, "c", []byte("x")); return err }},
		{"Delete", func() error { return kv.Delete(ctx, "d") }},
		{"Check", func() error { return kv.Check(ctx) }},
	}
	for i, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := js.DeleteKeyValue(ctx, cfg.Bucket); err != nil {
				t.Fatal(err)
			}
			if err := c.call(); err != nil {
				t.Fatalf("%s with the bucket gone: %v", c.name, err)
			}
			st, err := js.KeyValue(ctx, cfg.Bucket)
			if err != nil {
				t.Fatalf("bucket after %s: %v", c.name, err)
			}
			status, err := st.Status(ctx)
			if err != nil || status.History() != 3 {
				t.Errorf("bucket after %s: history %v, %v; want the configuration it was opened with", c.name, status, err)
			}
			if n := logs.FilterMessageSnippet("created again").Len(); n != i+1 {
				t.Errorf("%d warnings after %d deletions", n, i+1)
			}
		})
	}
	if err := kv.Check(ctx); err != nil {
		t.Errorf("Check with the bucket there: %v", err)
	}
	if n := logs.Len(); n != len(calls) {
		t.Errorf("%d warnings in all, want %d", n, len(calls))
	}
}
