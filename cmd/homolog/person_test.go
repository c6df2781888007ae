package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sandbox is a partner's sandbox set-up played by homolog simulate: a key
// pair, a client registered with the simulator, and a scenarios.yaml
// pointing at it.
type sandbox struct {
	dir, base, clientID string
}

// startSandbox runs `homolog simulate` in-process with the partner's
// public key and redirect URI, and writes a sandbox plan for it.
func startSandbox(t *testing.T, redirectURI string, extraPlan string) *sandbox {
	t.Helper()
	dir := t.TempDir()
	code, _, errOut := cli(t, dir, nil, "keys", "generate", "--out", "keys")
	require.Equal(t, 0, code, errOut)
	sb := &sandbox{dir: dir, clientID: uuid.NewString()}
	ctx, cancel := context.WithCancel(context.Background())
	lines := &lineBuffer{lines: make(chan string, 8)}
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--client", sb.clientID + "=" + filepath.Join(dir, "keys", "public.pem"), "--redirect-uri", redirectURI},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: lines, err: stderr, lookup: func(string) (string, bool) { return "", false }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case sb.base = <-lines.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d", code)
	}
	// simulate prints the client's fixtures as a scenarios.yaml block,
	// ready to paste: the plan below pastes it.
	var fixtures strings.Builder
	for i := 0; !strings.Contains(stderr.String(), "        paid:"); i++ {
		require.Less(t, i, 500, "simulate printed no fixtures block:\n%s", stderr.String())
		time.Sleep(10 * time.Millisecond)
	}
	_, block, _ := strings.Cut(stderr.String(), "\nfixtures:\n")
	fixtures.WriteString("fixtures:\n")
	for _, l := range strings.SplitAfter(block, "\n") {
		if !strings.HasPrefix(l, " ") {
			break
		}
		fixtures.WriteString(l)
	}
	require.Contains(t, fixtures.String(), "own_account_id:")
	plan := fmt.Sprintf("target: sandbox\nclient: {id: %s, private_key_file: keys/private.pem, redirect_uri: %q}\n"+
		"endpoints: {auth_url: %q, api_url: %q, site_url: %q}\nowner: {wait: 20s, poll: 50ms}\n%s%s", sb.clientID, redirectURI, sb.base, sb.base, sb.base, extraPlan, fixtures.String())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(plan), 0o644))
	return sb
}

// freeLoopback is an http redirect URI on a free local port.
func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr + "/consent/callback"
}

var (
	fullLinkLine = regexp.MustCompile(`^\s+(http://\S+/consentimento\?\S+)$`)
	chooseWord   = regexp.MustCompile(`and choose "(approve|ignore)"`)
)

// consentRedirect asks the simulator's consent page, as the owner's
// browser would, where it sends the owner back.
func (sb *sandbox) consentRedirect(t *testing.T, link, decision string) string {
	body, _ := json.Marshal(map[string]string{"link": link, "decision": decision})
	resp, err := http.Post(sb.base+"/_sim/owner/consent", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct{ Redirect string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.NotEmpty(t, got.Redirect)
	return got.Redirect
}

// runPerson runs homolog in the sandbox dir with stdin and a streaming
// stdout; person reads what homolog prints, line by line, and acts.
func (sb *sandbox) runPerson(t *testing.T, interactive bool, person func(line string, in io.Writer), args ...string) (int, string) {
	t.Helper()
	t.Chdir(sb.dir)
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	// What the person types goes through its own goroutine: a person
	// types while homolog prints, and a pipe written from the reading
	// goroutine would wait on homolog, which waits on its output.
	typed := make(chan string, 64)
	go func() {
		for l := range typed {
			_, _ = io.WriteString(inW, l)
		}
		inW.Close()
	}()
	keyboard := writerFunc(func(p []byte) (int, error) { typed <- string(p); return len(p), nil })
	var seen bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(outR)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			seen.WriteString(sc.Text() + "\n")
			person(sc.Text(), keyboard)
		}
		_, _ = io.Copy(io.Discard, outR)
	}()
	var in io.Reader = inR
	if !interactive {
		in = strings.NewReader("")
	}
	var errb bytes.Buffer
	code := execute(context.Background(), append([]string{"run"}, args...), streams{keys: sharedKeys, in: in, out: outW, err: &errb, interactive: interactive,
		lookup: func(string) (string, bool) { return "", false }})
	outW.Close()
	wg.Wait()
	close(typed)
	return code, seen.String() + errb.String()
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// TestConsentCaughtOnTheLoopbackRedirect: with an http loopback redirect
// URI and stdin closed (nobody types), the run catches the browser's
// redirect itself; both consent scenarios pass.
func TestConsentCaughtOnTheLoopbackRedirect(t *testing.T) {
	redirect := freeLoopback(t)
	sb := startSandbox(t, redirect, "")
	decision := "approve"
	var pages []string
	code, out := sb.runPerson(t, false, func(line string, _ io.Writer) {
		if m := chooseWord.FindStringSubmatch(line); m != nil {
			decision = m[1]
		}
		if m := fullLinkLine.FindStringSubmatch(line); m != nil {
			// The owner chooses on Stone's page; their browser follows the
			// redirect to the loopback address homolog listens on.
			back := sb.consentRedirect(t, m[1], decision)
			resp, err := http.Get(back)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				pages = append(pages, string(b))
			}
		}
	}, "--tags", "@stage-3")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "will catch the page's redirect by itself")
	require.Len(t, pages, 2)
	assert.Contains(t, pages[0], "You can close this tab")
	journal, err := os.ReadFile(filepath.Join(sb.dir, lastLine(out), "journal.ndjson"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(journal), `"outcome":"captured"`))
}

// TestConsentAskedAgainAfterABadPaste: a bad paste is explained and asked
// again; skip gives the step up, recorded.
func TestConsentAskedAgainAfterABadPaste(t *testing.T) {
	sb := startSandbox(t, "https://partner.example/cb", "")
	decision, asked := "approve", 0
	code, out := sb.runPerson(t, true, func(line string, in io.Writer) {
		if m := chooseWord.FindStringSubmatch(line); m != nil {
			decision = m[1]
		}
		if m := fullLinkLine.FindStringSubmatch(line); m != nil {
			asked++
			if asked == 2 {
				fmt.Fprintln(in, "skip") // the person gives the ignore scenario up
				return
			}
			fmt.Fprintln(in, "I clicked it")                                  // not an address
			fmt.Fprintln(in, "https://partner.example/cb?code=not-a-consent") // no consent_result
			fmt.Fprintln(in, sb.consentRedirect(t, m[1], decision))
		}
	}, "--tags", "@stage-3")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "✗ that is not an address")
	assert.Contains(t, out, "✗ that address carries no consent_result")
	assert.Regexp(t, `ok +Request the account owner's consent › The owner approves the consent request`, out)
	assert.Regexp(t, `SKIPPED +Request the account owner's consent › The owner ignores a consent request`, out)
	journal, err := os.ReadFile(filepath.Join(sb.dir, lastLine(out), "journal.ndjson"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(journal), `"outcome":"rejected_answer"`))
	assert.Contains(t, string(journal), `"outcome":"skipped"`)
}

// TestNobodyAtTheKeyboard: no terminal and no loopback redirect URI (a CI
// job): what needs the owner is blocked, saying why, and the rest runs.
func TestNobodyAtTheKeyboard(t *testing.T) {
	sb := startSandbox(t, "https://partner.example/cb", "")
	code, out := sb.runPerson(t, false, func(string, io.Writer) {}, "--tags", "@stage-1,@stage-3")
	assert.Equal(t, 1, code, out)
	assert.Regexp(t, `ok +Authenticate › Obtain an access token`, out)
	assert.Regexp(t, `BLOCKED +Request the account owner's consent › The owner approves the consent request\n +needs the account owner`, out)
	assert.Contains(t, out, "no terminal")
}

// TestPastedFixturesRunTheSandboxScript: the fixtures block simulate
// prints, pasted into a sandbox plan, is enough for the reads and the
// transactions that need no owner.
func TestPastedFixturesRunTheSandboxScript(t *testing.T) {
	sb := startSandbox(t, "https://partner.example/cb", "")
	code, out := sb.runPerson(t, false, func(string, io.Writer) {}, "--tags", "@stage-2,@ted")
	assert.Equal(t, 0, code, out)
}

// TestRerunInPart: FILE:LINE and --name choose scenarios; the verdict is
// partial; --fail-fast stops at the first failure with a complete:false
// bundle saying why; reports/latest points at the newest bundle; two
// identical simulator runs diff as the same.
func TestRerunInPart(t *testing.T) {
	dir := t.TempDir()
	out, bundle := runIn(t, dir, "features/04-transact.feature:20")
	assert.Contains(t, out, "1 passed, 0 failed, 0 blocked, 0 not run of 1 scenarios")
	assert.Contains(t, out, "Homologation PASSED — partial: 1 of 56 scenarios (lines features/04-transact.feature:20)")
	assert.Contains(t, out, "Internal transfer from the consented account waits for the owner", "line 20 is a step of that scenario")

	out, _ = runIn(t, dir, "--name", "^A TED")
	assert.Contains(t, out, "of 3 scenarios")
	assert.Contains(t, out, "partial: 3 of 56 scenarios (name ^A TED)")

	code, _, errOut := cli(t, dir, nil, "run", "features/04-transact.feature:3")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "features/04-transact.feature:3: no scenario of the plan is at that line")
	code, _, errOut = cli(t, dir, nil, "run", "nope:3")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `"nope:3" is not FILE:LINE`)

	// reports/latest is the newest bundle, for any tool.
	code, vout, _ := cli(t, dir, nil, "verify", filepath.Join(dir, "reports", "latest"))
	assert.Equal(t, 0, code, vout)
	assert.Contains(t, vout, "partial: 3 of 56 scenarios (name ^A TED)")

	// --fail-fast: a transfer target that does not exist fails the first
	// transfer; nothing after it runs.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("fixtures:\n  transfer_targets: [\"99999999\"]\n"), 0o644))
	code, out, _ = cli(t, dir, nil, "run", "--fail-fast")
	assert.Equal(t, 3, code, out)
	assert.Contains(t, out, "incomplete: stopped at the first scenario that did not pass (--fail-fast)")
	assert.Regexp(t, `Homologation INCOMPLETE — partial: \d+ of 56 scenarios \(fail-fast\)`, out)
	manifest, err := os.ReadFile(filepath.Join(dir, lastLine(out), "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"complete": false`)
	assert.Contains(t, string(manifest), "--fail-fast")

	// Two identical simulator runs are the same run, whatever their port
	// and throwaway client id.
	require.NoError(t, os.Remove(filepath.Join(dir, "scenarios.yaml")))
	_, a := runIn(t, dir, "--tags", "@stage-1")
	_, b := runIn(t, dir, "--tags", "@stage-1")
	code, dout, _ := cli(t, "", nil, "diff", a, b)
	assert.Equal(t, 0, code, dout)
	assert.Contains(t, dout, "no differences")
	_ = bundle
}
