package stone

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// TestCreateSignUp: the plaintext of the create page goes, encrypted to
// the discovery endpoint's enc key, as {"jwe"} with an idempotency key;
// Stone's 202 {"id"} is read.
func TestCreateSignUp(t *testing.T) {
	encKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &encKey.PublicKey, KeyID: "enc-7", Use: "enc", Algorithm: "RSA-OAEP-256"}}})
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	var plain map[string]any
	var hdr jose.Header
	fs.api = func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/api/v1/discovery/keys" {
			reply(http.StatusOK, string(jwks))(w, r, nil)
			return
		}
		var in struct{ JWE string }
		_ = json.Unmarshal(body, &in)
		obj, err := jose.ParseEncrypted(in.JWE, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			t.Errorf("body %s: not the documented JWE: %v", body, err)
		} else {
			hdr = obj.Header
			b, err := obj.Decrypt(encKey)
			if err != nil || json.Unmarshal(b, &plain) != nil {
				t.Errorf("the JWE does not open with the enc key: %v", err)
			}
		}
		reply(http.StatusAccepted, `{"id":"8f7b1c2d-sign-up"}`)(w, r, nil)
	}
	id, err := c.CreateSignUp(ctx(t), SignUpRequest{User: SignUpPerson{Document: "52998224725", DocumentType: "cpf", FullName: "Maria da Silva", Email: "maria@example.com"}}, "su-1")
	if err != nil || id != "8f7b1c2d-sign-up" {
		t.Fatalf("id %q, err %v", id, err)
	}
	want := `{"user":{"document":"52998224725","document_type":"cpf","full_name":"Maria da Silva","email":"maria@example.com"}}`
	got, _ := json.Marshal(plain)
	jsonEqual(t, got, want)
	if hdr.KeyID != "enc-7" {
		t.Errorf("kid = %q, want the enc key's", hdr.KeyID)
	}
	reqs := fs.requests()
	post := reqs[len(reqs)-1]
	if post.Method != "POST" || post.Path != "/api/v1/applications/application:"+testClientID+"/signups" || post.Header.Get(IdempotencyHeader) != "su-1" {
		t.Fatalf("sent %s %s key %q", post.Method, post.Path, post.Header.Get(IdempotencyHeader))
	}
	if strings.Contains(string(post.Body), "52998224725") {
		t.Fatal("the document left the JWE")
	}

	runWire(t, fs, c, []wire{{
		name: "status with the bare client id", method: "GET", path: "/api/v1/applications/" + testClientID + "/signups/s1",
		reply: reply(http.StatusOK, `{"id":"s1","status":"kyc_analysis","detailed_status":"status_2","owner_type":"user",
			"inserted_at":"2021-06-02T19:40:23","resource_details":{"user_email_verified":true}}`),
		call: func(c *Client) error {
			s, err := c.SignUp(ctx(t), "s1")
			if err == nil && (s.Status != SignUpKYCAnalysis || s.InsertedAt != "2021-06-02T19:40:23") {
				t.Errorf("sign-up = %+v", s)
			}
			return err
		},
	}})
	runInvalid(t, fs, c, "create sign-up", []invalid{
		{"cnpj as the user", func(c *Client) error {
			_, err := c.CreateSignUp(ctx(t), SignUpRequest{User: SignUpPerson{Document: "16501555000157", DocumentType: "cnpj", FullName: "x", Email: "a@b.c"}}, "")
			return err
		}, "user.document"},
		{"no e-mail", func(c *Client) error {
			_, err := c.CreateSignUp(ctx(t), SignUpRequest{User: SignUpPerson{Document: "52998224725", DocumentType: "cpf", FullName: "x"}}, "")
			return err
		}, "user.email"},
		{"organization typed cpf", func(c *Client) error {
			_, err := c.CreateSignUp(ctx(t), SignUpRequest{User: SignUpPerson{Document: "52998224725", DocumentType: "cpf", FullName: "x", Email: "a@b.c"},
				Organization: &SignUpPerson{Document: "16501555000157", DocumentType: "cpf"}}, "")
			return err
		}, "organization.document_type"},
	})
}
