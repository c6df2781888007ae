@stage-5 @webhooks
Feature: Webhooks
  Stone notifies every state change by webhook: a JWE encrypted to the
  application's public key, holding a JWS signed by Stone. The application
  decrypts it, checks the signature against Stone's published keys and
  ignores a delivery it has already seen. Go-live requires handling every
  webhook of the features the application uses.

  Each scenario carries the family tag of what its webhook notifies, so it
  runs exactly when that family is authorised; the consent's webhook has
  none and always runs, like consent itself.

  Background:
    Given the application is authenticated
    And the application receives webhooks

  @internal-transfers
  Scenario: A finished transfer is notified by a signed, encrypted webhook
    Given the application's own account is known
    When the application transfers 200 centavos from its own account to another Stone account
    Then the transfer eventually has status "FINISHED"
    And a webhook "cash_out_internal_transfer_finished" arrives for the transfer
    And Stone lists the webhook among those sent to the application

  Scenario: A consent is notified
    Given the owner has consented to share an account
    Then a webhook "consent_requested" arrives for the consented account
