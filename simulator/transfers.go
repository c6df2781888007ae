package simulator

import (
	"net/http"
	"slices"
	"time"
)

const (
	transfersDefaultLimit = 25
	transfersMaxLimit     = 100
)

// transfer is Stone's internal transfer object (§5.1); exported fields are its JSON.
type transfer struct {
	AccountID                string         `json:"account_id"`
	Amount                   int64          `json:"amount"`
	ApprovalExpiredAt        *string        `json:"approval_expired_at"`
	ApprovedAt               *string        `json:"approved_at"`
	ApprovedBy               *string        `json:"approved_by"`
	CancelledAt              *string        `json:"cancelled_at"`
	CreatedAt                string         `json:"created_at"`
	CreatedBy                string         `json:"created_by"`
	Description              string         `json:"description"`
	FailedAt                 *string        `json:"failed_at"`
	FailureReasonCode        *string        `json:"failure_reason_code"`
	FailureReasonDescription *string        `json:"failure_reason_description"`
	Fee                      int64          `json:"fee"`
	FinishedAt               *string        `json:"finished_at"`
	ID                       string         `json:"id"`
	RejectedAt               *string        `json:"rejected_at"`
	RejectedBy               *string        `json:"rejected_by"`
	ScheduledTo              *string        `json:"scheduled_to"`
	SettledAt                *string        `json:"settled_at"`
	Status                   string         `json:"status"`
	Target                   transferTarget `json:"target"`
	TargetAccountCode        string         `json:"target_account_code"`
	TargetAccountOwnerName   string         `json:"target_account_owner_name"`

	seq      int64
	targetID string
	due      time.Time // when an APPROVED/SCHEDULED transfer executes
}

type transferTarget struct {
	Account struct {
		AccountCode string `json:"account_code"`
	} `json:"account"`
	Entity struct {
		Name string `json:"name"`
	} `json:"entity"`
}

func transferStatuses() []string {
	return []string{"CREATED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "FAILED", "FINISHED", "CANCELLED"}
}

// handleCreateTransfer accepts an internal transfer. Execution is asynchronous,
// as at Stone: 202 means accepted, and the outcome (FINISHED or FAILED for lack
// of funds) is read later.
func (s *Simulator) handleCreateTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req, rp, ok := decodeTransferRequest(r)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		src, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		dst, ok := st.accountsByCode[req.targetCode]
		if !ok {
			return srnErr(http.StatusUnprocessableEntity, "target_account_not_found")
		}
		if dst.ID == src.ID {
			return srnErr(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account")
		}
		now := st.stamp(rc.now)
		t := &transfer{
			AccountID:              src.ID,
			Amount:                 req.amount,
			CreatedAt:              ts(now),
			CreatedBy:              rc.client.subjectID(),
			Description:            req.description,
			ID:                     st.newID(),
			ScheduledTo:            req.scheduledTo,
			Status:                 "CREATED",
			TargetAccountCode:      dst.AccountCode,
			TargetAccountOwnerName: dst.OwnerName,
			seq:                    st.next(),
			targetID:               dst.ID,
		}
		t.Target.Account.AccountCode = dst.AccountCode
		t.Target.Entity.Name = dst.OwnerName
		st.transfers[t.ID] = t
		st.transferOrder = append(st.transferOrder, t)
		// An application moving its own money needs nobody's approval; on a
		// consented account the owner must approve in Stone's app first.
		if src.ownerClient == rc.client.ID {
			st.approve(t, rc.client.subjectID(), now, s.finishAfter)
		}
		return jsonReply(http.StatusAccepted, t)
	})
}

func (s *Simulator) handleGetTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		t, ok := st.transfers[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if _, ok := st.accessible(rc.client, t.AccountID); !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, t)
	})
}

// handleListTransfers lists transfers newest first, from one account_id or,
// without it, from every account the application can access.
func (s *Simulator) handleListTransfers(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	accountID, status := q.Get("account_id"), q.Get("status")
	if status != "" && !slices.Contains(transferStatuses(), status) {
		validationErr(fieldError{Error: "is not an internal transfer status", Path: []string{"status"}}).write(w)
		return
	}
	scope := "internal_transfers|" + accountID
	p, rp, ok := parsePage(q, scope, transfersDefaultLimit, transfersMaxLimit)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		if accountID != "" {
			if _, ok := st.accessible(rc.client, accountID); !ok {
				return unauthorized()
			}
		}
		var list []*transfer
		for i := len(st.transferOrder) - 1; i >= 0; i-- {
			t := st.transferOrder[i]
			if _, ok := st.accessible(rc.client, t.AccountID); !ok {
				continue
			}
			if (accountID == "" || t.AccountID == accountID) && (status == "" || t.Status == status) {
				list = append(list, t)
			}
		}
		data, cur := paginate(list, func(t *transfer) int64 { return t.seq }, true, p, scope)
		return jsonReply(http.StatusOK, listResponse[*transfer]{Cursor: cur, Data: append([]*transfer{}, data...)})
	})
}
