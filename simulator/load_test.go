package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// loadClient is one partner application talking to a served simulator over
// real HTTP, as a load test's client does.
type loadClient struct {
	t    *testing.T
	base string
	id   string
	fx   Fixtures
	tok  string
	http *http.Client
}

func (c *loadClient) do(method, path, body string, hdr ...string) (int, []byte) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Error(err)
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+c.tok)
	req.Header.Set("User-Agent", "homolog-load-test")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestLoadConcurrentTransfers runs under -race (issue 12, "Also"): several
// applications, each with several concurrent clients, create internal
// transfers from their own account to the other applications' accounts, all
// at once over HTTP. Afterwards every transfer has run, money is conserved
// across all accounts, and every statement chains. Then many requests with
// one idempotency key race: one wins, the others get its replay or 423.
func TestLoadConcurrentTransfers(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	keys := testKeys(t)
	s, err := New(Options{SigningKey: keys[0], FinishAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	const apps, workers, perWorker = 4, 4, 12
	var clients []*loadClient
	for i := range apps {
		id := fmt.Sprintf("load-app-%d", i)
		fx, err := s.Register(Client{ID: id, PublicKey: &keys[1].PublicKey})
		if err != nil {
			t.Fatal(err)
		}
		c := &loadClient{t: t, base: s.URL(), id: id, fx: fx, http: hc}
		now := time.Now()
		assertion := sign(t, keys[1], jwt.MapClaims{"aud": s.URL() + "/auth/realms/stone_bank", "sub": id, "iss": id, "clientId": id,
			"jti": id, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()})
		req, _ := http.NewRequest(http.MethodPost, s.URL()+tokenPath, strings.NewReader(tokenForm(id, assertion).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var tok tokenResponse
		err = json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("token for %s: %v", id, err)
		}
		c.tok = tok.AccessToken
		clients = append(clients, c)
	}
	ownCode := map[string]string{} // own account id → its account code
	for _, c := range clients {
		_, b := c.do(http.MethodGet, "/api/v1/accounts/"+c.fx.OwnAccountID, "")
		var a struct {
			AccountCode string `json:"account_code"`
		}
		_ = json.Unmarshal(b, &a)
		ownCode[c.fx.OwnAccountID] = a.AccountCode
	}
	total := func() (sum int64) {
		s.book.Locked(func() {
			for _, a := range s.book.Accounts() {
				sum += a.Balance()
			}
		})
		return sum
	}
	before := total()

	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range clients {
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for j := range perWorker {
					// Alternate between another application's own account and
					// this one's counterparties: both are shared with other workers.
					target := ownCode[clients[(i+1+j)%apps].fx.OwnAccountID]
					if j%2 == 1 {
						target = c.fx.TransferTargets[j%len(c.fx.TransferTargets)]
					}
					key := fmt.Sprintf("load-%s-%d-%d", c.id, w, j)
					st, b := c.do(http.MethodPost, "/api/v1/internal_transfers", transferBody(c.fx.OwnAccountID, target, int64(100+w*10+j)), idemHeader, key)
					if st != http.StatusAccepted {
						t.Errorf("create %s: %d %s", key, st, b)
					}
					c.do(http.MethodGet, "/api/v1/accounts/"+c.fx.OwnAccountID+"/statement?limit=5", "")
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	// Let every transfer run: FinishAfter is immediate, due jobs run on the next request.
	clients[0].do(http.MethodGet, "/api/v1/institutions", "")
	created := 0
	for _, c := range clients {
		st, b := c.do(http.MethodGet, "/api/v1/internal_transfers?account_id="+c.fx.OwnAccountID+"&limit=100", "")
		var l struct {
			Data []struct{ ID, Status string } `json:"data"`
		}
		if err := json.Unmarshal(b, &l); st != http.StatusOK || err != nil {
			t.Fatalf("list: %d %s", st, b)
		}
		for _, tr := range l.Data {
			if tr.Status != "FINISHED" {
				t.Errorf("transfer %s is %s", tr.ID, tr.Status)
			}
		}
		created += len(l.Data)
	}
	if created != apps*workers*perWorker {
		t.Fatalf("%d transfers listed, %d created", created, apps*workers*perWorker)
	}
	if after := total(); after != before {
		t.Fatalf("money not conserved: %d before, %d after", before, after)
	}
	s.book.Locked(func() {
		for _, a := range s.book.Accounts() {
			prev := int64(0)
			for i, en := range a.Entries() {
				if en.BalanceAfter != en.BalanceBefore+en.Amount || (i > 0 && en.BalanceBefore != prev) {
					t.Fatalf("account %s entry %d breaks the chain: %+v", a.ID, i, *en)
				}
				prev = en.BalanceAfter
			}
			if len(a.Entries()) > 0 && prev != a.Balance() {
				t.Fatalf("account %s ends at %d, balance %d", a.ID, prev, a.Balance())
			}
		}
	})

	// One key, many racing requests. Same body: one 202 creates the
	// transfer, every other answer is its replay (the same 202 body) or 423
	// while it runs. Different bodies: at most one is created, the others
	// get 409 or 423.
	c := clients[0]
	race := func(key string, bodies func(i int) string) (answers map[int][]string) {
		answers = map[int][]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, b := c.do(http.MethodPost, "/api/v1/internal_transfers", bodies(i), idemHeader, key)
				mu.Lock()
				answers[st] = append(answers[st], string(b))
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return answers
	}
	target := c.fx.TransferTargets[0]
	same := race("race-same", func(int) string { return transferBody(c.fx.OwnAccountID, target, 4242) })
	if len(same[http.StatusAccepted]) == 0 || len(same[http.StatusAccepted])+len(same[http.StatusLocked]) != 24 {
		t.Fatalf("same key, same body: answers by status %v", keysOf(same))
	}
	for _, b := range same[http.StatusAccepted] {
		if b != same[http.StatusAccepted][0] {
			t.Fatalf("replays differ:\n%s\n%s", b, same[http.StatusAccepted][0])
		}
	}
	differ := race("race-differ", func(i int) string { return transferBody(c.fx.OwnAccountID, target, int64(5000+i)) })
	if len(differ[http.StatusAccepted]) > 1 || len(differ[http.StatusAccepted])+len(differ[http.StatusConflict])+len(differ[http.StatusLocked]) != 24 {
		t.Fatalf("same key, different bodies: answers by status %v", keysOf(differ))
	}
	clients[0].do(http.MethodGet, "/api/v1/institutions", "")
	n := 0
	_, b := c.do(http.MethodGet, "/api/v1/internal_transfers?account_id="+c.fx.OwnAccountID+"&limit=100", "")
	var l struct {
		Data []struct{ Amount int64 } `json:"data"`
	}
	_ = json.Unmarshal(b, &l)
	for _, tr := range l.Data {
		if tr.Amount == 4242 || (tr.Amount >= 5000 && tr.Amount < 5024) {
			n++
		}
	}
	if want := 1 + len(differ[http.StatusAccepted]); n != want {
		t.Fatalf("%d transfers from the two races, want %d", n, want)
	}
	if after := total(); after != before {
		t.Fatalf("money not conserved after the races: %d before, %d after", before, after)
	}
}

func keysOf(m map[int][]string) map[int]int {
	out := map[int]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}
