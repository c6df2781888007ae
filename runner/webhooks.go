package runner

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/steps"
	"github.com/openbank-homolog/homolog/stone"
)

// webhookPath is where the run's receiver listens.
const webhookPath = "/webhooks/stone"

// webhookServer receives Stone's webhooks during a run: each delivery is
// decrypted and verified by stone.WebhookReceiver, handed to the steps'
// inbox, and written to the evidence whether it was accepted or not.
type webhookServer struct {
	inbox *steps.WebhookInbox
	ln    net.Listener
	srv   *http.Server
}

// listenWebhooks opens the listener first, so that its URL can be
// registered with the target before the run starts; serve starts
// answering once the Stone client, which fetches Stone's keys, exists.
func listenWebhooks(addr string) (*webhookServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("webhooks: listen on %s: %w", addr, err)
	}
	return &webhookServer{ln: ln, inbox: steps.NewWebhookInbox()}, nil
}

// URL is the receiver's address as seen from this machine.
func (ws *webhookServer) URL() string { return "http://" + ws.ln.Addr().String() + webhookPath }

// delivery is what the receiver learnt about one request; the recording
// middleware reads it after the receiver has answered.
type delivery struct {
	verified *stone.Webhook
	err      error
}

type deliveryKey struct{}

func (ws *webhookServer) serve(client *stone.Client, key *rsa.PrivateKey, rec *evidence.Recorder) error {
	keys, err := client.WebhookKeys(stone.WebhookKeysOptions{})
	if err != nil {
		return err
	}
	recv, err := stone.NewWebhookReceiver(stone.WebhookReceiverOptions{
		PrivateKey: key,
		Keys:       keys,
		Handle: func(ctx context.Context, w stone.Webhook) error {
			// The delivery reaches the inbox once it is in the journal
			// (below), so the step that awaits it gets its record.
			if d, ok := ctx.Value(deliveryKey{}).(*delivery); ok {
				d.verified = &w
			}
			return nil
		},
		OnReject: func(r *http.Request, _ int, err error) {
			if d, ok := r.Context().Value(deliveryKey{}).(*delivery); ok {
				d.err = err
			}
		},
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(webhookPath, record(recv, rec, ws.inbox))
	ws.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = ws.srv.Serve(ws.ln) }()
	return nil
}

// record writes every delivery to the evidence once the receiver has
// answered it: accepted (verified, new), duplicate (an event id already
// processed: answered 2xx without processing) or rejected (and why). An
// accepted delivery then goes to the inbox with its journal record.
func record(next http.Handler, rec *evidence.Recorder, inbox *steps.WebhookInbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := &delivery{}
		r = r.WithContext(context.WithValue(r.Context(), deliveryKey{}, d))
		sw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)

		ev := &evidence.Webhook{
			EventID:   r.Header.Get("x-stone-webhook-event-id"),
			EventType: r.Header.Get("x-stone-webhook-event-type"),
			Status:    sw.status,
		}
		var payload []byte
		switch {
		case sw.status >= 400:
			ev.Outcome = "rejected"
			if d.err != nil {
				ev.Error = d.err.Error()
			}
		case d.verified != nil:
			ev.Outcome = "accepted"
			ev.TargetType, ev.TargetID = d.verified.TargetType, d.verified.TargetID
			payload, _ = json.Marshal(d.verified.Raw)
		default:
			ev.Outcome = "duplicate"
		}
		jr, err := rec.WebhookReceived(ev, r.Header, payload)
		if err == nil && d.verified != nil && ev.Outcome == "accepted" {
			inbox.Add(steps.Delivery{Webhook: *d.verified, Record: jr})
		}
	})
}

func (ws *webhookServer) close() error {
	if ws.srv == nil {
		return ws.ln.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
