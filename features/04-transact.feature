@stage-4 @internal-transfers
Feature: Transact
  The application moves money with internal transfers (Stone to Stone).
  From its own account a transfer is approved at once and finishes; from
  an account shared by consent it waits for the owner's approval. Every
  transfer carries an idempotency key, so a retried request never pays
  twice.

  Background:
    Given the application is authenticated

  Scenario: Internal transfer from the own account finishes
    Given the application's own account is known
    When the application transfers 1500 centavos from its own account to another Stone account
    Then the transfer is accepted with status "APPROVED"
    And the transfer eventually has status "FINISHED"
    And the statement shows the transfer as one debit of 1500 centavos
    And the account balance agrees with its statement

  Scenario: Internal transfer from the consented account waits for the owner
    Given the owner has consented to share an account
    When the application transfers 1000 centavos from the consented account to another Stone account
    Then the transfer is accepted with status "CREATED"
    And the transfer is listed among the operations waiting for the owner's approval
    When the account owner approves the transfer
    Then the transfer eventually has status "FINISHED"
    And the statement shows the transfer as one debit of 1000 centavos

  Scenario: A replayed transfer with the same idempotency key is the same transfer
    Given the application's own account is known
    When the application transfers 700 centavos from its own account to another Stone account
    And the application sends the same transfer again with the same idempotency key
    Then both responses describe the same transfer
    And the transfer eventually has status "FINISHED"
    And the statement shows the transfer as one debit of 700 centavos

  Scenario: Reusing an idempotency key for a different transfer is refused
    Given the application's own account is known
    When the application transfers 300 centavos from its own account to another Stone account
    And the application sends a different transfer with the same idempotency key
    Then the request is refused with status 409 and error "srn:error:idempotency_conflict"

  Scenario: A scheduled internal transfer can be cancelled before it runs
    Given the application's own account is known
    When the application schedules a transfer of 400 centavos from its own account to another Stone account for the next business day
    Then the transfer is accepted with status "SCHEDULED"
    When the application cancels the transfer
    Then the transfer has status "CANCELLED"

  Scenario: The owner rejects a transfer from the consented account
    Given the owner has consented to share an account
    When the application transfers 900 centavos from the consented account to another Stone account
    Then the transfer is accepted with status "CREATED"
    When the account owner rejects the transfer
    Then the transfer eventually has status "REJECTED"

  Scenario: A transfer larger than the balance fails without an HTTP error
    Given the application's own account is known
    When the application transfers more than its balance from its own account to another Stone account
    Then the transfer is accepted with status "APPROVED"
    And the transfer eventually has status "FAILED" with failure reason code "1"

  Scenario: A dry run of an internal transfer moves no money
    Given the application's own account is known
    When the application dry-runs a transfer of 500 centavos from its own account to another Stone account
    Then the dry run describes a transfer of 500 centavos
