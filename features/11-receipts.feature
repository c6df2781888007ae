@stage-4 @receipts
Feature: Receipts
  The application gives its users Stone's receipts: of a transfer, a PIX
  or a statement, once the operation succeeded, and the PDF of a boleto it
  issued. Each is a PDF that opens and shows what it is about.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: The receipt of a finished transfer
    When the application transfers 700 centavos from its own account to another Stone account
    Then the transfer eventually has status "FINISHED"
    When the application asks for the receipt of the transfer
    Then the document is a PDF that opens and shows what it is about

  Scenario: The receipt of a settled PIX payment
    When the application creates a PIX payment of 900 centavos to the PIX key in the fixtures
    And the application confirms the PIX payment
    Then the PIX payment eventually has status "SETTLED"
    When the application asks for the receipt of the PIX payment
    Then the document is a PDF that opens and shows what it is about

  Scenario: A receipt of the account's statement
    When the application asks for a receipt of its account's statement for the last 30 days
    Then the document is a PDF that opens and shows what it is about

  Scenario: The PDF of an issued boleto
    When the application issues a deposit boleto of 4000 centavos due in 5 days
    And the application downloads the boleto's PDF
    Then the document is a PDF that opens and shows what it is about
