package simulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

const idemHeader = "x-stone-idempotency-key"

func TestIdempotentReplay(t *testing.T) {
	e := newEnv(t)
	body := transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 2_500)
	first := e.api(http.MethodPost, "/api/v1/internal_transfers", body, idemHeader, "key-1")
	wantStatus(t, first, http.StatusAccepted)

	e.clock.Advance(time.Second) // the original has finished meanwhile
	// Same meaning, different bytes: keys reordered, whitespace added.
	reordered := `{ "target": {"account": {"account_code": "` + e.fx.TransferTargets[0] + `"}}, "description": "homolog",
		"account_id": "` + e.fx.OwnAccountID + `", "amount": 2500 }`
	for _, b := range []string{body, reordered} {
		again := e.api(http.MethodPost, "/api/v1/internal_transfers", b, idemHeader, "key-1")
		if again.Code != http.StatusAccepted || again.Body.String() != first.Body.String() {
			t.Fatalf("replay = %d %s, want the original %s", again.Code, again.Body.String(), first.Body.String())
		}
		if again.Header().Get("X-Request-Id") == first.Header().Get("X-Request-Id") {
			t.Fatalf("a replay is a new request and needs its own x-request-id")
		}
	}
	all := decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers", ""))
	if len(all.Data) != 1 || e.balance(e.fx.OwnAccountID) != 1_000_000-2_500 {
		t.Fatalf("%d transfers and balance %d: the replay executed again", len(all.Data), e.balance(e.fx.OwnAccountID))
	}

	// Same key, different body.
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers",
		transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 2_501), idemHeader, "key-1"), http.StatusConflict, "idempotency_conflict")
	// A different key is a different request.
	second := e.createTransfer(body, idemHeader, "key-2")
	if second.ID == decode[transferView](t, first).ID {
		t.Fatalf("a new key replayed the old transfer")
	}
}

func TestIdempotencyKeyScopeAndLength(t *testing.T) {
	e := newEnv(t)
	body := transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1)

	long := strings.Repeat("k", 73)
	got := wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", body, idemHeader, long), 431, "bad_request")
	if d := badRequestDetail(t, got); d.Error != "longer than 72 characters" || strings.Join(d.Path, ".") != "x-stone-idempotency-key" {
		t.Fatalf("431 detail = %+v", d)
	}
	e.createTransfer(body, idemHeader, strings.Repeat("k", 72))

	// A rejected request is not remembered: the client may fix it and retry.
	bad := transferBody(e.fx.OwnAccountID, "not-a-code", 1)
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", bad, idemHeader, "fix-me"), 400, "validation")
	e.createTransfer(body, idemHeader, "fix-me")

	// Keys are per client: another application may use the same key.
	other := &env{t: t, clientID: "other-app", sim: e.sim, clock: e.clock, key: testKeys(t)[2]}
	fx, err := e.sim.Register(Client{ID: other.clientID, PublicKey: &other.key.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	other.createTransfer(transferBody(fx.OwnAccountID, fx.TransferTargets[0], 1), idemHeader, "fix-me")
}

// TestIdempotencyInFlight holds the first request inside the handler, which
// a synchronous simulator cannot otherwise show, and checks the 423.
func TestIdempotencyInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	h := api.NewIdempotency().Wrap(func(w http.ResponseWriter, _ *http.Request, _ *api.Call) {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
		}
		api.JSON(http.StatusAccepted, map[string]int32{"call": calls.Load()}).Write(w)
	})
	rc := &api.Call{ClientID: testClientID}
	call := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/internal_transfers", strings.NewReader(body))
		req.Header.Set(idemHeader, "slow")
		rec := httptest.NewRecorder()
		h(rec, req, rc)
		return rec
	}

	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- call(`{"a":1}`) }()
	<-entered
	wantError(t, call(`{"a":1}`), http.StatusLocked, "locked")
	wantError(t, call(`{"a":2}`), http.StatusConflict, "idempotency_conflict")
	close(release)
	first := <-done
	wantStatus(t, first, http.StatusAccepted)

	replay := call(`{"a":1}`)
	if replay.Code != http.StatusAccepted || replay.Body.String() != first.Body.String() || calls.Load() != 1 {
		t.Fatalf("after completion: %d %s with %d calls", replay.Code, replay.Body.String(), calls.Load())
	}
}

func TestIdempotencyKeyFreedWhenHandlerPanics(t *testing.T) {
	panics := true
	h := api.NewIdempotency().Wrap(func(w http.ResponseWriter, _ *http.Request, _ *api.Call) {
		if panics {
			panic("boom")
		}
		w.WriteHeader(http.StatusNoContent)
	})
	rc := &api.Call{}
	call := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{}`))
		req.Header.Set(idemHeader, "k")
		rec := httptest.NewRecorder()
		h(rec, req, rc)
		return rec
	}
	func() {
		defer func() { _ = recover() }()
		call()
	}()
	panics = false
	if rec := call(); rec.Code != http.StatusNoContent {
		t.Fatalf("after a panic the key stayed locked: %d %s", rec.Code, rec.Body.String())
	}
}
