@stage-4 @payments
Feature: Pay boletos
  Before paying a boleto the application checks it with a dry run, which
  tells whether it can be paid and for how much; then it pays it with an
  idempotency key, and the payment runs like any other cash-out.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Check and pay a boleto
    When the application checks the payable boleto in the fixtures
    Then the check says the boleto is "payable" with its amount
    When the application pays the boleto
    Then the payment eventually has status "FINISHED"
    And the statement shows the payment as one debit of the boleto's amount

  Scenario: A boleto that was already paid is reported as paid
    When the application checks the paid boleto in the fixtures
    Then the check says the boleto is "paid" with its amount
