package resilient

import (
	"fmt"
	"net"
	"net/url"
)

// STOMP ports of a SOAR broker when a URL names none: 65001 for TLS (what
// SOAR's ActiveMQ listens on, resilient-circuits' default stomp_port), 61613
// for plain STOMP (a local ActiveMQ, the simulators).
const (
	StompTLSPort   = "65001"
	StompPlainPort = "61613"
)

// ParseStompURL is irisflow's one reading of a broker URL: stomp+ssl://host[:port]
// (TLS) or stomp://host[:port] (plain), nothing else. It returns host:port
// and whether the connection uses TLS.
func ParseStompURL(s string) (addr string, useTLS bool, err error) {
	if s == "" {
		return "", false, fmt.Errorf("no STOMP URL (want stomp+ssl://host:port or stomp://host:port)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false, fmt.Errorf("STOMP URL: %w", err)
	}
	port := StompPlainPort
	switch u.Scheme {
	case "stomp+ssl":
		useTLS, port = true, StompTLSPort
	case "stomp":
	default:
		return "", false, fmt.Errorf("STOMP URL %q: scheme %q (want stomp+ssl:// for TLS or stomp:// for plain STOMP)", s, u.Scheme)
	}
	if u.Hostname() == "" {
		return "", false, fmt.Errorf("STOMP URL %q has no host", s)
	}
	if u.Port() != "" {
		port = u.Port()
	}
	return net.JoinHostPort(u.Hostname(), port), useTLS, nil
}
