package runner

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("scenarios.yaml", []byte(`
version: 1
target: sandbox
operator: Ana
signoff: {operator: Ana, approver: Bruno, role: QA lead, environment: sandbox}
client: {id: abc, private_key_file: keys/private.pem, redirect_uri: "https://p.example/cb"}
timeout: 90
owner: {wait: 2m, poll: 5s}
fixtures: {own_account_id: acc-1, transfer_targets: ["58859"]}
redact: {headers: [X-Secret], json_paths: [data.*.owner_name, "**.name", data.**.document]}
`))
	require.NoError(t, err)
	assert.Equal(t, TargetSandbox, cfg.Target)
	assert.Equal(t, Duration(90*time.Second), cfg.Timeout)
	assert.Equal(t, Duration(2*time.Minute), cfg.Owner.Wait)
	assert.Equal(t, "Bruno", cfg.Signoff.Approver)
	assert.Equal(t, []string{"58859"}, cfg.Fixtures.TransferTargets)
	assert.Len(t, cfg.SourceSHA256, 64)

	empty, err := ParseConfig("empty.yaml", nil)
	require.NoError(t, err, "an empty file means the defaults")
	assert.Equal(t, TargetSimulator, empty.Target)
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"target: staging", `target: unknown target "staging"`},
		{"version: 2", "version: unsupported version 2"},
		{"concurrency: 0", "concurrency: 0 is out of range"},
		{"client:\n  idd: x", `line 2: unknown key "idd"`},
		{"timeout: [1]", "line 1"},
		{"target: [", "line 1"},
		{"signoff: {operator: Ana}", "signoff: operator and approver are both required"},
		{"features: {order: 3}", "line 1"},
		{"redact: {json_paths: [data..name]}", `redact.json_paths[0]: "data..name": empty segment`},
		{"redact: {json_paths: [ok.name, 'data.a**.name']}", `redact.json_paths[1]: "data.a**.name": segment "a**"`},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			_, err := ParseConfig("plan.yaml", []byte(tt.yaml))
			require.Error(t, err)
			var ce *ConfigError
			require.True(t, errors.As(err, &ce))
			assert.True(t, strings.HasPrefix(err.Error(), "plan.yaml: "), err.Error())
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "runner.", "no Go type names in messages")
		})
	}
}

// FuzzParseConfig: arbitrary YAML never panics, and what is accepted is
// valid.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("version: 1\ntarget: simulator\n"))
	f.Add([]byte("client: {id: x}\ntimeout: 10m\n"))
	f.Add([]byte("features:\n  order: [a, b]\n"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("fuzz.yaml", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted an invalid plan: %v", err)
		}
	})
}

func TestTags(t *testing.T) {
	for _, ok := range []string{"", "@a", "@a,@b", "@a&&~@b", " @stage-1 , @stage-2 ", "~@slow"} {
		assert.NoError(t, checkTags(ok), ok)
	}
	for _, bad := range []string{"@a &&", "@a || @b", "(@a)", "@a,,@b", "not @a", "&&"} {
		assert.Error(t, checkTags(bad), bad)
	}
	assert.Equal(t, "@read-only", requireTag("", "@read-only"))
	assert.Equal(t, "@a&&@read-only,@b&&~@x&&@read-only", requireTag("@a,@b&&~@x", "@read-only"))
}

// TestOwnerPIN: the PIN comes from the variable fixtures.pin_env names,
// a missing one is a configuration error naming the key, and the plan
// written to the bundle holds the variable's name, never the PIN.
func TestOwnerPIN(t *testing.T) {
	c := Defaults()
	c.Fixtures.PINEnv = "HOMOLOG_PIN"
	env := Env{Lookup: func(k string) (string, bool) {
		if k == "HOMOLOG_PIN" {
			return "8642", true
		}
		return "", false
	}}
	pin, why := ownerPIN(c, env)
	if why != "" || pin != "8642" {
		t.Fatalf("pin %q, why %q", pin, why)
	}
	// Unset: no PIN and why, for the top-up scenarios' blocked report.
	if pin, why := ownerPIN(c, Env{Lookup: func(string) (string, bool) { return "", false }}); pin != "" || !strings.Contains(why, "HOMOLOG_PIN, which is not set") {
		t.Fatalf("pin %q, why %q", pin, why)
	}
	out, err := yaml.Marshal(c)
	if err != nil || strings.Contains(string(out), "8642") || !strings.Contains(string(out), "pin_env: HOMOLOG_PIN") {
		t.Fatalf("plan = %s (%v)", out, err)
	}
}
