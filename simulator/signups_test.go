package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// docsSignUp is the create page's plaintext for a person (§4.1).
const docsSignUp = `{"user":{"document":"52998224725","document_type":"cpf","full_name":"Maria da Silva","email":"maria@example.com"}}`

func (e *env) signUp(plain string) string {
	e.t.Helper()
	return e.call(http.MethodPost, "/api/v1/applications/application:"+e.clientID+"/signups", `{"jwe":"`+e.seal(plain)+`"}`, 202,
		idemHeader, "signup-"+itoa(int64(len(plain)))).str("id")
}

func TestSignUpLifecycle(t *testing.T) {
	e := newEnv(t)
	id := e.signUp(docsSignUp)
	for _, app := range []string{e.clientID, "application:" + e.clientID} {
		got := e.call(http.MethodGet, "/api/v1/applications/"+app+"/signups/"+id, "", 200)
		if got.str("status") != "created" || got.str("owner_document") != "52998224725" || got.str("owner_type") != "user" ||
			!strings.HasPrefix(got.str("owner_id"), "user:") || got.str("resource_type") != "srn:resource:user" ||
			strings.HasSuffix(got.str("inserted_at"), "Z") || got.str("subject_id") != "application:"+e.clientID {
			t.Fatalf("%s: sign-up = %v", app, got)
		}
	}
	wantError(t, e.api(http.MethodPost, "/_sim/signups/"+id+"/status", `{"status":"finished"}`), 409, "conflict")
	e.call(http.MethodPost, "/_sim/signups/"+id+"/status", `{"status":"kyc_analysis"}`, 200)
	e.call(http.MethodPost, "/_sim/signups/"+id+"/status", `{"status":"finished"}`, 200)
	if got := e.call(http.MethodGet, "/api/v1/applications/"+e.clientID+"/signups/"+id, "", 200); got.str("status") != "finished" || got["error"] != nil {
		t.Fatalf("finished = %v", got)
	}

	var types []string
	for _, n := range e.simWebhooks(e.clientID) {
		types = append([]string{n.EventType}, types...)
		var p map[string]any
		if err := json.Unmarshal(n.Data, &p); err != nil {
			t.Fatal(err)
		}
		if _, has := p["target_statement_uri"]; has || p["target_type"] != "sign_up_request" || p["target_id"] != id ||
			!strings.HasSuffix(p["target_detail_uri"].(string), "/api/v1/applications/application:"+e.clientID+"/signups/"+id) {
			t.Fatalf("envelope = %v", p)
		}
		td := p["target_data"].(map[string]any)
		if _, has := td["account_id"]; has || td["subject_id"] != "application:"+e.clientID || strings.HasSuffix(td["event_happened_at"].(string), "Z") {
			t.Fatalf("target_data = %v", td)
		}
	}
	want := "sign_up_created,sign_up_resource_details_updated,sign_up_resource_details_updated,sign_up_status_updated,sign_up_resource_details_updated,sign_up_status_updated"
	if strings.Join(types, ",") != want {
		t.Fatalf("events = %v, want %s", types, want)
	}

	// Another application sees neither the request nor its webhooks.
	other := e.second()
	wantError(t, other.api(http.MethodGet, "/api/v1/applications/"+other.clientID+"/signups/"+id, ""), 404, "not_found")
	wantError(t, other.api(http.MethodGet, "/api/v1/applications/"+e.clientID+"/signups/"+id, ""), 403, "unauthorized")
	if n := len(other.simWebhooks(other.clientID)); n != 0 {
		t.Fatalf("the other application got %d sign-up webhooks", n)
	}
}

func TestSignUpRefusals(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/applications/application:" + e.clientID + "/signups"
	wantError(t, e.api(http.MethodPost, path, `{}`), 400, "validation")
	wantError(t, e.api(http.MethodPost, path, `{"jwe":"eyJhbGciOiJub25lIn0.e30.e30.e30.e30"}`), 400, "bad_jwe_token")
	er := wantError(t, e.api(http.MethodPost, path, `{"jwe":"`+e.seal(`{"user":{"document":"123","document_type":"cnpj","full_name":"M"}}`)+`"}`), 400, "validation")
	for _, p := range []string{`["user","document"]`, `["user","document_type"]`, `["user","email"]`} {
		if !strings.Contains(string(er.Reason), p) {
			t.Errorf("reason %s does not name %s", er.Reason, p)
		}
	}
	org := `{"user":{"document":"52998224725","document_type":"cpf","full_name":"Maria","email":"m@example.com"},
		"organization":{"document":"16501555000157","document_type":"cnpj","full_name":"Loja da Maria"}}`
	id := e.signUp(org)
	if got := e.call(http.MethodGet, path+"/"+id, "", 200); got.str("owner_type") != "organization" || got.str("owner_document") != "16501555000157" {
		t.Fatalf("organization sign-up = %v", got)
	}
	e.call(http.MethodPost, "/_sim/signups/"+id+"/status", `{"status":"failed"}`, 200)
	if got := e.call(http.MethodGet, path+"/"+id, "", 200); got.str("status") != "failed" || got.str("error") == "" {
		t.Fatalf("failed = %v", got)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/applications/application:someone-else/signups", `{"jwe":"x"}`), 403, "unauthorized")
}
