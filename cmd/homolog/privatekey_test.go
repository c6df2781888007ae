package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// newKeyPEM returns a fresh RSA key of bits and its PKCS#1 PEM.
func newKeyPEM(t *testing.T, bits int) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	require.NoError(t, err)
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// bundleOf is the last line a run prints: the bundle it wrote.
func bundleOf(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// TestPrivateKeyEnvSignsTheBundle: the key named by client.private_key_env
// is the key that signs, on the simulator target too (which registers its
// public half), so `verify --public-key` with the user's public key says
// intact.
func TestPrivateKeyEnvSignsTheBundle(t *testing.T) {
	key, keyPEM := newKeyPEM(t, 2048)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("client:\n  private_key_env: PARTNER_KEY\n"), 0o644))
	pubPEM, err := evidence.EncodePublicKey(&key.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "partner-public.pem"), pubPEM, 0o644))

	code, out, errOut := cli(t, dir, map[string]string{"PARTNER_KEY": string(keyPEM)}, "run", "--tags", "@stage-1")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	bundle := bundleOf(out)

	code, out, errOut = cli(t, dir, nil, "verify", bundle, "--public-key", "partner-public.pem")
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, bundle+": intact")
	assert.Contains(t, out, "checked with the public key given with --public-key")
}

// TestPrivateKeyUsageErrors: a key given twice, a named variable that is
// unset or holds no private key, a weak or passphrase-protected key are
// usage errors (exit 2) on every target, on one line of stderr naming the
// field or variable, before any bundle is started.
func TestPrivateKeyUsageErrors(t *testing.T) {
	_, goodPEM := newKeyPEM(t, 2048)
	_, weakPEM := newKeyPEM(t, 1024)
	keys := t.TempDir()
	good := filepath.Join(keys, "good.pem")
	require.NoError(t, os.WriteFile(good, goodPEM, 0o600))
	weak := filepath.Join(keys, "weak.pem")
	require.NoError(t, os.WriteFile(weak, weakPEM, 0o600))
	// A legacy OpenSSL-encrypted key: the PEM headers say so.
	legacy := filepath.Join(keys, "legacy.pem")
	require.NoError(t, os.WriteFile(legacy, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   []byte("ciphertext that no one can read without the passphrase")}), 0o600))
	pkcs8 := filepath.Join(keys, "pkcs8.pem")
	encPKCS8 := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("pkcs8 ciphertext")})
	require.NoError(t, os.WriteFile(pkcs8, encPKCS8, 0o600))

	tests := []struct {
		name   string
		client string // the client block of scenarios.yaml
		env    map[string]string
		want   []string
	}{
		{name: "file and variable both set", client: "private_key_file: " + good + "\n  private_key_env: PARTNER_KEY",
			env: map[string]string{"PARTNER_KEY": string(goodPEM)}, want: []string{"private_key_file", "private_key_env", "both"}},
		{name: "variable file and key variable both set", client: "private_key_env: PARTNER_KEY",
			env: map[string]string{"PARTNER_KEY": string(goodPEM), "HOMOLOG_PRIVATE_KEY_FILE": good}, want: []string{"private_key_file", "private_key_env", "both"}},
		{name: "variable unset", client: "private_key_env: PARTNER_KEY", want: []string{"client.private_key_env", "PARTNER_KEY", "not set"}},
		{name: "variable empty", client: "private_key_env: PARTNER_KEY", env: map[string]string{"PARTNER_KEY": ""}, want: []string{"PARTNER_KEY", "not set"}},
		{name: "variable not a key", client: "private_key_env: PARTNER_KEY", env: map[string]string{"PARTNER_KEY": "hunter2"},
			want: []string{"client.private_key_env", "PARTNER_KEY", "not a PEM"}},
		{name: "variable holds a weak key", client: "private_key_env: PARTNER_KEY", env: map[string]string{"PARTNER_KEY": string(weakPEM)},
			want: []string{"PARTNER_KEY", "1024 bits", "at least 2048"}},
		{name: "variable holds an encrypted key", client: "private_key_env: PARTNER_KEY", env: map[string]string{"PARTNER_KEY": string(encPKCS8)},
			want: []string{"PARTNER_KEY", "passphrase"}},
		{name: "weak key file", client: "private_key_file: " + weak, want: []string{weak, "1024 bits", "at least 2048", "homolog keys generate"}},
		{name: "legacy encrypted key file", client: "private_key_file: " + legacy, want: []string{legacy, "passphrase", "openssl"}},
		{name: "PKCS#8 encrypted key file", client: "private_key_file: " + pkcs8, want: []string{pkcs8, "passphrase", "openssl"}},
	}
	for _, target := range []string{"simulator", "sandbox", "production"} {
		for _, tt := range tests {
			t.Run(target+"/"+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				yaml := "target: " + target + "\nclient:\n  id: app-1\n  " + tt.client + "\n"
				require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(yaml), 0o644))
				code, out, errOut := cli(t, dir, tt.env, "run")
				assert.Equal(t, 2, code, "stdout: %s\nstderr: %s", out, errOut)
				for _, w := range tt.want {
					assert.Contains(t, errOut, w)
				}
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one clear line: %q", errOut)
				assert.NotContains(t, errOut+out, "ciphertext", "the key's bytes are never echoed")
				assert.NotContains(t, errOut+out, "hunter2", "the variable's value is never echoed")
				_, err := os.Stat(filepath.Join(dir, "reports"))
				assert.True(t, os.IsNotExist(err), "no bundle folder for a key problem")
			})
		}
	}
}

// TestReadableKeyFileWarns: a private key file that group or others can
// read gets a warning on stderr; the run goes on.
func TestReadableKeyFileWarns(t *testing.T) {
	_, keyPEM := newKeyPEM(t, 2048)
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "private.pem")
	require.NoError(t, os.WriteFile(keyPath, keyPEM, 0o600))
	require.NoError(t, os.Chmod(keyPath, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("client:\n  private_key_file: private.pem\n"), 0o644))

	code, out, errOut := cli(t, dir, nil, "run", "--tags", "@stage-1")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, errOut, "private.pem")
	assert.Contains(t, errOut, "readable by group or others")
	assert.Contains(t, errOut, "chmod 600")
	assert.NotContains(t, out, "readable by group", "warnings go to stderr")

	require.NoError(t, os.Chmod(keyPath, 0o600))
	code, _, errOut = cli(t, dir, nil, "run", "--tags", "@stage-1")
	require.Equal(t, 0, code)
	assert.NotContains(t, errOut, "readable by group")
}
