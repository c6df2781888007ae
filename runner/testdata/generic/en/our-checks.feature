@generic
Feature: Our own checks
  A team's checks written with the generic steps only: no Go.

  Scenario: Read the balance
    When the application calls GET "/api/v1/accounts/{own_account_id}/balance"
    Then the response status is 200
    And the response field "balance" is a number
    And the response field "blocked_balance" is 0

  Scenario: List the accounts and read the first one
    When the application calls GET "/api/v1/accounts"
    Then the response status is 200
    And the response field "data" has at least 1 item
    And the response field "data[0].id" is a string
    When the application saves the response field "data[0].id" as "first_account"
    And the application calls GET "/accounts/{first_account}"
    Then the response status is 200
    And the response field "id" is "{first_account}"

  Scenario: Dry-run a transfer
    When the application calls POST "/api/v1/dry_run/internal_transfers" with the body:
      """
      {"account_id": "{own_account_id}", "amount": 150, "target": {"account": {"account_code": "{transfer_target}"}}}
      """
    Then the response status is 200
    And the response field "amount" is 150

  Scenario: Transfer and wait until it finishes
    When the application calls POST "/api/v1/internal_transfers" with an idempotency key and the body:
      """
      {"account_id": "{own_account_id}", "amount": 250, "target": {"account": {"account_code": "{transfer_target}"}}, "description": "our own check"}
      """
    Then the response status is 202
    And the response field "amount" is 250
    And the response field "status" is "APPROVED"
    When the application saves the response field "id" as "transfer_id"
    Then within 30 seconds GET "/api/v1/internal_transfers/{transfer_id}" has the field "status" equal to "FINISHED"

  Scenario: An account nobody shared is refused
    When the application calls GET "/api/v1/accounts/00000000-0000-0000-0000-000000000000"
    Then the response status is 403
    And the response field "type" is "srn:error:unauthorized"
    And the response field "type" is a string
