package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// Call is what the simulator knows about one request before its handler
// runs. Now is read once, so every timestamp of one request agrees.
type Call struct {
	Now      time.Time
	ID       string // x-request-id
	ClientID string // the authenticated application (routes added with HandleAuth)
}

// SubjectID is the caller's global id, application:<ClientID>, as Stone
// writes it in created_by and approved_by.
func (c *Call) SubjectID() string { return "application:" + c.ClientID }

// Handler serves one route.
type Handler func(w http.ResponseWriter, r *http.Request, c *Call)

// Authenticator checks a request's bearer token and sets c.ClientID, or
// says what to answer instead.
type Authenticator func(r *http.Request, c *Call) (Reply, bool)

type callKey struct{}

// WithCall attaches c to r for the routes of a Mux.
func WithCall(r *http.Request, c *Call) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callKey{}, c))
}

// CallOf returns the Call attached by WithCall, or a fresh one read from the
// wall clock when there is none.
func CallOf(r *http.Request) *Call {
	if c, ok := r.Context().Value(callKey{}).(*Call); ok {
		return c
	}
	return &Call{Now: time.Now().UTC()}
}

// Mux routes by Go's http.ServeMux method+path patterns, matched by
// specificity rather than registration order. ServeMux answers unknown
// routes and wrong methods with text/plain and Stone answers JSON, so a
// catch-all turns both into srn:error:not_found (404) and
// srn:error:method_not_allowed (405, with Allow).
type Mux struct {
	mux      *http.ServeMux
	auth     Authenticator
	controls bool
	patterns []string
}

// NewMux returns a router whose HandleAuth routes are guarded by auth.
// Without controls, routes under /_sim/ are not registered at all.
func NewMux(auth Authenticator, controls bool) *Mux {
	m := &Mux{mux: http.NewServeMux(), auth: auth, controls: controls}
	m.mux.HandleFunc("/", m.unrouted)
	return m
}

// Handle registers a route that needs no token ("GET /api/v1/institutions").
func (m *Mux) Handle(pattern string, h Handler) { m.add(pattern, false, h) }

// HandleAuth registers an API route that needs a bearer token and a
// User-Agent (stone-api.md §1.5).
func (m *Mux) HandleAuth(pattern string, h Handler) { m.add(pattern, true, h) }

func (m *Mux) add(pattern string, auth bool, h Handler) {
	_, path, _ := strings.Cut(pattern, " ")
	if !m.controls && (path == "/_sim" || strings.HasPrefix(path, "/_sim/")) {
		return
	}
	m.patterns = append(m.patterns, pattern)
	m.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := CallOf(r)
		// r.URL.Query() silently drops malformed pairs; a cursor lost that
		// way would restart pagination instead of failing.
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			BadRequest("malformed query string: "+err.Error(), "query").Write(w)
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		}
		if auth {
			if rp, ok := m.auth(r, c); !ok {
				rp.Write(w)
				return
			}
		}
		h(w, r, c)
	})
}

// Patterns lists the registered routes, in registration order.
func (m *Mux) Patterns() []string { return append([]string(nil), m.patterns...) }

// ServeHTTP routes r. A trailing slash is ignored, as Stone's SDKs send
// some paths with one (the Go SDK lists PIX charges at
// /api/v1/pix_payment_invoices/); a path ServeMux would redirect to its
// cleaned form (// or dot segments) is not a route at all.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
		NotFound().Write(w)
		return
	}
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		u := *r.URL
		u.Path, u.RawPath = strings.TrimSuffix(p, "/"), ""
		r = r.WithContext(r.Context())
		r.URL = &u
	}
	m.mux.ServeHTTP(w, r)
}

// unrouted answers what no route matched: 405 when another method would
// have matched the path, 404 otherwise.
func (m *Mux) unrouted(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, method := range []string{http.MethodDelete, http.MethodGet, http.MethodPatch, http.MethodPost, http.MethodPut} {
		if method == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pat := m.mux.Handler(probe); pat != "" && pat != "/" {
			allowed = append(allowed, method)
		}
	}
	if len(allowed) > 0 {
		slices.Sort(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Err(http.StatusMethodNotAllowed, "method_not_allowed").Write(w)
		return
	}
	NotFound().Write(w)
}
