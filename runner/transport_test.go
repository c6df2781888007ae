package runner

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealTargetsVerifyTLS: against Stone the transport asks for TLS 1.2
// at least and verifies certificates, even when handed a transport that
// skipped verification; a self-signed server and a TLS 1.1 server are
// both refused.
func TestRealTargetsVerifyTLS(t *testing.T) {
	insecure := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}}
	for _, target := range []string{TargetSandbox, TargetProduction} {
		for name, given := range map[string]http.RoundTripper{"default": nil, "insecure given": insecure} {
			t.Run(target+"/"+name, func(t *testing.T) {
				tr, ok := transportFor(target, given).(*http.Transport)
				require.True(t, ok, "an *http.Transport")
				require.NotNil(t, tr.TLSClientConfig)
				assert.GreaterOrEqual(t, tr.TLSClientConfig.MinVersion, uint16(tls.VersionTLS12))
				assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)

				selfSigned := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
				defer selfSigned.Close()
				_, err := (&http.Client{Transport: tr}).Get(selfSigned.URL)
				require.Error(t, err)
				assert.Contains(t, err.Error(), "certificate")

				old := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
				old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
				old.StartTLS()
				defer old.Close()
				trusting := tr.Clone()
				trusting.TLSClientConfig.RootCAs = old.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
				_, err = (&http.Client{Transport: trusting}).Get(old.URL)
				require.Error(t, err, "TLS 1.1 is refused even from a trusted server")
				assert.Contains(t, err.Error(), "protocol version")
			})
		}
	}
	assert.Same(t, insecure, transportFor(TargetSimulator, insecure), "the simulator target keeps what it is given")
}
