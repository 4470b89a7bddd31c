package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// AllowedHost names a host the guard lets reach private and loopback
// addresses: a feed server on the same private network as the fetcher (a
// container beside it, a site on the intranet). Only connections to that
// exact name, as written in the URL being fetched, are let through; a
// redirect from it to any other private host is still refused.
type AllowedHost struct {
	// Host is a DNS name in lower case without a trailing dot, or an IP
	// address in its canonical form.
	Host string
	// Port restricts the allowance to one port; 0 allows every port.
	Port int
}

func (a AllowedHost) String() string {
	if a.Port == 0 {
		return a.Host
	}
	return net.JoinHostPort(a.Host, strconv.Itoa(a.Port))
}

// ErrAllowedHost is wrapped by the errors of ParseAllowedHost.
var ErrAllowedHost = errors.New("fetch: invalid allowed host")

// ParseAllowedHost parses "host" or "host:port": a DNS name or an IP address
// (IPv6 in brackets when a port follows). Wildcards, URLs and paths are
// refused: an allowance names one host exactly.
func ParseAllowedHost(s string) (AllowedHost, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return AllowedHost{}, fmt.Errorf("%w: empty", ErrAllowedHost)
	}
	if strings.ContainsAny(in, "/?#@*\\ \t") {
		return AllowedHost{}, fmt.Errorf("%w: %q is not a host name (give the host only, no scheme, path or wildcard)", ErrAllowedHost, s)
	}
	host, port := in, 0
	switch {
	case strings.HasPrefix(in, "["):
		h, p, err := net.SplitHostPort(in)
		if err != nil {
			if !strings.HasSuffix(in, "]") {
				return AllowedHost{}, fmt.Errorf("%w: %q: %v", ErrAllowedHost, s, err)
			}
			h, p = in[1:len(in)-1], ""
		}
		host = h
		if p != "" {
			if port, err = parsePort(p); err != nil {
				return AllowedHost{}, fmt.Errorf("%w: %q: %v", ErrAllowedHost, s, err)
			}
		}
		if _, err := netip.ParseAddr(host); err != nil {
			return AllowedHost{}, fmt.Errorf("%w: %q: brackets hold an IPv6 address", ErrAllowedHost, s)
		}
	case strings.Count(in, ":") == 1:
		h, p, err := net.SplitHostPort(in)
		if err != nil {
			return AllowedHost{}, fmt.Errorf("%w: %q: %v", ErrAllowedHost, s, err)
		}
		if port, err = parsePort(p); err != nil {
			return AllowedHost{}, fmt.Errorf("%w: %q: %v", ErrAllowedHost, s, err)
		}
		host = h
	}
	name, err := canonicalHost(host)
	if err != nil {
		return AllowedHost{}, fmt.Errorf("%w: %q: %v", ErrAllowedHost, s, err)
	}
	return AllowedHost{Host: name, Port: port}, nil
}

// ParseAllowedHosts parses every entry of list, reporting all the bad ones.
func ParseAllowedHosts(list []string) ([]AllowedHost, error) {
	var out []AllowedHost
	var errs []error
	for _, s := range list {
		a, err := ParseAllowedHost(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}

func parsePort(p string) (int, error) {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(p, "+") {
		return 0, fmt.Errorf("port %q is not 1 to 65535", p)
	}
	return n, nil
}

// canonicalHost is the form hosts are compared in: an IP address as
// netip prints it, a name in lower case without a trailing dot.
func canonicalHost(h string) (string, error) {
	if ip, err := netip.ParseAddr(h); err == nil {
		if ip.Zone() != "" {
			return "", errors.New("an address with a zone cannot be allowed")
		}
		return ip.Unmap().String(), nil
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "" || len(h) > 253 {
		return "", errors.New("a host name has 1 to 253 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return "", errors.New("a host name's labels have 1 to 63 characters")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return "", fmt.Errorf("%q is not allowed in a host name", r)
			}
		}
	}
	return h, nil
}

// allowed reports whether host (as in a dialled address) at port is one of
// the allowed hosts.
func allowed(list []AllowedHost, host string, port int) bool {
	if len(list) == 0 {
		return false
	}
	h, err := canonicalHost(host)
	if err != nil {
		return false
	}
	for _, a := range list {
		if a.Host == h && (a.Port == 0 || a.Port == port) {
			return true
		}
	}
	return false
}

// checkAllowedAddr is the guard for an allowed host: private and loopback
// addresses pass, but never link-local ones (cloud metadata services live
// there), multicast or unspecified addresses.
func checkAllowedAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrPrivateAddress)
	}
	ip = ip.Unmap()
	if ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() {
		return fmt.Errorf("%w: %s, even for an allowed host", ErrPrivateAddress, ip)
	}
	return nil
}

// allowedControl is dialControl for the sockets of allowed hosts.
func allowedControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %q", ErrPrivateAddress, address)
	}
	return checkAllowedAddr(ap.Addr())
}
