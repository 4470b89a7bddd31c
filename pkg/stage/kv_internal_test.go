package stage

import (
	"fmt"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

func TestStoreBusy(t *testing.T) {
	busy := &jetstream.APIError{Code: 500, ErrorCode: 10049, Description: "error creating store for stream"}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"the old store not removed yet", busy, true},
		{"wrapped", fmt.Errorf("creating bucket: %w", busy), true},
		{"another failure to create the stream", &jetstream.APIError{Code: 500, ErrorCode: 10049, Description: "insufficient resources"}, false},
		{"another error", &jetstream.APIError{Code: 400, ErrorCode: 10058, Description: "stream name already in use with a different configuration"}, false},
		{"no API error", fmt.Errorf("error creating store for stream"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := storeBusy(tt.err); got != tt.want {
				t.Errorf("storeBusy(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
