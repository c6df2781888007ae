package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// reqCtx is what the simulator knows about one request before its handler runs.
type reqCtx struct {
	now    time.Time  // read once, so every timestamp of one request agrees
	id     string     // x-request-id
	realm  string     // this host's realm URL, as the caller addressed it
	client *clientRec // the authenticated application (API routes only)
}

type handler func(w http.ResponseWriter, r *http.Request, rc *reqCtx)

type route struct {
	method string
	segs   []string // "{name}" segments are wildcards
	auth   bool     // requires a bearer token and a User-Agent
	h      handler
}

// router is hand-rolled rather than http.ServeMux because the mux answers
// unknown routes and wrong methods with text/plain, and Stone answers JSON.
type router []route

func (rt *router) add(method, pattern string, auth bool, h handler) {
	*rt = append(*rt, route{method: method, segs: splitPath(pattern), auth: auth, h: h})
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match returns the route for r (setting its path values) or, when only the
// method is wrong, the methods that would have matched.
func (rt router) match(r *http.Request) (*route, []string) {
	segs := splitPath(r.URL.Path)
	var allowed []string
	for i := range rt {
		rte := &rt[i]
		vals, ok := matchSegs(rte.segs, segs)
		if !ok {
			continue
		}
		if rte.method != r.Method {
			allowed = append(allowed, rte.method)
			continue
		}
		for k, v := range vals {
			r.SetPathValue(k, v)
		}
		return rte, nil
	}
	sort.Strings(allowed)
	return nil, allowed
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var vals map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if vals == nil {
				vals = map[string]string{}
			}
			vals[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vals, true
}

func (s *Simulator) buildRoutes() router {
	var rt router
	rt.add(http.MethodPost, tokenPath, false, s.handleToken)

	rt.add(http.MethodGet, "/api/v1/institutions", false, s.handleInstitutions)
	rt.add(http.MethodGet, "/api/v1/institutions/{code}", false, s.handleInstitution)
	rt.add(http.MethodGet, "/api/v1/accounts", true, s.handleListAccounts)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}", true, s.handleGetAccount)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/balance", true, s.handleBalance)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/statement", true, s.handleStatement)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/statement/entries/{entry}", true, s.handleAccountEntry)
	rt.add(http.MethodGet, "/api/v1/statement/entries/{entry}", true, s.handleEntry)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/fees", true, s.handleFees)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/fees/{fee_type}", true, s.handleFee)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/schedulings", true, s.handleSchedulings)
	rt.add(http.MethodGet, "/api/v1/schedulings/calendar", true, s.handleCalendar)

	rt.add(http.MethodGet, "/api/v1/accounts/{id}/operations", true, s.handleListOperations)
	rt.add(http.MethodPost, "/api/v1/accounts/{id}/operations/actions/approve", true, s.handleBatchApprove)
	rt.add(http.MethodPost, "/api/v1/accounts/{id}/operations/actions/cancel", true, s.handleBatchCancel)
	rt.add(http.MethodGet, "/api/v1/accounts/{id}/operations/{operation_id}", true, s.handleGetOperation)

	rt.add(http.MethodPost, "/api/v1/internal_transfers", true, s.idempotent(s.handleCreateTransfer))
	rt.add(http.MethodGet, "/api/v1/internal_transfers", true, s.handleListTransfers)
	rt.add(http.MethodGet, "/api/v1/internal_transfers/{id}", true, s.handleGetTransfer)
	rt.add(http.MethodPost, "/api/v1/dry_run/internal_transfers", true, s.idempotent(s.handleDryRunTransfer))

	rt.add(http.MethodPost, "/api/v1/external_transfers", true, s.idempotent(s.handleCreateExternalTransfer))
	rt.add(http.MethodGet, "/api/v1/external_transfers", true, s.handleListExternalTransfers)
	rt.add(http.MethodGet, "/api/v1/external_transfers/{id}", true, s.handleGetExternalTransfer)
	rt.add(http.MethodPost, "/api/v1/dry_run/external_transfers", true, s.idempotent(s.handleDryRunExternalTransfer))

	s.moneyRoutes(&rt)
	s.opActionRoutes(&rt)

	rt.add(http.MethodGet, "/consentimento", false, s.handleConsentPage)
	rt.add(http.MethodPost, "/consentimento", false, s.handleConsentForm)

	s.controlRoutes(&rt)
	s.webhookRoutes(&rt)
	s.faultRoutes(&rt)
	return rt
}

// opActionRoutes are the per-operation approve, reject and cancel routes of
// every kind that has them; cancel answers DELETE as well as POST because
// Stone's Go SDK cancels with DELETE.
func (s *Simulator) opActionRoutes(rt *router) {
	for _, k := range []*opKind{kindInternal(), kindExternal(), kindPayment()} {
		base := "/api/v1/" + k.name + "/{id}/"
		rt.add(http.MethodPost, base+"approve", true, s.opActionHandler(k, actApprove))
		rt.add(http.MethodPost, base+"reject", true, s.opActionHandler(k, actReject))
		rt.add(http.MethodPost, base+"cancel", true, s.opActionHandler(k, actCancel))
		rt.add(http.MethodDelete, base+"cancel", true, s.opActionHandler(k, actCancel))
	}
}

// ServeHTTP serves every simulated host. Before routing it applies every state
// transition that has come due on the simulator's clock, so a fake clock moved
// forward takes effect on the next request without background goroutines.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := &reqCtx{now: s.now(), id: s.requestID(), realm: realmURL(r)}
	w.Header().Set("X-Request-Id", rc.id)
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			// A bug must still answer JSON; the log keeps the cause.
			s.logf("simulator: panic serving %s %s (request %s): %v", r.Method, r.URL.Path, rc.id, v)
			if sw.status == 0 {
				srnErr(http.StatusInternalServerError, "internal").write(sw)
			}
		}
		s.logf("simulator: %s %s -> %d (request %s)", r.Method, r.URL.Path, sw.status, rc.id)
	}()

	if s.faults.inject(sw, r) {
		return
	}
	s.locked(func() { s.st.settleDue(rc.now) })
	s.hooks.kick()

	rte, allowed := s.routes.match(r)
	if rte == nil {
		if len(allowed) > 0 {
			sw.Header().Set("Allow", strings.Join(allowed, ", "))
			srnErr(http.StatusMethodNotAllowed, "method_not_allowed").write(sw)
			return
		}
		srnErr(http.StatusNotFound, "not_found").write(sw)
		return
	}
	// r.URL.Query() silently drops malformed pairs; a cursor lost that way
	// would restart pagination instead of failing.
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		badRequest("malformed query string: " + err.Error()).write(sw)
		return
	}
	r.Body = http.MaxBytesReader(sw, r.Body, maxBodyBytes)
	if rte.auth {
		if rp, ok := s.authenticate(r, rc); !ok {
			rp.write(sw)
			return
		}
	}
	rte.h(sw, r, rc)
}

// requestID is 32 hex characters, derived from NewID so that an injected id
// source also makes request ids reproducible.
func (s *Simulator) requestID() string {
	id := strings.ReplaceAll(s.newID(), "-", "")
	if len(id) == 32 {
		if _, err := hex.DecodeString(id); err == nil {
			return strings.ToLower(id)
		}
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// realmURL is derived from the request so the simulator works under any
// address (httptest, Start, a proxy) without being told its own URL.
func realmURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		p, _, _ = strings.Cut(p, ",")
		if p = strings.ToLower(strings.TrimSpace(p)); p == "http" || p == "https" {
			scheme = p
		}
	}
	return fmt.Sprintf("%s://%s%s", scheme, r.Host, realmPath)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
