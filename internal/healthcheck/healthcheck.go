// Package healthcheck asks an HTTP health endpoint whether a service is well.
// Container images built FROM scratch have no shell and no curl, so the
// docker compose stack copies a tiny static binary built on this package into
// every image and names it in each healthcheck.
package healthcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ErrUnhealthy is returned when the endpoint answers with a status other
// than 2xx.
var ErrUnhealthy = errors.New("healthcheck: unhealthy")

// maxBody is how much of an unhealthy answer is quoted in the error.
const maxBody = 512

// Check GETs url and returns nil when it answers 2xx within timeout.
func Check(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: building request for %s: %w", url, err)
	}
	// No proxy: the endpoint is the container's own.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: asking %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%w: %s answered %s: %q", ErrUnhealthy, url, resp.Status, body)
	}
	return nil
}
