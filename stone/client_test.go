package stone

import (
	"crypto/rsa"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewValidation(t *testing.T) {
	fs := newFakeStone(t)
	tests := []struct {
		name    string
		mutate  func(*Options)
		wantErr string // "" → New succeeds
	}{
		{"valid", func(*Options) {}, ""},
		{"max assertion ttl", func(o *Options) { o.AssertionTTL = 15 * time.Minute }, ""},
		{"no client id", func(o *Options) { o.ClientID = "" }, "ClientID"},
		{"blank client id", func(o *Options) { o.ClientID = "  " }, "ClientID"},
		{"no key", func(o *Options) { o.PrivateKey = nil }, "PrivateKey"},
		{"broken key", func(o *Options) { o.PrivateKey = &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: fs.key.N, E: 3}} }, "PrivateKey"},
		{"no auth url", func(o *Options) { o.Endpoints.AuthURL = "" }, "Endpoints.AuthURL"},
		{"relative api url", func(o *Options) { o.Endpoints.APIURL = "/api" }, "Endpoints.APIURL"},
		{"ftp site url", func(o *Options) { o.Endpoints.SiteURL = "ftp://conta.stone.com.br" }, "Endpoints.SiteURL"},
		{"no host", func(o *Options) { o.Endpoints.APIURL = "https://" }, "Endpoints.APIURL"},
		{"query in url", func(o *Options) { o.Endpoints.APIURL = "https://x.example?a=b" }, "Endpoints.APIURL"},
		{"bad url", func(o *Options) { o.Endpoints.AuthURL = "http://[::1" }, "Endpoints.AuthURL"},
		{"assertion ttl over 15 min", func(o *Options) { o.AssertionTTL = 15*time.Minute + time.Second }, "AssertionTTL"},
		{"negative assertion ttl", func(o *Options) { o.AssertionTTL = -time.Second }, "AssertionTTL"},
		{"sub-second assertion ttl", func(o *Options) { o.AssertionTTL = time.Millisecond }, "AssertionTTL"},
		{"negative refresh", func(o *Options) { o.RefreshBefore = -time.Second }, "RefreshBefore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fs.options()
			tt.mutate(&o)
			c, err := New(o)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr == "" && c == nil:
				t.Fatal("New returned nil client")
			case tt.wantErr != "" && err == nil:
				t.Fatalf("New succeeded, want error naming %s", tt.wantErr)
			case tt.wantErr != "" && (!strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "stone: new client: ")):
				t.Errorf("error %q, want it prefixed and naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		name                             string
		e                                Endpoints
		auth, api, site, realm, tokenURL string
	}{
		{
			name: "sandbox", e: SandboxEndpoints(),
			auth: "https://sandbox-accounts.openbank.stone.com.br", api: "https://sandbox-api.openbank.stone.com.br",
			site:     "https://sandbox.conta.stone.com.br",
			realm:    "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank",
			tokenURL: "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank/protocol/openid-connect/token",
		},
		{
			name: "production", e: ProductionEndpoints(),
			auth: "https://accounts.openbank.stone.com.br", api: "https://api.openbank.stone.com.br",
			site:     "https://conta.stone.com.br",
			realm:    "https://accounts.openbank.stone.com.br/auth/realms/stone_bank",
			tokenURL: "https://accounts.openbank.stone.com.br/auth/realms/stone_bank/protocol/openid-connect/token",
		},
		{
			name: "single host", e: SingleHostEndpoints("http://127.0.0.1:8080/"),
			auth: "http://127.0.0.1:8080", api: "http://127.0.0.1:8080", site: "http://127.0.0.1:8080",
			realm:    "http://127.0.0.1:8080/auth/realms/stone_bank",
			tokenURL: "http://127.0.0.1:8080/auth/realms/stone_bank/protocol/openid-connect/token",
		},
	}
	for _, tt := range tests {
		got := []string{tt.e.AuthURL, tt.e.APIURL, tt.e.SiteURL, tt.e.RealmURL(), tt.e.TokenURL()}
		want := []string{tt.auth, tt.api, tt.site, tt.realm, tt.tokenURL}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q\nwant %q", tt.name, got, want)
		}
	}
}

func TestClientNormalizesEndpoints(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, func(o *Options) {
		o.Endpoints = Endpoints{AuthURL: fs.srv.URL + "/", APIURL: fs.srv.URL + "//", SiteURL: "https://site.example/"}
	})
	if got := c.Endpoints(); got.APIURL != fs.srv.URL || got.AuthURL != fs.srv.URL || got.SiteURL != "https://site.example" {
		t.Errorf("Endpoints() = %+v", got)
	}
	if c.ClientID() != testClientID {
		t.Errorf("ClientID() = %q", c.ClientID())
	}
	if _, err := c.Balance(ctx(t), "acc-1"); err != nil {
		t.Fatal(err)
	}
	if got := fs.requests()[0].Path; got != "/api/v1/accounts/acc-1/balance" {
		t.Errorf("path %q", got)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	fs := newFakeStone(t)
	fs.userAgent = "homolog (+https://github.com/openbank-homolog/homolog)" // checked by the token endpoint too
	c := fs.client(t, func(o *Options) { o.UserAgent = "" })
	if _, err := c.Balance(ctx(t), "acc-1"); err != nil {
		t.Fatal(err)
	}
	if got := fs.requests()[0].Header.Get("User-Agent"); got != fs.userAgent {
		t.Errorf("User-Agent %q, want %q", got, fs.userAgent)
	}
}

// TestAPIRequests checks what every API call puts on the wire.
func TestAPIRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	tests := []struct {
		name      string
		call      func(*Client) error
		method    string
		path      string // escaped, as received
		query     url.Values
		body      string // expected JSON; "" → no body
		idemKey   string
		replyBody string
	}{
		{
			name:   "list accounts",
			call:   func(c *Client) error { _, err := c.ListAccounts(ctx(t), ListAccountsParams{}); return err },
			method: "GET", path: "/api/v1/accounts", query: url.Values{"paginate": {"true"}},
		},
		{
			name: "list all accounts with cursors",
			call: func(c *Client) error {
				_, err := c.ListAccounts(ctx(t), ListAccountsParams{All: true, After: "a1", Before: "b1"})
				return err
			},
			method: "GET", path: "/api/v1/accounts", query: url.Values{"paginate": {"false"}, "after": {"a1"}, "before": {"b1"}},
		},
		{
			name:   "account with an id that needs escaping",
			call:   func(c *Client) error { _, err := c.Account(ctx(t), "a/b c?"); return err },
			method: "GET", path: "/api/v1/accounts/a%2Fb%20c%3F", query: url.Values{},
		},
		{
			name:   "balance",
			call:   func(c *Client) error { _, err := c.Balance(ctx(t), "acc-1"); return err },
			method: "GET", path: "/api/v1/accounts/acc-1/balance", query: url.Values{},
		},
		{
			name:   "statement",
			call:   func(c *Client) error { _, err := c.Statement(ctx(t), "acc-1", StatementParams{Limit: 10}); return err },
			method: "GET", path: "/api/v1/accounts/acc-1/statement", query: url.Values{"limit": {"10"}},
		},
		{
			name: "create internal transfer",
			call: func(c *Client) error {
				_, err := c.CreateInternalTransfer(ctx(t), InternalTransferRequest{AccountID: "acc-1", Amount: 100, TargetAccountCode: "58859"}, "k-1")
				return err
			},
			method: "POST", path: "/api/v1/internal_transfers", query: url.Values{},
			body: `{"account_id":"acc-1","amount":100,"target":{"account":{"account_code":"58859"}}}`, idemKey: "k-1",
		},
		{
			name:   "get internal transfer",
			call:   func(c *Client) error { _, err := c.InternalTransfer(ctx(t), "tr/1"); return err },
			method: "GET", path: "/api/v1/internal_transfers/tr%2F1", query: url.Values{},
		},
		{
			name: "list internal transfers",
			call: func(c *Client) error {
				_, err := c.ListInternalTransfers(ctx(t), InternalTransferListParams{AccountID: "acc-1", Status: "CREATED", PageParams: PageParams{Limit: 5, After: "a", Before: "b"}})
				return err
			},
			method: "GET", path: "/api/v1/internal_transfers",
			query: url.Values{"account_id": {"acc-1"}, "status": {"CREATED"}, "limit": {"5"}, "after": {"a"}, "before": {"b"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.reset()
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := fs.requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.path {
				t.Errorf("sent %s %s, want %s %s", r.Method, r.Path, tt.method, tt.path)
			}
			if !reflect.DeepEqual(r.Query, tt.query) {
				t.Errorf("query %v, want %v", r.Query, tt.query)
			}
			wantHeaders := map[string]string{
				"Authorization":   "Bearer " + fs.issuedTokens()[0],
				"User-Agent":      testUserAgent,
				"Accept":          "application/json",
				"Content-Type":    "",
				IdempotencyHeader: tt.idemKey,
			}
			if tt.body != "" || tt.method != http.MethodGet {
				wantHeaders["Content-Type"] = "application/json"
			}
			for k, want := range wantHeaders {
				if got := r.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if tt.body == "" {
				if len(r.Body) != 0 {
					t.Errorf("unexpected body %s", r.Body)
				}
			} else {
				jsonEqual(t, r.Body, tt.body)
			}
		})
	}
	if got := fs.fetches(); got != 1 {
		t.Errorf("token fetches = %d, want 1 for all calls", got)
	}
}

func TestEmptyIDsRejectedWithoutRequest(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	calls := map[string]func() error{
		"account":           func() error { _, err := c.Account(ctx(t), ""); return err },
		"balance":           func() error { _, err := c.Balance(ctx(t), " "); return err },
		"statement":         func() error { _, err := c.Statement(ctx(t), "", StatementParams{}); return err },
		"internal transfer": func() error { _, err := c.InternalTransfer(ctx(t), ""); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil || !strings.Contains(err.Error(), "id is required") {
			t.Errorf("%s: err = %v, want an id is required error", name, err)
		}
	}
	if n := len(fs.requests()) + fs.fetches(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestResponseDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusOK, `{"cursor":{"after":"next","before":null,"limit":50},"data":[{
		"account_code":"403881","branch_code":"1","id":"31091cb9","owner_document":"96156305270",
		"owner_id":"user:23f7eb28","owner_name":"Nome da Usuária","created_at":"2019-07-31T19:13:56Z","restricted_features":true}]}`)
	page, err := c.ListAccounts(ctx(t), ListAccountsParams{})
	if err != nil {
		t.Fatal(err)
	}
	want := Account{ID: "31091cb9", AccountCode: "403881", BranchCode: "1", OwnerDocument: "96156305270",
		OwnerID: "user:23f7eb28", OwnerName: "Nome da Usuária", CreatedAt: time.Date(2019, 7, 31, 19, 13, 56, 0, time.UTC),
		RestrictedFeatures: true}
	if len(page.Data) != 1 || !reflect.DeepEqual(page.Data[0], want) {
		t.Errorf("accounts = %+v, want %+v", page.Data, want)
	}
	if page.Cursor.After == nil || *page.Cursor.After != "next" || page.Cursor.Before != nil || page.Cursor.Limit != 50 {
		t.Errorf("cursor = %+v", page.Cursor)
	}

	fs.api = reply(http.StatusOK, `{"balance": 9998, "blocked_balance": 2, "scheduled_balance": 30}`)
	b, err := c.Balance(ctx(t), "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if *b != (Balance{Balance: 9998, BlockedBalance: 2, ScheduledBalance: 30}) {
		t.Errorf("balance = %+v", b)
	}

	for name, body := range map[string]string{"empty": "", "not json": "<html>", "wrong shape": `{"balance":"x"}`} {
		fs.api = reply(http.StatusOK, body)
		if _, err := c.Balance(ctx(t), "acc-1"); err == nil || !strings.HasPrefix(err.Error(), "stone: get balance: ") {
			t.Errorf("%s body: err = %v, want a get balance error", name, err)
		}
	}
}
