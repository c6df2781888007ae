@stage-4 @signups
Feature: Account opening
  The application opens Stone payment accounts for its users: the request
  travels as a JWE encrypted to Stone's key, Stone accepts it at once and
  analyses it (KYC) before the account exists. Every step is notified by
  webhook.

  Background:
    Given the application is authenticated

  Scenario: Request a payment account for a person
    When the application requests a new payment account for a person
    Then Stone accepts the account opening request, sent encrypted to its key
    And the account opening has status "created"

  @simulator-only
  Scenario: The analysis opens the account, notified by webhook
    Given the application receives webhooks
    When the application requests a new payment account for a person
    Then a webhook "sign_up_created" arrives for the sign-up
    When Stone's analysis moves the account opening to "kyc_analysis"
    Then the account opening has status "kyc_analysis"
    When Stone's analysis moves the account opening to "finished"
    Then the account opening has status "finished"
    And a webhook "sign_up_status_updated" arrives for the sign-up
    And a webhook "sign_up_resource_details_updated" arrives for the sign-up

  @simulator-only
  Scenario: The analysis refuses the account
    When the application requests a new payment account for a person
    And Stone's analysis moves the account opening to "failed"
    Then the account opening has status "failed"
