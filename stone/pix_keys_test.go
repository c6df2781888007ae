package stone

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPixKeyRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	accepted := reply(http.StatusAccepted, `{"id":"cee2f003"}`)
	runWire(t, fs, c, []wire{
		{
			name: "random key with Stone's ISPB by default", method: "POST", path: "/api/v1/pix/acc-1/entries", key: generated, reply: accepted,
			body: `{"key":"","key_type":"random_key","participant_ispb":"16501555"}`,
			call: func(c *Client) error {
				_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "acc-1", KeyType: PixKeyRandom}, "")
				return err
			},
		},
		{
			name: "phone key with verification headers", method: "POST", path: "/api/v1/pix/acc-1/entries", key: "key-1", reply: accepted,
			body:    `{"key":"+5561912345678","key_type":"phone","participant_ispb":"16501555"}`,
			headers: map[string]string{VerificationIDHeader: "ver-1", VerificationCodeHeader: "123456"},
			call: func(c *Client) error {
				_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "acc-1", Key: "+5561912345678", KeyType: PixKeyPhone,
					ParticipantISPB: StoneISPB, VerificationID: "ver-1", VerificationCode: "123456"}, "key-1")
				return err
			},
		},
		{
			name: "cpf key without verification headers", method: "POST", path: "/api/v1/pix/acc-1/entries", key: "key-2", reply: accepted,
			body:    `{"key":"13152256685","key_type":"cpf","participant_ispb":"16501555"}`,
			headers: map[string]string{VerificationIDHeader: "", VerificationCodeHeader: ""},
			call: func(c *Client) error {
				_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "acc-1", Key: "13152256685", KeyType: PixKeyCPF}, "key-2")
				return err
			},
		},
		{
			name: "list", method: "GET", path: "/api/v1/pix/acc-1/entries", query: url.Values{"status": {"key_created"}},
			call: func(c *Client) error { _, err := c.ListPixKeys(ctx(t), "acc-1", "key_created"); return err },
		},
		{
			name: "get", method: "GET", path: "/api/v1/pix/acc-1/entries/k%2F1",
			call: func(c *Client) error { _, err := c.PixKey(ctx(t), "acc-1", "k/1"); return err },
		},
		{
			name: "delete", method: "DELETE", path: "/api/v1/pix/acc-1/entries/k1", key: "del-1", reply: reply(http.StatusAccepted, `{"id":"4b612bce"}`),
			call: func(c *Client) error {
				out, err := c.DeletePixKey(ctx(t), "acc-1", "k1", "del-1")
				if err == nil && out.ID != "4b612bce" {
					t.Errorf("delete id = %q", out.ID)
				}
				return err
			},
		},
		{
			name: "delete answered 204", method: "DELETE", path: "/api/v1/pix/acc-1/entries/k1", key: generated, reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { _, err := c.DeletePixKey(ctx(t), "acc-1", "k1", ""); return err },
		},
	})

	key := func(typ, k string) func(*Client) error {
		return func(c *Client) error {
			_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "acc-1", KeyType: typ, Key: k}, "")
			return err
		}
	}
	runInvalid(t, fs, c, "create pix key", []invalid{
		{"no account", func(c *Client) error {
			_, err := c.CreatePixKey(ctx(t), PixKeyRequest{KeyType: PixKeyRandom}, "")
			return err
		}, "account_id"},
		{"no type", key("", ""), "key_type"},
		{"unknown type", key("evp", "x"), "key_type"},
		{"random with a key", key(PixKeyRandom, "abc"), "key"},
		{"phone without +", key(PixKeyPhone, "61912345678"), "key"},
		{"email without @", key(PixKeyEmail, "lucas.stone.com.br"), "key"},
		{"email over 77", key(PixKeyEmail, strings.Repeat("a", 70)+"@b.com.br"), "key"},
		{"cpf of 10 digits", key(PixKeyCPF, "1315225668"), "key"},
		{"cnpj with dots", key(PixKeyCNPJ, "50.443.756/0001-83"), "key"},
		{"ispb of 10 digits", func(c *Client) error {
			_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "a", KeyType: PixKeyRandom, ParticipantISPB: "1234567890"}, "")
			return err
		}, "participant_ispb"},
		{"code without id", func(c *Client) error {
			_, err := c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "a", KeyType: PixKeyEmail, Key: "a@b.c", VerificationCode: "1"}, "")
			return err
		}, "verification"},
	})
	runInvalid(t, fs, c, "list pix keys", []invalid{
		{"unknown status", func(c *Client) error { _, err := c.ListPixKeys(ctx(t), "acc-1", "active"); return err }, "status"},
	})
	runInvalid(t, fs, c, "delete pix key", []invalid{
		{"no key id", func(c *Client) error { _, err := c.DeletePixKey(ctx(t), "acc-1", "", ""); return err }, "key id"},
	})
}

func TestPixKeyDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusOK, `{"id":"d990cc41","key":"+5510998765432","key_type":"phone","key_status":"active",
		"account_id":"968cc34d","participant_ispb":"16501555",
		"beneficiary_account":{"branch_code":"0001","account_code":"00016583","account_type":"CC","created_at":"2019-11-18T03:00:00Z"},
		"beneficiary_entity":{"name":"Maria Clara Gomes","document_type":"cpf","document":"13152256685"},
		"events":[{"id":"38963369","created_at":"20200-09-18T03:00:00Z","type":"created","from_status":null,"to_status":"active"}]}`)
	k, err := c.PixKey(ctx(t), "968cc34d", "d990cc41")
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyStatus != "active" || k.BeneficiaryAccount == nil || k.BeneficiaryAccount.AccountCode != "00016583" ||
		k.BeneficiaryEntity == nil || k.BeneficiaryEntity.Name != "Maria Clara Gomes" || len(k.Events) != 1 ||
		k.Events[0].FromStatus != "" || k.Events[0].CreatedAt != "20200-09-18T03:00:00Z" {
		t.Errorf("key = %+v", k)
	}
	fs.api = reply(http.StatusUnprocessableEntity, `{"type":"srn:error:already_exists"}`)
	_, err = c.CreatePixKey(ctx(t), PixKeyRequest{AccountID: "a", KeyType: PixKeyRandom}, "")
	apiError(t, err, 422, "srn:error:already_exists")
}
