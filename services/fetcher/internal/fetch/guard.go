package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// blocked are the ranges a fetch may not reach besides those netip.Addr
// classifies itself (loopback, private, link-local, multicast, unspecified):
// addresses that are not on the public internet, and IPv6 ranges that embed an
// IPv4 address (checked separately).
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network" (RFC 791)
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (RFC 6890)
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (RFC 5737)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544)
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated, RFC 4291)
	netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation (RFC 3849)
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated, RFC 3879)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
}

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64 prefix (RFC 6052)
	sixToF4 = netip.MustParsePrefix("2002::/16")    // 6to4 (RFC 3056)
)

// CheckAddr returns an error wrapping ErrPrivateAddress when ip is not a
// public unicast address: loopback, private (RFC 1918, ULA fc00::/7),
// link-local, multicast, unspecified, carrier-grade NAT (100.64.0.0/10),
// reserved and documentation ranges, and IPv6 forms that embed such an IPv4
// address (IPv4-mapped, NAT64, 6to4).
func CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrPrivateAddress)
	}
	ip = ip.Unmap()
	if ip.Is6() {
		switch {
		case nat64.Contains(ip):
			b := ip.As16()
			if err := CheckAddr(netip.AddrFrom4([4]byte(b[12:16]))); err != nil {
				return fmt.Errorf("%w: %s embeds a refused IPv4 address", ErrPrivateAddress, ip)
			}
		case sixToF4.Contains(ip):
			b := ip.As16()
			if err := CheckAddr(netip.AddrFrom4([4]byte(b[2:6]))); err != nil {
				return fmt.Errorf("%w: %s embeds a refused IPv4 address", ErrPrivateAddress, ip)
			}
		}
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ip)
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s", ErrPrivateAddress, ip)
		}
	}
	return nil
}

// dialControl re-checks the address the socket is about to connect to. The
// resolver step in dial already filtered the addresses; this is the last line,
// for any path that reaches the dialer without going through it.
func dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %q", ErrPrivateAddress, address)
	}
	return CheckAddr(ap.Addr())
}

// dial connects to addr (host:port): it resolves host itself, drops every
// address CheckAddr refuses (unless private addresses are allowed), and dials
// the rest in order. Because the check runs on resolved addresses, a redirect
// to a private host and a DNS answer that changes between requests are both
// caught. When host (and port) is one of Options.AllowHosts, only
// checkAllowedAddr applies: the allowance follows the host being dialled, so
// a redirect from an allowed host to another private one is still refused.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", addr, err)
	}
	pn, err := net.LookupPort(network, port)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", addr, err)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = c.lookup(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
	}
	check, dialAddr := CheckAddr, c.dialAddr
	if allowed(c.allow, host, pn) {
		check, dialAddr = checkAllowedAddr, c.dialAllowed
	}
	var firstErr error
	for _, ip := range ips {
		if !c.opts.AllowPrivate {
			if err := check(ip); err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("dialing %s: %w", host, err)
				}
				continue
			}
		}
		conn, err := dialAddr(ctx, network, netip.AddrPortFrom(ip.Unmap(), uint16(pn)).String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("resolving %s: no addresses", host)
	}
	return nil, firstErr
}
