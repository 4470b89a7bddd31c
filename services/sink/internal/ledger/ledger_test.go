package ledger

import (
	"context"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestMarkThenHasPerNamespace(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	a, err := Open(ctx, js, "webhook-aa", time.Hour, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, js, "stdout-bb", time.Hour, 1)
	if err != nil {
		t.Fatal(err)
	}
	key := "0123456789abcdef01234567@" + "ff"
	if has, err := a.Has(ctx, key); err != nil || has {
		t.Fatalf("Has before Mark = %v, %v", has, err)
	}
	if err := a.Mark(ctx, key); err != nil {
		t.Fatal(err)
	}
	if has, err := a.Has(ctx, key); err != nil || !has {
		t.Errorf("Has after Mark = %v, %v; want true", has, err)
	}
	if has, _ := b.Has(ctx, key); has {
		t.Error("another output's ledger has the key")
	}
	// A second sink process opening the same ledger sees the mark.
	again, err := Open(ctx, js, "webhook-aa", time.Hour, 1)
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := again.Has(ctx, key); !has {
		t.Error("a reopened ledger lost the mark")
	}
}
