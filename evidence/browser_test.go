package evidence

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browserDOM opens page in headless Chromium at fragment and returns the
// DOM once the page's scripts have run. Without Chromium the test is
// skipped, unless HOMOLOG_BROWSER_TESTS is set (.ci/run sets it, having
// installed Debian's chromium), where it fails instead.
func browserDOM(t *testing.T, page, fragment string) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("HOMOLOG_BROWSER_TESTS") != "" {
			t.Fatal("HOMOLOG_BROWSER_TESTS is set but no chromium is installed (apt-get install -y chromium)")
		}
		t.Skip("no chromium: the compact page's script is not run in a browser here (set HOMOLOG_BROWSER_TESTS to require it)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(path, []byte(page), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--virtual-time-budget=10000",
		"--dump-dom", "file://"+filepath.ToSlash(path)+fragment)
	out, err := cmd.Output()
	require.NoError(t, err, "chromium")
	return string(out)
}

// TestCompactPageInABrowser runs a compact page's script where it runs,
// under the page's own content security policy: opened at #all, every
// passed scenario's body is decompressed and put in place, the timeline
// comes out in start order and the webhooks in arrival order; opened at
// an exchange a passed scenario holds, that scenario is shown and the
// exchange opened. A script the policy did not pin, or one that failed,
// would leave the data where it was.
func TestCompactPageInABrowser(t *testing.T) {
	page := compactHTML(t)

	dom := browserDOM(t, page, "#all")
	assert.Regexp(t, `<body[^>]*data-all-shown`, dom, "the script did not finish showing everything")
	lazy := regexp.MustCompile(`<section class="scenario [^"]* lazy"[^>]*>`).FindAllString(dom, -1)
	require.Len(t, lazy, 3)
	for _, s := range lazy {
		assert.Contains(t, s, "data-shown", s)
	}
	assert.NotContains(t, dom, `class="show"`, "every scenario's button is gone once shown")
	assert.Contains(t, dom, `<details class="exchange" id="x2">`, "the passed scenario's exchange is in the page")
	assert.Contains(t, dom, "token_issued")
	assert.NotContains(t, dom, "<script>alert", "shown data stays escaped")

	tbody := regexp.MustCompile(`(?s)<tbody id="tl"[^>]*>(.*?)</tbody>`).FindStringSubmatch(dom)
	require.NotNil(t, tbody, "timeline")
	var order []string
	for _, m := range regexp.MustCompile(`<tr><td><a href="#x(\d+)">`).FindAllStringSubmatch(tbody[1], -1) {
		order = append(order, m[1])
	}
	assert.Equal(t, "1 2 3 4 5", strings.Join(order, " "), "the timeline in start order (the data holds it in page order)")
	wh := regexp.MustCompile(`(?s)<tbody id="wh"[^>]*>(.*?)</tbody>`).FindStringSubmatch(dom)
	require.NotNil(t, wh, "webhooks")
	assert.Equal(t, 2, strings.Count(wh[1], "<tr>"))

	dom = browserDOM(t, page, "#x2")
	assert.Regexp(t, `<section class="scenario edge-st-passed lazy" id="f1-s1"[^>]*data-shown`, dom)
	assert.Contains(t, dom, `<details class="exchange" id="x2" open="">`, "a link to the exchange opens it")
	assert.Regexp(t, `<section class="scenario edge-st-skipped lazy" id="f2-s3"[^>]*data-i="1"[^>]*>`, dom)
	assert.NotRegexp(t, `id="f2-s3"[^>]*data-shown`, dom, "only the scenario asked for is shown")
}
