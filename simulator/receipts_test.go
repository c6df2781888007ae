package simulator

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wantPDF checks a receipt is a PDF a strict reader opens: header, every
// cross-reference entry at its object, a trailer with /Root, a page, and
// text (the simulator's PDFs are uncompressed).
func wantPDF(t *testing.T, rec interface {
	Result() *http.Response
}, body []byte, shows ...string) {
	t.Helper()
	if ct := rec.Result().Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type = %q, want application/pdf; body %.200s", ct, body)
	}
	if !bytes.HasPrefix(body, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(body, []byte("%%EOF\n")) || !bytes.Contains(body, []byte("/Type /Page ")) {
		t.Fatalf("not a PDF:\n%s", body)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(body)
	at, _ := strconv.Atoi(string(m[1]))
	lines := strings.Split(string(body[at:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(strings.Fields(lines[2+i])[0])
		if !bytes.HasPrefix(body[off:], []byte(strconv.Itoa(i)+" 0 obj")) {
			t.Fatalf("xref entry %d points at %q", i, body[off:off+10])
		}
	}
	if !strings.Contains(strings.Join(lines[2+n:], "\n"), "/Root 1 0 R") {
		t.Fatalf("trailer without /Root: %s", lines[2+n:])
	}
	for _, s := range shows {
		if !bytes.Contains(body, []byte("("+s)) && !bytes.Contains(body, []byte(s+")")) && !bytes.Contains(body, []byte(s)) {
			t.Errorf("the receipt does not show %q", s)
		}
	}
}

func TestReceipts(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	tr := e.createTransfer(transferBody(own, e.fx.TransferTargets[0], 12_345))
	e.clock.Advance(time.Second)
	e.getTransfer(tr.ID)

	body := `{"resource_type":"internal_transfer","resource_id":"` + tr.ID + `"}`
	rec := e.api(http.MethodPost, "/api/v1/receipts", body, idemHeader, "rcpt-1")
	wantStatus(t, rec, http.StatusOK)
	wantPDF(t, rec, rec.Body.Bytes(), tr.ID, "R$ 123,45", "Destino: Jo")
	if bytes.Contains(rec.Body.Bytes(), []byte(e.ownerDocument(own))) {
		t.Error("the receipt shows the owner's document in clear; Stone masks documents")
	}
	again := e.api(http.MethodPost, "/api/v1/receipts", body, idemHeader, "rcpt-1")
	wantStatus(t, again, http.StatusOK)
	if again.Header().Get("Content-Type") != "application/pdf" || !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
		t.Fatalf("the replay is %q, not the same PDF", again.Header().Get("Content-Type"))
	}

	st := e.api(http.MethodPost, "/api/v1/receipts", `{"resource_type":"statement","resource_id":"`+own+`","start_datetime":"2026-11-01T00:00:00Z","end_datetime":"2026-11-30T00:00:00Z"}`)
	wantStatus(t, st, http.StatusOK)
	wantPDF(t, st, st.Body.Bytes(), "Extrato", "lancamentos")

	p := e.createPix(pixByKey(own, e.fx.PixKeys[0].Key, 1_000))
	wantError(t, e.api(http.MethodPost, "/api/v1/exports/receipts", `{"resource_type":"outbound_pix_payment","resource_id":"`+p.str("id")+`"}`), 422, "invalid_resource_status")
	if code := e.confirmPix(p.str("id"), ""); *code != http.StatusNoContent {
		t.Fatalf("confirm: %d", *code)
	}
	e.clock.Advance(time.Minute)
	px := e.api(http.MethodPost, "/api/v1/exports/receipts", `{"resource_type":"outbound_pix_payment","resource_id":"`+p.str("id")+`"}`)
	wantStatus(t, px, http.StatusOK)
	wantPDF(t, px, px.Body.Bytes(), p.str("end_to_end_id"))

	for _, tc := range []struct {
		name, path, body string
		status           int
		typ              string
	}{
		{"unknown id", "/api/v1/receipts", `{"resource_type":"payment","resource_id":"nope"}`, 404, "not_found"},
		{"a PIX on receipts", "/api/v1/receipts", `{"resource_type":"pix_payment","resource_id":"x"}`, 400, "validation"},
		{"a transfer on exports", "/api/v1/exports/receipts", `{"resource_type":"internal_transfer","resource_id":"` + tr.ID + `"}`, 400, "validation"},
		{"no id", "/api/v1/receipts", `{"resource_type":"payment"}`, 400, "validation"},
		{"local time", "/api/v1/receipts", `{"resource_type":"statement","resource_id":"` + own + `","start_datetime":"2026-11-01T00:00:00-03:00"}`, 400, "validation"},
		{"someone else's statement", "/api/v1/receipts", `{"resource_type":"statement","resource_id":"` + e.fx.ThirdPartyAccountID + `"}`, 403, "unauthorized"},
		{"no reversal happens here", "/api/v1/exports/receipts", `{"resource_type":"refund_reversal_for_pix_payment","resource_id":"x"}`, 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, e.api(http.MethodPost, tc.path, tc.body), tc.status, tc.typ) })
	}

	// A transfer waiting for its owner has no receipt yet.
	e.consent("approve")
	waiting := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 100))
	wantError(t, e.api(http.MethodPost, "/api/v1/receipts", `{"resource_type":"internal_transfer","resource_id":"`+waiting.ID+`"}`), 422, "invalid_resource_status")
}

func (e *env) ownerDocument(id string) string {
	var doc string
	e.store(func(st *book) { doc = st.Account(id).OwnerDocument })
	return doc
}
