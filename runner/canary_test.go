package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// canaryTransport plants secrets where a careless recorder would write
// them (a private key and a cookie in API responses) and captures the real
// secrets of the run (access token, client assertion, consent JWT) as they
// cross the wire, so the test can look for every one of them in the bundle.
type canaryTransport struct {
	plantedKey string
	mu         sync.Mutex
	secrets    []string
}

// Documents planted inside structured strings, where free-text masking
// cannot see them: digits glued to the fields of a BR Code (EMV TLV), a BR
// Code URL-encoded in a query value, a BR Code inside JSON inside a JSON
// string, and a CNPJ as a PIX key. Each has valid check digits: a real
// person's or company's document.
const (
	plantedCPFInBRCode  = "94580730224"
	plantedCPFInQuery   = "15736819384"
	plantedCPFInJSONStr = "03642621252"
	plantedCNPJInBRCode = "40289176000120"
)

// pixKeyInBRCode finds the PIX key inside a BR Code crossing the wire: the
// simulator's static BR Code pays a CPF key, which is as much a person's
// document as any other.
var pixKeyInBRCode = regexp.MustCompile(`(?i)br\.gov\.bcb\.pix01(\d\d)`)

// staticBRCode builds a static BR Code (EMV TLV with its CRC16) paying key.
func staticBRCode(key, name string) string {
	tlv := func(id, v string) string { return fmt.Sprintf("%s%02d%s", id, len(v), v) }
	body := tlv("00", "01") + tlv("26", tlv("00", "br.gov.bcb.pix")+tlv("01", key)) + tlv("52", "0000") + tlv("53", "986") +
		tlv("54", "10.00") + tlv("58", "BR") + tlv("59", name) + tlv("60", "SAO PAULO") + tlv("62", tlv("05", "***")) + "6304"
	crc := uint16(0xFFFF)
	for _, b := range []byte(body) {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return body + fmt.Sprintf("%04X", crc)
}

// keepBRCodeKeys keeps every all-digit PIX key (a CPF or CNPJ) of the BR
// Codes in text.
func (c *canaryTransport) keepBRCodeKeys(text string) {
	for _, m := range pixKeyInBRCode.FindAllStringSubmatchIndex(text, -1) {
		n, _ := strconv.Atoi(text[m[2]:m[3]])
		if key := text[m[1]:min(len(text), m[1]+n)]; (n == 11 || n == 14) && strings.Trim(key, "0123456789") == "" {
			c.keep(key)
		}
	}
}

var signaturePart = regexp.MustCompile(`^[^.]+\.[^.]+\.([A-Za-z0-9_-]+)$`)

func (c *canaryTransport) keep(s ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range s {
		if v != "" {
			c.secrets = append(c.secrets, v)
		}
	}
}

// keepJWT keeps a JWT and its signature, the part that makes it usable.
func (c *canaryTransport) keepJWT(tok string) {
	c.keep(tok)
	if m := signaturePart.FindStringSubmatch(tok); m != nil {
		c.keep(m[1])
	}
}

func (c *canaryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		c.keepBRCodeKeys(string(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_assertion") != "" {
			c.keepJWT(form.Get("client_assertion"))
		}
		var link struct{ Link string }
		if json.Unmarshal(body, &link) == nil && link.Link != "" {
			if u, err := url.Parse(link.Link); err == nil {
				c.keepJWT(u.Query().Get("jwt"))
			}
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.keepBRCodeKeys(string(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.AccessToken != "" {
		c.keepJWT(tok.AccessToken)
	}
	if strings.HasSuffix(r.URL.Path, "/balance") {
		// A server that leaks a key in a response must not make homolog
		// leak it too.
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			m["private_key"] = c.plantedKey
			m["debug"] = "key follows " + c.plantedKey
			m["qr_code"] = staticBRCode(plantedCPFInBRCode, "Ana Lima")
			m["pay_link"] = "https://pix.example/pay?brcode=" + url.QueryEscape(staticBRCode(plantedCPFInQuery, "Caio Souza")) + "&lang=pt"
			nested, _ := json.Marshal(map[string]any{"qr": staticBRCode(plantedCPFInJSONStr, "Bia Reis"), "company": staticBRCode(plantedCNPJInBRCode, "Loja Exemplo")})
			m["meta"] = string(nested)
			body, _ = json.Marshal(m)
		}
		resp.Header.Set("Set-Cookie", "session=canary-cookie-9f8e7d6c5b4a; HttpOnly")
		c.keep("canary-cookie-9f8e7d6c5b4a", plantedCPFInBRCode, plantedCPFInQuery, plantedCPFInJSONStr, plantedCNPJInBRCode)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// needles are what must never be found: each secret whole and every long
// alphanumeric run in it, so an escaped copy (HTML entities, JSON \u
// escapes, line-wrapped base64) is caught as well.
func needles(secrets []string) []string {
	runs := regexp.MustCompile(`[A-Za-z0-9]{20,}`)
	var out []string
	for _, s := range secrets {
		out = append(out, s)
		for _, r := range runs.FindAllString(s, -1) {
			// Skip the JWT header and claims: they are meant to stay
			// readable; the captured signatures are checked on their own.
			if strings.HasPrefix(r, "eyJ") {
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// TestCanary runs the whole script with secrets planted and captured, then
// reads every byte of every file of the bundle, and the console output,
// looking for them: there must be none.
func TestCanary(t *testing.T) {
	keyPath, _ := partnerKey(t)
	pemBytes, err := os.ReadFile(keyPath)
	require.NoError(t, err)
	ct := &canaryTransport{plantedKey: string(pemBytes)}
	ct.keep(string(pemBytes))

	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Client.PrivateKeyFile = keyPath
	out := &syncBuffer{}
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: out, Lookup: noEnv}, Transport: ct})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())

	ct.mu.Lock()
	secrets := append([]string(nil), ct.secrets...)
	ct.mu.Unlock()
	var kinds int
	for _, s := range secrets {
		if strings.HasPrefix(s, "eyJ") {
			kinds++
		}
	}
	require.GreaterOrEqual(t, kinds, 3, "captured at least an access token, an assertion and a consent JWT")
	require.Contains(t, secrets, plantedCPFInBRCode, "the documents were planted")
	wire := 0
	for _, s := range secrets {
		if strings.Trim(s, "0123456789") == "" && !strings.Contains(plantedCPFInBRCode+plantedCPFInQuery+plantedCPFInJSONStr+plantedCNPJInBRCode, s) {
			wire++
		}
	}
	require.Positive(t, wire, "the document in the simulator's static BR Code was captured from the wire")

	// The private key's PEM shares the modulus with the public key, which
	// the bundle carries on purpose; runs that are public are not leaks.
	pubPEM, err := os.ReadFile(filepath.Join(res.Bundle, "public-key.pem"))
	require.NoError(t, err)
	var ns []string
	for _, n := range needles(secrets) {
		if !strings.Contains(string(pubPEM), n) {
			ns = append(ns, n)
		}
	}
	files := 0
	require.NoError(t, filepath.WalkDir(res.Bundle, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, text := range []string{string(data), html.UnescapeString(string(data))} {
			for _, n := range ns {
				if strings.Contains(text, n) {
					t.Errorf("%s contains a secret (%.12s…)", filepath.Base(p), n)
					return nil
				}
			}
		}
		return nil
	}))
	assert.GreaterOrEqual(t, files, 10, "every file of the bundle was read, bodies included")
	for _, n := range ns {
		assert.NotContains(t, out.String(), n, "console output")
	}
	// The evidence is still there, just without the secrets.
	data, err := os.ReadFile(filepath.Join(res.Bundle, "journal.ndjson"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "[private key [redacted:")
	assert.Contains(t, string(data), `"idempotency_key":"homolog-`)
}

// TestAnyDepthRedactPath: "**.owner_name" and "**.name" in
// redact.json_paths reach every such member of the run — accounts,
// statement entries' counterparties, webhook payloads — in every file of
// the bundle; "data.*.owner_name" reached only account listings.
func TestAnyDepthRedactPath(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Redact.JSONPaths = []string{"**.owner_name", "**.name"}
	out := &syncBuffer{}
	res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: out, Lookup: noEnv}})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())

	journal, err := os.ReadFile(filepath.Join(res.Bundle, "journal.ndjson"))
	require.NoError(t, err)
	require.Contains(t, string(journal), `"kind":"webhook"`, "webhook payloads were recorded")
	require.Contains(t, string(journal), `\"target_data\":{\"account_code\"`, "a webhook about an account was recorded")
	require.Contains(t, string(journal), `\"entity\":{\"name\":\"[redacted:`, "statement entries' counterparties were recorded, redacted")
	for _, f := range []string{"journal.ndjson", "report.json", "report.html"} {
		data, err := os.ReadFile(filepath.Join(res.Bundle, f))
		require.NoError(t, err)
		text := html.UnescapeString(string(data))
		// The consenting owner (an account's and a webhook's owner_name)
		// and a counterparty of the seeded statement (entity.name).
		for _, name := range []string{"Maria Aparecida Souza", "Octacilio Impoluto"} {
			assert.NotContains(t, text, name, "%s shows a name that **.name redacts", f)
		}
	}
}
