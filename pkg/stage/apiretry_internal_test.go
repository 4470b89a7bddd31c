package stage

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRetryUnansweredRetriesOnlyWhatWentUnanswered(t *testing.T) {
	refused := errors.New("refused")
	for _, tc := range []struct {
		name      string
		results   []error // what each call returns; nil when they run out
		wantCalls int
		wantErr   error
	}{
		{"answered at once", nil, 1, nil},
		{"unanswered, then answered", []error{context.DeadlineExceeded, context.DeadlineExceeded}, 3, nil},
		{"refused", []error{refused}, 1, refused},
		{"unanswered, then refused", []error{context.DeadlineExceeded, refused}, 2, refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := RetryUnanswered(context.Background(), func(ctx context.Context) error {
				if _, ok := ctx.Deadline(); !ok {
					t.Error("a call without a deadline")
				}
				calls++
				if calls <= len(tc.results) {
					return tc.results[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || calls != tc.wantCalls {
				t.Errorf("RetryUnanswered = %v after %d calls, want %v after %d", err, calls, tc.wantErr, tc.wantCalls)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := RetryUnanswered(ctx, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RetryUnanswered past its context's end = %v", err)
	}
}
