package simulator

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// pagesHTML is the consent site. It is one self-contained document (no
// external assets) because it is opened from whatever browser or test tool the
// partner uses, often offline.
const pagesHTML = `{{define "head"}}<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} · Stone (simulador)</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f5;color:#1c2b24;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.4rem;color:#00a868}dt{font-weight:600;margin-top:.8rem}dd{margin:0;word-break:break-all}
.error{color:#b00020}.note{font-size:.85rem;color:#667}
button{font-size:1rem;padding:.7rem 1.4rem;border-radius:8px;border:1px solid #00a868;margin-right:.6rem;cursor:pointer}
button[value=approve]{background:#00a868;color:#fff}button[value=ignore]{background:#fff;color:#00a868}
</style></head><body><main>{{end}}
{{define "foot"}}<p class="note">Simulador do sandbox Stone Open Banking: nenhuma conta real é acessada.</p></main></body></html>{{end}}
{{define "consent"}}{{template "head" "Consentimento"}}
<h1>Compartilhar sua conta Stone</h1>
<p>A aplicação <strong>{{.ClientID}}</strong> pede acesso à sua conta para consultar dados e iniciar operações, que você aprova no app.</p>
<dl>
<dt>Aplicação (client_id)</dt><dd>{{.ClientID}}</dd>
<dt>Conta a compartilhar</dt><dd>{{.OwnerName}} · agência {{.Branch}} · conta {{.AccountCode}} · documento {{.Document}}</dd>
<dt>Você será redirecionado para</dt><dd>{{.RedirectURI}}</dd>
</dl>
{{if .Granted}}<p class="note">Esta conta já está compartilhada com esta aplicação.</p>{{end}}
<form method="post" action="/consentimento">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="jwt" value="{{.JWT}}">
<button type="submit" name="decision" value="approve">Permitir</button>
<button type="submit" name="decision" value="ignore">Ignorar</button>
</form>
{{template "foot"}}{{end}}
{{define "error"}}{{template "head" "Link de consentimento inválido"}}
<h1>Link de consentimento inválido</h1>
<p class="error" id="reason">{{.}}</p>
<p>Gere um novo link na aplicação parceira e tente novamente.</p>
{{template "foot"}}{{end}}`

func parsePages() (*template.Template, error) {
	t, err := template.New("pages").Parse(pagesHTML)
	if err != nil {
		return nil, fmt.Errorf("simulator: parse consent pages: %w", err)
	}
	return t, nil
}

type consentPage struct {
	ClientID, RedirectURI, JWT               string
	OwnerName, Branch, AccountCode, Document string
	Granted                                  bool
}

// handleConsentPage is Stone's consent site: the owner reviews what the link
// asks for. The legacy type=consent parameter is tolerated.
func (s *Simulator) handleConsentPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req, err := s.checkConsentLink(r.URL.Query(), rc.now)
	if err != nil {
		s.renderConsentError(w, err)
		return
	}
	s.renderPage(w, http.StatusOK, "consent", consentPage{
		ClientID: req.client.ID, RedirectURI: req.client.RedirectURI, JWT: req.jwt,
		OwnerName: req.account.OwnerName, Branch: req.account.BranchCode, AccountCode: req.account.AccountCode,
		Document: maskDocument(req.account.OwnerDocument), Granted: req.granted,
	})
}

// renderConsentError answers 400 with an HTML page: the consent link is
// opened in a browser, where a JSON error would help nobody.
func (s *Simulator) renderConsentError(w http.ResponseWriter, err error) {
	s.renderPage(w, http.StatusBadRequest, "error", err.Error())
}

func (s *Simulator) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.logf("simulator: render %s page: %v", name, err)
		srnErr(http.StatusInternalServerError, "internal").write(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// maskDocument hides a CPF the way Stone does (***093657**); other documents
// keep their first and last characters hidden likewise.
func maskDocument(doc string) string {
	if len(doc) < 6 {
		return strings.Repeat("*", len(doc))
	}
	return "***" + doc[3:len(doc)-2] + "**"
}
