package stage_test

import (
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

func TestRunServiceChecksTheConfigurationFirst(t *testing.T) {
	var limit int
	svc := stage.Service{
		Name: "test",
		Flags: func(fs *flag.FlagSet, _ func(string) string) {
			fs.IntVar(&limit, "limit", 1, "a service flag")
		},
		Check: func(c stage.Common) error {
			if limit < 0 {
				return errors.New("limit is negative")
			}
			return nil
		},
		Run: func(context.Context, stage.Env) error {
			t.Error("ran a service whose configuration is wrong")
			return nil
		},
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"service and common problems together", []string{"--limit", "-1", "--log-level", "loud"}, []string{"limit is negative", "--log-level"}},
		{"stray argument", []string{"extra"}, []string{"unexpected arguments"}},
		{"unknown flag", []string{"--nope"}, []string{"not defined"}},
		{"help", []string{"--help"}, []string{flag.ErrHelp.Error()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := stage.RunService(context.Background(), svc, tt.args, func(string) string { return "" })
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}
