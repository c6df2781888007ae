@stage-4 @pix
Feature: PIX
  A PIX payment is made in two steps: the application creates it (Stone
  answers with the end-to-end id and the target's masked document) and then
  confirms it; it then goes CONFIRMED, MONEY_RESERVED and SETTLED. The
  application also manages the PIX keys of its account.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Pay a PIX key in two steps
    When the application creates a PIX payment of 1000 centavos to the PIX key in the fixtures
    Then the PIX payment is created with status "CREATED" and an end-to-end id
    And the PIX payment's target document is masked
    When the application confirms the PIX payment
    Then the PIX payment eventually has status "SETTLED"
    And the statement shows the PIX payment as one debit of 1000 centavos

  Scenario: Pay a static BR Code
    When the application reads the static BR Code in the fixtures
    Then the BR Code is static and names a PIX key
    When the application creates a PIX payment of 1500 centavos for the BR Code
    And the application confirms the PIX payment
    Then the PIX payment eventually has status "SETTLED"

  Scenario: A PIX payment larger than the balance fails
    When the application creates a PIX payment of more than its balance to the PIX key in the fixtures
    And the application confirms the PIX payment
    Then the PIX payment eventually has status "FAILED"

  Scenario: Register and remove a random PIX key
    When the application registers a random PIX key for its own account
    Then the PIX key is listed for the account
    When the application deletes the PIX key
    Then the PIX key is no longer listed for the account
