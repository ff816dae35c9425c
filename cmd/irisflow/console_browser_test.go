package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/irisflow/irisflow/pkg/console"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// chromiumPath finds Debian's chromium (IRISFLOW_CHROMIUM overrides). Under
// CI=true a missing browser fails the test: CI installs it (.ci/services.sh).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("IRISFLOW_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium on PATH (apt-get install -y chromium, or set IRISFLOW_CHROMIUM): the console's browser test needs it"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; .ci/services.sh installs it")
	}
	t.Skip(msg)
	return ""
}

// artifactDir is where screenshots go: $IRISFLOW_TEST_ARTIFACTS (kept),
// else the test's temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("IRISFLOW_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestConsoleInBrowser loads the demo's data, serves the console behind a
// reverse-proxy path prefix with a token, and drives Debian's chromium
// through what an analyst does: search, open int-chase.com, see the plot and
// the graph render, expand a node, follow it to another domain.
func TestConsoleInBrowser(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	dbURL := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var demoOut bytes.Buffer
	if err := runDemo(ctx, &demoOut, demoOptions{json: true, timeout: 3 * time.Minute, dbURL: dbURL}); err != nil {
		t.Fatalf("demo: %v\n%s", err, demoOut.String())
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const token = "browser-test-token"
	h, err := console.Handler(console.Config{Store: st, Token: token, Logger: testenv.QuietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux() // the reverse proxy: the console under /soc/irisflow/
	mux.Handle("/soc/irisflow/", http.StripPrefix("/soc/irisflow", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL + "/soc/irisflow/"

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1300, 1900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The first run starts the browser, which lives as long as that run's
	// context: bctx, not a step's timeout.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium %s: %v", chromium, err)
	}
	dir := artifactDir(t)
	b := &browser{t: t, ctx: bctx, dir: dir}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// Without the token the console answers 401; with it once, a cookie.
	resp, err := http.Get(base + "api/search")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("api without token: %s, want 401", resp.Status)
	}

	b.do("open the console", chromedp.Navigate(base+"?token="+token))
	b.do("see the search form", chromedp.WaitVisible(css(`#search-form`)))
	b.do("search by IP",
		chromedp.SendKeys(css(`#search-form input[name="ip"]`), "45.77.148.62"),
		chromedp.Click(css(`#search-button`)))
	b.do("see the results", chromedp.WaitVisible(css(`#results-table`)))
	total := browse(b, "total", chromedp.Text(css(`#total`)))
	rows := browse(b, "rows", chromedp.Text(css(`#results-table tbody`)))
	b.shot("console-search.png")
	if !strings.Contains(rows, "int-chase.com") || strings.HasPrefix(total, "0 ") {
		t.Fatalf("search --ip 45.77.148.62: total %q, rows:\n%s", total, rows)
	}

	b.do("open int-chase.com: plot, graph, option groups",
		chromedp.Click(css(`#results-table a[href="#/domain/int-chase.com"]`)),
		chromedp.WaitVisible(css(`#domain-title`)),
		chromedp.WaitReady(css(`#risk-plot .uplot canvas`)),
		poll(`Number(document.getElementById("graph").dataset.nodes) > 5 && document.querySelector("#graph canvas") !== null`))
	title := browse(b, "title", chromedp.Text(css(`#domain-title`)))
	groups := browse(b, "groups", chromedp.Evaluate[string](`[...document.querySelectorAll("#groups .group")].map(g => g.dataset.group).join(",")`))
	plotted := browse(b, "plotted", chromedp.Evaluate[int](`Number(document.getElementById("risk-plot").dataset.points)`))
	nodes := browse(b, "nodes", chromedp.Evaluate[int](`Number(document.getElementById("graph").dataset.nodes)`))
	b.shot("console-domain.png")
	if !strings.HasPrefix(title, "int-chase.com") || groups != "Analytics,Identity,Registration,Hosting" || plotted < 1 {
		t.Fatalf("domain page: title %q, groups %q, %d plotted risk scores", title, groups, plotted)
	}
	// The auto-pivot's recorded runs (ip 45.77.148.62 …) are in the graph.
	if n := browse(b, "pivot edges", chromedp.Evaluate[int](`window.irisflowGraph.edges("[via = 'pivot']").length`)); n == 0 {
		t.Fatal("the graph shows none of the demo's recorded pivot runs")
	}

	next := browse(b, "a domain to expand", chromedp.Evaluate[string](`(() => {
		const li = [...document.querySelectorAll('#graph-nodes li[data-node^="domain:"]')].find(li => li.querySelector("button.node-expand"));
		return li ? li.dataset.node.slice(7) : ""; })()`))
	if next == "" {
		t.Fatal("no connected domain to expand in the graph's node list")
	}
	b.do("expand "+next,
		chromedp.Click(css(`#graph-nodes li[data-node="domain:`+next+`"] button.node-expand`)),
		poll(`document.getElementById("graph").dataset.expanded.split(" ").includes("domain:`+next+`")`))
	after := browse(b, "nodes after", chromedp.Evaluate[int](`Number(document.getElementById("graph").dataset.nodes)`))
	b.shot("console-expanded.png")
	if after <= nodes {
		t.Fatalf("expanding %s added no node (%d → %d)", next, nodes, after)
	}

	b.do("follow "+next+" to its page",
		chromedp.Click(css(`#graph-nodes li[data-node="domain:`+next+`"] a.node-page`)),
		poll(`((document.getElementById("domain-title")||{}).textContent||"").startsWith("`+next+`")`),
		chromedp.WaitReady(css(`#risk-plot .uplot canvas`)),
		poll(`Number(document.getElementById("graph").dataset.nodes) > 1`))
	b.shot("console-next-domain.png")
}

// browser runs the test's steps in one tab, failing with the step's name
// and the page's error line.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 400)`))
	b.t.Fatalf("%s: %v; the page:\n%s", what, err, page)
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

func browse[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 45*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// shot saves a full-page screenshot (PNG: quality 100) as a test artifact.
func (b *browser) shot(name string) {
	b.t.Helper()
	png := browse(b, "screenshot "+name, chromedp.FullScreenshot(100))
	path := filepath.Join(b.dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second))
}
