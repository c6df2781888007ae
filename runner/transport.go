package runner

import (
	"crypto/tls"
	"net/http"
)

// transportFor is the HTTP transport a run talks to its target with.
// Against Stone (sandbox, production) it is set explicitly rather than left
// to defaults: TLS 1.2 at least, and certificates always verified, whatever
// a given transport said. The in-process simulator speaks plain HTTP on
// 127.0.0.1. A given RoundTripper that is not an *http.Transport (tests
// inject faults that way) is used as it is.
func transportFor(target string, given http.RoundTripper) http.RoundTripper {
	var t *http.Transport
	switch g := given.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		if target == TargetSimulator {
			return g
		}
		t = g.Clone()
	default:
		return given
	}
	if target != TargetSimulator {
		cfg := &tls.Config{}
		if t.TLSClientConfig != nil {
			cfg = t.TLSClientConfig.Clone()
		}
		cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
		cfg.InsecureSkipVerify = false
		t.TLSClientConfig = cfg
	}
	return t
}
