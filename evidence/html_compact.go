package evidence

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A compact page (HTMLRenderer) embeds what a reviewer reads on demand as
// data blocks: <script type="application/gzip" id=...> elements, which a
// browser never runs, holding base64 of gzip of a JSON array. Each element
// of a scenario block is the HTML of one passed scenario's body, rendered
// by the same template as an inline page, its report data escaped by
// html/template like the rest of the page; lazyScript decompresses a block
// (DecompressionStream) when one of its scenarios is asked for and puts
// the HTML in place. Rows of the timeline and of the webhooks table are
// [sort key, seq, row HTML]. The page's content security policy runs no
// script but this one and the print helper, each pinned by its hash.

// lazyBlockScenarios is how many passed scenarios share a block: one
// gzip stream compresses what their bodies repeat (headers, step texts),
// and showing one decompresses its neighbours only.
const lazyBlockScenarios = 50

// lazyScript shows a compact page's embedded parts: a scenario's body
// (its button, or a link to one of its exchanges), the timeline, sorted by
// start time and journal number, and the webhooks; "show every
// scenario's", or the page opened at #all, shows everything (to print it,
// say), and marks the body data-all-shown once done.
const lazyScript = `(function(){var c={};function data(id){if(!c[id]){var s=atob(document.getElementById(id).textContent.replace(/\s+/g,"")),b=new Uint8Array(s.length);for(var i=0;i<s.length;i++)b[i]=s.charCodeAt(i);c[id]=new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(JSON.parse)}return c[id]}function show(sec){if(!sec||sec.hasAttribute("data-shown"))return Promise.resolve();sec.setAttribute("data-shown","");return data(sec.getAttribute("data-b")).then(function(f){sec.querySelector(".lazybody").innerHTML=f[+sec.getAttribute("data-i")];var b=sec.querySelector("button.show");if(b)b.remove()})}function rows(id){var t=document.getElementById(id);if(!t||t.hasAttribute("data-shown"))return Promise.resolve();t.setAttribute("data-shown","");return data(id+"-data").then(function(r){r.sort(function(a,b){return a[0]<b[0]?-1:a[0]>b[0]?1:a[1]-b[1]});t.innerHTML=r.map(function(x){return x[2]}).join("");t.closest("table").hidden=false;var b=document.querySelector('button.showrows[data-t="'+id+'"]');if(b)b.remove()})}function all(){var p=[rows("tl"),rows("wh")];document.querySelectorAll("section.lazy").forEach(function(s){p.push(show(s))});return Promise.all(p).then(function(){var b=document.querySelector("button.showall");if(b)b.remove();document.body.setAttribute("data-all-shown","")})}function reveal(){if(location.hash==="#all"){all();return}var m=/^#x(\d+)$/.exec(location.hash);if(!m||document.getElementById("x"+m[1]))return;show(document.querySelector('section.lazy[data-x~="'+m[1]+'"]')).then(function(){var x=document.getElementById("x"+m[1]);if(x){x.open=true;x.scrollIntoView()}})}document.addEventListener("click",function(e){var b=e.target.closest("button");if(!b)return;if(b.classList.contains("show"))show(b.closest("section.lazy"));else if(b.classList.contains("showrows"))rows(b.getAttribute("data-t"));else if(b.classList.contains("showall")){b.disabled=true;all()}});addEventListener("hashchange",reveal);reveal()})();`

// gzipJSON writes a JSON array, gzip-compressed and base64-encoded, to w
// one element at a time.
type gzipJSON struct {
	b64 io.WriteCloser
	gz  *gzip.Writer
	n   int
}

func newGzipJSON(w io.Writer) (*gzipJSON, error) {
	b64 := base64.NewEncoder(base64.StdEncoding, w)
	gz, err := gzip.NewWriterLevel(b64, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(gz, "["); err != nil {
		return nil, err
	}
	return &gzipJSON{b64: b64, gz: gz}, nil
}

func (g *gzipJSON) add(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if g.n > 0 {
		if _, err := io.WriteString(g.gz, ","); err != nil {
			return err
		}
	}
	g.n++
	_, err = g.gz.Write(b)
	return err
}

func (g *gzipJSON) close() error {
	if _, err := io.WriteString(g.gz, "]"); err != nil {
		return err
	}
	if err := g.gz.Close(); err != nil {
		return err
	}
	return g.b64.Close()
}

// dataBlock writes a data block element holding what data wrote.
func dataBlock(w io.Writer, id string, data func(io.Writer) error) error {
	if _, err := fmt.Fprintf(w, "\n<script type=\"application/gzip\" id=\"%s\">", id); err != nil {
		return err
	}
	if err := data(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "</script>")
	return err
}

// lazyBlocks gathers passed scenarios' bodies into blocks, each written
// into the page once full (between features) or at the end of them.
type lazyBlocks struct {
	page io.Writer
	n    int // blocks written
	buf  bytes.Buffer
	g    *gzipJSON
}

// add puts one scenario's body HTML in the open block and says which
// block and element it is.
func (l *lazyBlocks) add(html string) (string, int, error) {
	if l.g == nil {
		l.buf.Reset()
		g, err := newGzipJSON(&l.buf)
		if err != nil {
			return "", 0, err
		}
		l.g = g
	}
	i := l.g.n
	if err := l.g.add(html); err != nil {
		return "", 0, err
	}
	return "b" + strconv.Itoa(l.n+1), i, nil
}

// flushIfFull writes the open block once it holds enough scenarios; a
// feature of many scenarios still makes blocks of a bounded size.
func (l *lazyBlocks) flushIfFull() error {
	if l.g != nil && l.g.n >= lazyBlockScenarios {
		return l.flush()
	}
	return nil
}

func (l *lazyBlocks) flush() error {
	if l.g == nil {
		return nil
	}
	if err := l.g.close(); err != nil {
		return err
	}
	l.g = nil
	l.n++
	return dataBlock(l.page, "b"+strconv.Itoa(l.n), func(w io.Writer) error {
		_, err := l.buf.WriteTo(w)
		return err
	})
}

// scenarioSeqs are the journal numbers of sc's exchanges, space-separated.
func scenarioSeqs(sc *Scenario) string {
	var seqs []string
	for _, st := range sc.Steps {
		if st == nil {
			continue
		}
		for _, x := range st.Exchanges {
			if x != nil {
				seqs = append(seqs, strconv.FormatInt(x.Seq, 10))
			}
		}
	}
	return strings.Join(seqs, " ")
}

// timeline gathers the page's exchanges as timeline rows: in memory for
// an inline page, sorted at the end; for a compact one, rendered and
// compressed into a temporary file as they come, and sorted by the
// browser, so that the page's memory does not grow with the run.
type timeline struct {
	rows  []*htmlTimelineRow // inline
	spill *os.File           // compact
	buf   *bufio.Writer
	g     *gzipJSON
}

func newTimeline(compact bool) (*timeline, error) {
	if !compact {
		return &timeline{}, nil
	}
	f, err := os.CreateTemp("", "homolog-timeline-*")
	if err != nil {
		return nil, err
	}
	tl := &timeline{spill: f, buf: bufio.NewWriter(f)}
	if tl.g, err = newGzipJSON(tl.buf); err != nil {
		tl.discard()
		return nil, err
	}
	return tl, nil
}

// sortKey orders rows by start time as text: fixed width, UTC.
func sortKey(row *htmlTimelineRow) string {
	return row.X.StartedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

func (tl *timeline) add(t *template.Template, row *htmlTimelineRow) error {
	if tl.spill == nil {
		tl.rows = append(tl.rows, row)
		return nil
	}
	var html bytes.Buffer
	if err := t.ExecuteTemplate(&html, "timeline-row", row); err != nil {
		return err
	}
	return tl.g.add([]any{sortKey(row), row.X.Seq, html.String()})
}

// sorted is an inline page's timeline: by start time, and by journal
// sequence between exchanges that started together.
func (tl *timeline) sorted() []*htmlTimelineRow {
	slices.SortStableFunc(tl.rows, func(a, b *htmlTimelineRow) int {
		if c := a.X.StartedAt.Compare(b.X.StartedAt); c != 0 {
			return c
		}
		return int(a.X.Seq - b.X.Seq)
	})
	return tl.rows
}

// writeLazy writes a compact page's timeline section up to its end.
func (tl *timeline) writeLazy(w io.Writer, t *template.Template) error {
	if err := t.ExecuteTemplate(w, "timeline-open", nil); err != nil {
		return err
	}
	if tl.g.n == 0 {
		return t.ExecuteTemplate(w, "no-exchanges", nil)
	}
	if err := t.ExecuteTemplate(w, "rows-lazy", htmlLazyRows{N: tl.g.n, ID: "tl"}); err != nil {
		return err
	}
	if err := tl.g.close(); err != nil {
		return err
	}
	if err := tl.buf.Flush(); err != nil {
		return err
	}
	return dataBlock(w, "tl-data", func(w io.Writer) error {
		if _, err := tl.spill.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := io.Copy(w, tl.spill)
		return err
	})
}

// discard removes the temporary file, if any.
func (tl *timeline) discard() {
	if tl.spill != nil {
		tl.spill.Close()
		os.Remove(tl.spill.Name())
	}
}

// htmlLazyRows is a table shown on demand.
type htmlLazyRows struct {
	N        int
	ID       string
	Webhooks bool // else the timeline
}

// lazyWebhooks writes a compact page's webhooks section, its rows in one
// data block in arrival order.
func lazyWebhooks(w io.Writer, t *template.Template, run Run, n int) error {
	if err := t.ExecuteTemplate(w, "webhooks-compact-open", nil); err != nil {
		return err
	}
	if err := t.ExecuteTemplate(w, "rows-lazy", htmlLazyRows{N: n, ID: "wh", Webhooks: true}); err != nil {
		return err
	}
	err := dataBlock(w, "wh-data", func(w io.Writer) error {
		g, err := newGzipJSON(w)
		if err != nil {
			return err
		}
		err = run.EachWebhook(func(wh *Webhook) error {
			var html bytes.Buffer
			if err := t.ExecuteTemplate(&html, "webhook", wh); err != nil {
				return err
			}
			return g.add([]any{"", wh.Seq, strings.TrimPrefix(html.String(), "\n")})
		})
		if err != nil {
			return err
		}
		return g.close()
	})
	if err != nil {
		return err
	}
	return t.ExecuteTemplate(w, "section-close", nil)
}
