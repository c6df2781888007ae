package simulator

// Client-side views: tests decode into their own types, never the server's,
// so a JSON tag mistake on the server cannot be mirrored here.
type accountView struct {
	AccountCode   string `json:"account_code"`
	BranchCode    string `json:"branch_code"`
	CreatedAt     string `json:"created_at"`
	ID            string `json:"id"`
	OwnerDocument string `json:"owner_document"`
	OwnerID       string `json:"owner_id"`
	OwnerName     string `json:"owner_name"`
}

type cursorView struct {
	After  *string `json:"after"`
	Before *string `json:"before"`
	Limit  int     `json:"limit"`
}

type entryView struct {
	Amount        int64 `json:"amount"`
	BalanceAfter  int64 `json:"balance_after"`
	BalanceBefore int64 `json:"balance_before"`
	CounterParty  struct {
		Account struct {
			AccountCode     string `json:"account_code"`
			BranchCode      string `json:"branch_code"`
			Institution     string `json:"institution"`
			InstitutionName string `json:"institution_name"`
		} `json:"account"`
		Entity struct {
			Name string `json:"name"`
		} `json:"entity"`
	} `json:"counter_party"`
	CreatedAt       string  `json:"created_at"`
	Description     string  `json:"description"`
	FeeAmount       int64   `json:"fee_amount"`
	ID              string  `json:"id"`
	Operation       string  `json:"operation"`
	OperationAmount int64   `json:"operation_amount"`
	OperationID     string  `json:"operation_id"`
	ScheduledAt     *string `json:"scheduled_at"`
	ScheduledTo     *string `json:"scheduled_to"`
	Status          string  `json:"status"`
	Type            string  `json:"type"`
}

type list[T any] struct {
	Cursor cursorView `json:"cursor"`
	Data   []T        `json:"data"`
}

type balanceView struct {
	Balance          int64 `json:"balance"`
	BlockedBalance   int64 `json:"blocked_balance"`
	ScheduledBalance int64 `json:"scheduled_balance"`
}

type transferView struct {
	AccountID                string  `json:"account_id"`
	Amount                   int64   `json:"amount"`
	ApprovalExpiredAt        *string `json:"approval_expired_at"`
	ApprovedAt               *string `json:"approved_at"`
	ApprovedBy               *string `json:"approved_by"`
	CancelledAt              *string `json:"cancelled_at"`
	CreatedAt                string  `json:"created_at"`
	CreatedBy                string  `json:"created_by"`
	Description              string  `json:"description"`
	FailedAt                 *string `json:"failed_at"`
	FailureReasonCode        *string `json:"failure_reason_code"`
	FailureReasonDescription *string `json:"failure_reason_description"`
	Fee                      *int64  `json:"fee"`
	FinishedAt               *string `json:"finished_at"`
	ID                       string  `json:"id"`
	RejectedAt               *string `json:"rejected_at"`
	RejectedBy               *string `json:"rejected_by"`
	ScheduledTo              *string `json:"scheduled_to"`
	Status                   string  `json:"status"`
	Target                   struct {
		Account struct {
			AccountCode string `json:"account_code"`
		} `json:"account"`
		Entity struct {
			Name string `json:"name"`
		} `json:"entity"`
	} `json:"target"`
	TargetAccountCode      string `json:"target_account_code"`
	TargetAccountOwnerName string `json:"target_account_owner_name"`
}
