@stage-4 @boleto-issuance
Feature: Issue boletos
  The application issues boletos for its account's customers. A boleto is
  created at once and registered shortly after; it can be cancelled until
  it is paid.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Issue a deposit boleto and see it registered
    When the application issues a deposit boleto of 5000 centavos due in 5 days
    Then the boleto is issued with status "CREATED", a barcode and a writable line
    And the boleto eventually has status "REGISTERED"

  Scenario: Cancel an issued boleto
    When the application issues a deposit boleto of 3000 centavos due in 5 days
    And the application cancels the boleto
    Then the boleto eventually has status "CANCELLED"

  Scenario: The account's boleto limits are published
    When the application reads its boleto limits
    Then the limits give a minimum and a maximum amount in centavos
