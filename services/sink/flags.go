package sink

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultRotateSize is the JSONL rotation size the flags default to.
const DefaultRotateSize = "256MiB"

// RegisterFlags adds the flags that choose the sink's outputs to fs, with
// defaults from WIREWATCH_* environment variables read through getenv:
//
//	--output KIND[:TARGET]  repeatable: jsonl:DIR, jsonl (into the output
//	                        directory), stdout, webhook:URL, nats:SUBJECT
//	                        (env WIREWATCH_OUTPUTS: specs separated by white
//	                        space, each optionally followed by |FILTER)
//	--filter EXPR           filter of the --output before it
//	--rotate-size SIZE      JSONL rotation size, e.g. 256MiB; 0 for none
//	--webhook-secret S      HMAC key of webhook signatures
//	--webhook-timeout D     bound of one webhook request
//	--webhook-attempts N    tries of one delivery before it is retried later
//
// Malformed values are reported by Config.Validate, all at once, except
// what the flag package itself rejects.
func (c *Config) RegisterFlags(fs *flag.FlagSet, getenv func(string) string) {
	ov := &outputsValue{cfg: c}
	for s := range strings.FieldsSeq(getenv("WIREWATCH_OUTPUTS")) {
		c.Outputs = append(c.Outputs, ParseOutputSpec(s))
	}
	ov.fromEnv = len(c.Outputs) > 0
	fs.Var(ov, "output", "deliver to `KIND[:TARGET]`: jsonl:DIR, stdout, webhook:URL or nats:SUBJECT; repeatable; default jsonl into the output directory (env WIREWATCH_OUTPUTS, white-space separated, each KIND[:TARGET][|FILTER])")
	fs.Var(filterValue{ov}, "filter", "deliver to the --output before it only the articles that pass `EXPR`: "+FilterHelp)
	size := envOr(getenv, "WIREWATCH_ROTATE_SIZE", DefaultRotateSize)
	var err error
	if c.RotateBytes, err = ParseSize(size); err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_ROTATE_SIZE: %w", err))
	}
	fs.Func("rotate-size", "start a new JSONL file past `SIZE` (e.g. 64MiB, 1GB; 0 for no limit; default "+size+", env WIREWATCH_ROTATE_SIZE)", func(v string) error {
		n, err := ParseSize(v)
		c.RotateBytes = n
		return err
	})
	fs.StringVar(&c.Webhook.Secret, "webhook-secret", getenv("WIREWATCH_WEBHOOK_SECRET"), "sign webhook requests with HMAC-SHA256 under `key` (prefer the env WIREWATCH_WEBHOOK_SECRET)")
	timeout, err := time.ParseDuration(envOr(getenv, "WIREWATCH_WEBHOOK_TIMEOUT", "10s"))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_WEBHOOK_TIMEOUT: %w", err))
	}
	fs.DurationVar(&c.Webhook.Timeout, "webhook-timeout", timeout, "bound of one webhook request (env WIREWATCH_WEBHOOK_TIMEOUT)")
	attempts, err := strconv.Atoi(envOr(getenv, "WIREWATCH_WEBHOOK_ATTEMPTS", "3"))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_WEBHOOK_ATTEMPTS: %w", err))
	}
	fs.IntVar(&c.Webhook.Attempts, "webhook-attempts", attempts, "tries of one webhook delivery before the article is redelivered later (env WIREWATCH_WEBHOOK_ATTEMPTS)")
	claim, err := time.ParseDuration(envOr(getenv, "WIREWATCH_SINK_CLAIM_TIMEOUT", "0s"))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_SINK_CLAIM_TIMEOUT: %w", err))
	}
	fs.DurationVar(&c.ClaimTimeout, "claim-timeout", claim, "bound of one delivery to a webhook, stdout or nats output; a replica handed an article another is delivering waits this long for it (0: twice the webhook attempts together, at least 30s; env WIREWATCH_SINK_CLAIM_TIMEOUT)")
}

// outputsValue is the repeatable --output flag. Outputs given on the command
// line replace those from the environment.
type outputsValue struct {
	cfg     *Config
	fromEnv bool
	given   int
}

func (v *outputsValue) String() string {
	if v == nil || v.cfg == nil {
		return ""
	}
	var s []string
	for _, o := range v.cfg.Outputs {
		s = append(s, o.String())
	}
	return strings.Join(s, " ")
}

func (v *outputsValue) Set(s string) error {
	if v.fromEnv {
		v.cfg.Outputs, v.fromEnv = nil, false
	}
	v.cfg.Outputs = append(v.cfg.Outputs, ParseOutputSpec(s))
	v.given++
	return nil
}

// filterValue is the --filter flag: it sets the filter of the last --output.
type filterValue struct{ outputs *outputsValue }

func (v filterValue) String() string { return "" }

func (v filterValue) Set(s string) error {
	if v.outputs.given == 0 {
		return errors.New("--filter must follow the --output it applies to")
	}
	o := &v.outputs.cfg.Outputs[len(v.outputs.cfg.Outputs)-1]
	if o.Filter != "" {
		o.Filter += ","
	}
	o.Filter += s
	return nil
}

// ParseSize parses a byte size: a number with an optional unit B, KB, MB,
// GB (powers of 1000) or KiB, MiB, GiB (powers of 1024); K, M and G are the
// binary units.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("size %q is not a number with an optional unit (B, KB, KiB, MB, MiB, GB, GiB)", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9,
		"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("size %q has an unknown unit %q", s, unit)
	}
	return int64(f * mult), nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
