package stone

import (
	"net/http"
	"testing"
)

func TestInternalTransferActions(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	req := InternalTransferRequest{AccountID: "acc-1", Amount: 12, TargetAccountCode: "123", ScheduledTo: "2026-12-24"}
	runWire(t, fs, c, []wire{
		{
			name: "dry run", method: "POST", path: "/api/v1/dry_run/internal_transfers", key: "dry-1",
			body: `{"account_id":"acc-1","amount":12,"target":{"account":{"account_code":"123"}},"scheduled_to":"2026-12-24"}`,
			call: func(c *Client) error { _, err := c.DryRunInternalTransfer(ctx(t), req, "dry-1"); return err },
		},
		{
			name: "dry run generates a key", method: "POST", path: "/api/v1/dry_run/internal_transfers", key: generated,
			body: `{"account_id":"acc-1","amount":12,"target":{"account":{"account_code":"123"}},"scheduled_to":"2026-12-24"}`,
			call: func(c *Client) error { _, err := c.DryRunInternalTransfer(ctx(t), req, ""); return err },
		},
		{
			name: "cancel is a POST, not the SDK's DELETE", method: "POST", path: "/api/v1/internal_transfers/tr%2F1/cancel",
			reply: reply(http.StatusNoContent, ""),
			call:  func(c *Client) error { return c.CancelInternalTransfer(ctx(t), "tr/1") },
		},
		{
			name: "approve", method: "POST", path: "/api/v1/internal_transfers/tr-1/approve", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.ApproveInternalTransfer(ctx(t), "tr-1") },
		},
		{
			name: "reject", method: "POST", path: "/api/v1/internal_transfers/tr-1/reject", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.RejectInternalTransfer(ctx(t), "tr-1") },
		},
	})
	runInvalid(t, fs, c, "dry run internal transfer", []invalid{
		{"zero amount", func(c *Client) error {
			_, err := c.DryRunInternalTransfer(ctx(t), InternalTransferRequest{AccountID: "a", TargetAccountCode: "1"}, "")
			return err
		}, "amount"},
	})
	runInvalid(t, fs, c, "approve internal transfer", []invalid{
		{"blank id", func(c *Client) error { return c.ApproveInternalTransfer(ctx(t), " ") }, "id is required"},
	})

	// The owner-only actions answer 403 to a partner app; that must reach
	// the caller as *Error, untouched.
	fs.api = reply(http.StatusForbidden, `{"type":"srn:error:unauthorized"}`)
	err := c.ApproveInternalTransfer(ctx(t), "tr-1")
	apiError(t, err, 403, ErrTypeUnauthorized)
	if want := "stone: approve internal transfer: POST /api/v1/internal_transfers/tr-1/approve: 403 srn:error:unauthorized (x-request-id req-123)"; err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}

	fs.api = reply(http.StatusOK, `{"amount":12,"fee":100,"id":"8d427b2b","status":"APPROVED","scheduled_to":null,
		"target":{"account":{"account_code":"123"},"entity":{"name":"Fulano da Silva"}}}`)
	tr, err := c.DryRunInternalTransfer(ctx(t), req, "")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Fee != 100 || tr.Target.Entity.Name != "Fulano da Silva" || tr.ScheduledTo != "" {
		t.Errorf("dry run = %+v", tr)
	}
}
