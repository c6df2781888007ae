// Package receipt is Stone's receipts (comprovantes,
// stone-api-families.md §2): POST /api/v1/receipts for transfers, barcode
// payments and statements, and POST /api/v1/exports/receipts for PIX,
// each answered with the receipt as a PDF, and only for an operation in a
// success state (approved, scheduled or finished; PIX settled or
// scheduled).
//
// stone-api-families.md §2 [X], §7.4: the receipts page declares
// content-type application/json yet says it returns "the receipt PDF";
// the Pix receipt page answered JSON until 2021-08-26 and application/pdf
// since (D-hist b4c0d880), the most recent word on these exports. Both
// endpoints therefore answer 200 application/pdf with the raw PDF as the
// body (no base64 or JSON wrapper is documented).
package receipt

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
	simpdf "github.com/openbank-homolog/homolog/simulator/internal/pdf"
)

// PixLookup finds a PIX received (kind "inbound") or returned (kind
// "refund"); the pix family provides it. Caller holds the book's lock.
type PixLookup func(kind, id string) (accountID, status string, body json.RawMessage, ok bool)

// Options wires the family.
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
	Ops         *approvals.Registry
	Pix         PixLookup
}

// Receipts serves the family; it keeps no state of its own.
type Receipts struct {
	book *ledger.Book
	idem *api.Idempotency
	ops  *approvals.Registry
	pix  PixLookup
}

// New returns the family.
func New(opts Options) *Receipts {
	return &Receipts{book: opts.Book, idem: opts.Idempotency, ops: opts.Ops, pix: opts.Pix}
}

// Routes registers the receipt endpoints.
//
//	POST /api/v1/receipts          {resource_type, resource_id, start_datetime?, end_datetime?} → 200 application/pdf
//	POST /api/v1/exports/receipts  {resource_type, resource_id} → 200 application/pdf
func (rc *Receipts) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/receipts", rc.idem.Wrap(rc.handle(receiptTypes())))
	m.HandleAuth("POST /api/v1/exports/receipts", rc.idem.Wrap(rc.handle(pixTypes())))
}

// source says where a resource type lives and which of its statuses
// have a receipt (§2: transfers and payments approved or scheduled, PIX
// finished or scheduled; a finished operation was approved first).
type source struct {
	label   string
	kind    string // approvals kind name, or "" for the other sources
	pix     string // PixLookup kind
	success []string
}

func receiptTypes() map[string]source {
	return map[string]source{
		"internal_transfer": {label: "Transferencia entre contas Stone", kind: "internal_transfers", success: []string{"APPROVED", "SCHEDULED", "FINISHED"}},
		"external_transfer": {label: "Transferencia (TED)", kind: "external_transfers",
			success: []string{"APPROVED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY", "FINISHED"}},
		"payment":   {label: "Pagamento de boleto", kind: "payments", success: []string{"APPROVED", "SCHEDULED", "FINISHED"}},
		"statement": {label: "Extrato"},
	}
}

func pixTypes() map[string]source {
	return map[string]source{
		"pix_payment":            {label: "Pix recebido", pix: "inbound", success: []string{"SETTLED"}},
		"outbound_pix_payment":   {label: "Pix enviado", kind: "pix_payments", success: []string{"SETTLED", "SCHEDULED"}},
		"refund_for_pix_payment": {label: "Devolucao de Pix recebido", pix: "refund", success: []string{"SETTLED"}},
		// The simulator models an outbound PIX returned by the other bank
		// as the payment itself turning REFUNDED, with no separate refund
		// object: its id is the resource id.
		"refund_for_outbound_pix_payment": {label: "Devolucao de Pix enviado", kind: "pix_payments", success: []string{"REFUNDED"}},
		// No reversal of a refund happens in the simulator: the type is
		// accepted and every id is unknown.
		"refund_reversal_for_pix_payment": {label: "Estorno de devolucao de Pix", pix: "reversal"},
	}
}

type request struct {
	resourceType, resourceID string
	start, end               *time.Time
}

func decode(r *http.Request, types map[string]source) (request, api.Reply, bool) {
	var req request
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.resourceType = f.Str("resource_type", true)
	if _, known := types[req.resourceType]; req.resourceType != "" && !known {
		names := make([]string, 0, len(types))
		for k := range types {
			names = append(names, k)
		}
		slices.Sort(names)
		f.Add("must be one of "+strings.Join(names, ", "), "resource_type")
	}
	req.resourceID = f.Str("resource_id", true)
	for _, name := range []string{"start_datetime", "end_datetime"} {
		v := f.Str(name, false)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || !strings.HasSuffix(v, "Z") {
			f.Add("must be an ISO-8601 UTC datetime (2006-01-02T15:04:05Z)", name)
			continue
		}
		if name == "start_datetime" {
			req.start = &t
		} else {
			req.end = &t
		}
	}
	if req.start != nil && req.end != nil && req.end.Before(*req.start) {
		f.Add("must not be before start_datetime", "end_datetime")
	}
	rp, ok = f.Result()
	return req, rp, ok
}

func (rc *Receipts) handle(types map[string]source) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		req, rp, ok := decode(r, types)
		if !ok {
			rp.Write(w)
			return
		}
		src := types[req.resourceType]
		rc.book.Reply(w, func() api.Reply {
			if req.resourceType == "statement" {
				return rc.statement(c, req)
			}
			accountID, status, body, found := rc.find(src, req.resourceID)
			if !found {
				return api.NotFound()
			}
			a, ok := rc.book.Accessible(c.ClientID, accountID)
			if !ok {
				return api.Unauthorized()
			}
			if !slices.Contains(src.success, status) {
				// Stone documents no error here (§2): the simulator answers
				// 422 with a type of its choosing, naming the status.
				return api.Unprocessable("invalid_resource_status", fmt.Sprintf("a receipt is issued only for an operation in a success state (%s); %s %s is %s",
					strings.Join(src.success, ", "), req.resourceType, req.resourceID, status))
			}
			lines := append(header(src.label, a, c.Now), operationLines(body)...)
			lines = append(lines, "", "Autenticacao: "+ledger.RequestIDOf(req.resourceType+"|"+req.resourceID))
			return api.Document("application/pdf", "comprovante-"+req.resourceID+".pdf", simpdf.Text("Comprovante "+req.resourceID, lines))
		})
	}
}

// find looks a resource up. Caller holds the lock.
func (rc *Receipts) find(src source, id string) (accountID, status string, body json.RawMessage, ok bool) {
	if src.kind != "" {
		op, found := rc.ops.Lookup(src.kind, id)
		if !found {
			return "", "", nil, false
		}
		l := op.Base()
		return l.AccountID, l.Status, api.Snapshot(op), true
	}
	if rc.pix == nil {
		return "", "", nil, false
	}
	return rc.pix(src.pix, id)
}

// header opens every receipt: the issuer, what it proves, and the
// account, its owner's document masked as Stone masks documents, so that
// no document reaches a receipt (or the evidence that keeps it) in clear.
func header(label string, a *ledger.Account, now time.Time) []string {
	return []string{
		"Stone Pagamentos S.A. - CNPJ 16.501.555/0001-57",
		"Comprovante: " + label,
		"Emitido em " + api.TS(now),
		"",
		"Conta: " + a.BranchCode + " / " + a.AccountCode + " - " + a.OwnerName + " (" + api.MaskDocument(a.OwnerDocument) + ")",
	}
}

// operationLines writes what a receipt shows of an operation, read from
// its JSON: every operation kind names these members the same way.
func operationLines(body json.RawMessage) []string {
	var op map[string]any
	_ = json.Unmarshal(body, &op)
	str := func(path ...string) string {
		var v any = op
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = m[p]
		}
		switch t := v.(type) {
		case string:
			return t
		case float64:
			return fmt.Sprintf("%.0f", t)
		}
		return ""
	}
	lines := []string{"Operacao: " + str("id"), "Situacao: " + str("status"), "Criada em: " + str("created_at")}
	if amt := str("amount"); amt != "" {
		lines = append(lines, "Valor: "+money(amt))
	}
	if fee := str("fee"); fee != "" && fee != "0" {
		lines = append(lines, "Tarifa: "+money(fee))
	}
	for _, f := range []struct {
		label string
		path  []string
	}{
		{"Agendada para", []string{"scheduled_to"}},
		{"Destino", []string{"target", "entity", "name"}},
		{"Documento do destino", []string{"target", "entity", "document"}},
		{"Conta de destino", []string{"target", "account", "account_code"}},
		{"Agencia de destino", []string{"target", "account", "branch_code"}},
		{"Instituicao de destino", []string{"target", "account", "institution_name"}},
		{"Instituicao de destino", []string{"target", "institution", "name"}},
		{"Pagador", []string{"source", "entity", "name"}},
		{"Codigo de barras", []string{"barcode"}},
		{"Linha digitavel", []string{"writable_line"}},
		{"Identificador fim a fim", []string{"end_to_end_id"}},
		{"Descricao", []string{"description"}},
	} {
		if v := str(f.path...); v != "" {
			if strings.Contains(f.label, "Documento") {
				v = api.MaskDocument(v)
			}
			lines = append(lines, f.label+": "+v)
		}
	}
	return lines
}

func money(cents string) string {
	var n int64
	if _, err := fmt.Sscan(cents, &n); err != nil {
		return cents
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("R$ %s%d,%02d", sign, n/100, n%100)
}

// statement is a statement receipt: resource_id is the account id [I: the
// docs do not say which id], the entries between start_datetime and
// end_datetime (the whole history without them), oldest first. Caller
// holds the lock.
func (rc *Receipts) statement(c *api.Call, req request) api.Reply {
	a, ok := rc.book.Accessible(c.ClientID, req.resourceID)
	if !ok {
		return api.Unauthorized()
	}
	lines := append(header("Extrato", a, c.Now), "")
	if req.start != nil || req.end != nil {
		from, to := "inicio", "hoje"
		if req.start != nil {
			from = api.TS(*req.start)
		}
		if req.end != nil {
			to = api.TS(*req.end)
		}
		lines = append(lines, "Periodo: "+from+" a "+to)
	}
	n := 0
	for _, e := range a.Entries() {
		at, err := time.Parse(time.RFC3339, e.CreatedAt)
		if err != nil || (req.start != nil && at.Before(*req.start)) || (req.end != nil && at.After(*req.end)) {
			continue
		}
		n++
		lines = append(lines, fmt.Sprintf("%s  %-12s %14s  saldo %s", e.CreatedAt, e.Type, money(api.Itoa(e.Amount)), money(api.Itoa(e.BalanceAfter))))
	}
	lines = append(lines, "", fmt.Sprintf("%d lancamentos", n), "Autenticacao: "+ledger.RequestIDOf("statement|"+a.ID+"|"+api.TS(c.Now)))
	return api.Document("application/pdf", "extrato-"+a.ID+".pdf", simpdf.Text("Extrato "+a.AccountCode, lines))
}
