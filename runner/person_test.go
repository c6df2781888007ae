package runner

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/simulator"
)

// TestSandboxTargetWithAPerson runs the plan as against Stone's sandbox —
// target sandbox, ClientID, key file and fixtures from scenarios.yaml — with
// a simulator standing in for Stone and the test playing the account owner:
// it reads what homolog prints, approves the consent and pastes the
// redirect, and approves the transfer, as a person would.
func TestSandboxTargetWithAPerson(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyPath := filepath.Join(t.TempDir(), "private.pem")
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))

	sim, err := simulator.New(simulator.Options{})
	require.NoError(t, err)
	clientID := uuid.NewString()
	fx, err := sim.Register(simulator.Client{ID: clientID, PublicKey: &key.PublicKey, RedirectURI: "https://partner.example/cb"})
	require.NoError(t, err)
	require.NoError(t, sim.Start(""))
	defer sim.Close()

	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Target = TargetSandbox
	cfg.Endpoints = EndpointsConfig{AuthURL: sim.URL(), APIURL: sim.URL(), SiteURL: sim.URL()}
	cfg.Client = ClientConfig{ID: clientID, PrivateKeyFile: keyPath, RedirectURI: "https://partner.example/cb"}
	cfg.Owner = OwnerConfig{Wait: Duration(30 * time.Second), Poll: Duration(50 * time.Millisecond)}
	cfg.Fixtures = FixturesConfig{OwnAccountID: fx.OwnAccountID, TransferTargets: fx.TransferTargets}
	cfg.Features.Order = []string{"01-authenticate", "02-read-account", "03-request-consent", "04-transact"}

	stdoutR, stdoutW := io.Pipe()
	stdinR, stdinW := io.Pipe()
	person := make(chan error, 1)
	var seen bytes.Buffer
	go func() { person <- playOwner(sim.URL(), stdoutR, stdinW, &seen) }()

	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: stdoutW, Stdin: stdinR, Interactive: true, Lookup: noEnv}})
	stdoutW.Close()
	require.NoError(t, err)
	require.NoError(t, <-person)
	require.Equal(t, ExitPassed, res.ExitCode, seen.String())
	assert.Equal(t, "sandbox", res.Report.Target.Name)
	assert.Contains(t, seen.String(), "Account owner: open this consent link")
	assert.Regexp(t, `owner action 1 of \d+ · scenario "The owner approves the consent request"`, seen.String())
	assert.Contains(t, seen.String(), `approve ("Aprovar") the internal transfer of R$ 10,00`)
	assert.Contains(t, seen.String(), `refuse ("Recusar") the internal transfer of R$ 9,00`)

	v, err := evidence.Verify(res.Bundle, &key.PublicKey)
	require.NoError(t, err)
	assert.True(t, v.OK())

	// The person's part is evidence: each prompt (the consent link with
	// its JWT's signature redacted), each answer and each wait, as person
	// events of the step that asked, timestamped, shown in report.html.
	var prompts, answers, outcomes int
	for _, sc := range reportOf(t, res).Scenarios() {
		for _, st := range sc.Steps {
			for _, p := range st.Person {
				assert.Equal(t, "person", p.Actor)
				assert.NotZero(t, p.Seq)
				assert.False(t, p.Time.IsZero())
				switch p.Action {
				case "prompt":
					prompts++
					if p.Subject == "consent" {
						assert.Contains(t, p.Link, "jwt=eyJ")
						assert.Contains(t, p.Link, "[redacted:", "the consent JWT's signature is not evidence")
					}
				case "answer":
					answers++
					assert.Contains(t, p.Answer, "consent_result=")
				case "outcome":
					outcomes++
					assert.Equal(t, "decided", p.Outcome)
				}
			}
		}
	}
	assert.Equal(t, 4, prompts, "two consents, two cash-outs")
	assert.Equal(t, 2, answers)
	assert.Equal(t, 2, outcomes)
	html, err := os.ReadFile(filepath.Join(res.Bundle, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), `<ul class="person">`)
	assert.Contains(t, string(html), "JWT decoded")
	// The whole run recomputes from its bundle, person events included.
	rc, err := evidence.RecheckBundle(res.Bundle, evidence.VerifyOptions{PublicKey: &key.PublicKey})
	require.NoError(t, err)
	assert.True(t, rc.Same(), "%+v", rc)
}

var (
	consentLinkLine = regexp.MustCompile(`^\s+(http://\S+/consentimento\?\S+)$`)
	chooseLine      = regexp.MustCompile(`and choose "(approve|ignore)"`)
	decisionLine    = regexp.MustCompile(`(approve|refuse) \("(?:Aprovar|Recusar)"\) the internal transfer of R\$ [\d.,]+ to Stone account \S+.* \(operation (\S+)\)\.`)
)

// playOwner reads homolog's output and does what it asks of the owner
// through the simulator's owner controls.
func playOwner(base string, out io.Reader, in io.WriteCloser, seen *bytes.Buffer) error {
	defer in.Close()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	decision := "approve"
	for sc.Scan() {
		line := sc.Text()
		seen.WriteString(line + "\n")
		if m := chooseLine.FindStringSubmatch(line); m != nil {
			decision = m[1] // the person does what they are asked
		}
		if m := consentLinkLine.FindStringSubmatch(line); m != nil {
			body, _ := json.Marshal(map[string]string{"link": m[1], "decision": decision})
			resp, err := http.Post(base+"/_sim/owner/consent", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			var got struct{ Redirect string }
			err = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			if err != nil || got.Redirect == "" {
				return fmt.Errorf("consent control: %v", err)
			}
			if _, err := io.WriteString(in, got.Redirect+"\n"); err != nil {
				return err
			}
		}
		if m := decisionLine.FindStringSubmatch(line); m != nil {
			action := map[string]string{"approve": "approve", "refuse": "reject"}[m[1]]
			resp, err := http.Post(base+"/_sim/owner/internal_transfers/"+m[2]+"/"+action, "application/json", strings.NewReader(""))
			if err != nil {
				return err
			}
			resp.Body.Close()
		}
	}
	return sc.Err()
}

// TestProductionRunsReadOnly: against production only the @read-only
// scenarios run (stages 1 and 2): nothing that moves money or needs the
// owner. A simulator stands in for Stone's production hosts.
func TestProductionRunsReadOnly(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyPath := filepath.Join(t.TempDir(), "private.pem")
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	sim, err := simulator.New(simulator.Options{})
	require.NoError(t, err)
	clientID := uuid.NewString()
	fx, err := sim.Register(simulator.Client{ID: clientID, PublicKey: &key.PublicKey})
	require.NoError(t, err)
	require.NoError(t, sim.Start(""))
	defer sim.Close()

	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Target = TargetProduction
	cfg.Endpoints = EndpointsConfig{AuthURL: sim.URL(), APIURL: sim.URL(), SiteURL: sim.URL()}
	cfg.Client = ClientConfig{ID: clientID, PrivateKeyFile: keyPath}
	cfg.Fixtures.OwnAccountID = fx.OwnAccountID
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Lookup: noEnv}})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode)
	var names []string
	for _, f := range reportOf(t, res).Features {
		names = append(names, f.Name)
		for _, sc := range f.Scenarios {
			assert.Contains(t, sc.Tags, "@read-only", sc.Name)
		}
	}
	assert.Equal(t, []string{"Authenticate", "Read the account"}, names)
	for _, ex := range reportOf(t, res).Scenarios() {
		for _, st := range ex.Steps {
			for _, x := range st.Exchanges {
				assert.Contains(t, []string{"GET", "POST"}, x.Method)
				if x.Method == "POST" {
					assert.Contains(t, x.URL, "/openid-connect/token", "the only POST against production is the token request")
				}
			}
		}
	}
}
