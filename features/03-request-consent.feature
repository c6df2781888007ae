@stage-3
Feature: Request the account owner's consent
  To operate someone else's account the application sends its owner to
  Stone's consent page with a signed consent JWT. The owner approves, Stone
  sends them back to the application's registered redirect URI with the
  result, and the shared account becomes visible to the application's own
  token: there is no per-user token.

  Background:
    Given the application is authenticated

  Scenario: The owner approves the consent request
    Given a consent link for the application's registered redirect URI
    When the account owner approves the consent request
    Then the owner is sent back with consent result "approved" and a resource id
    And the redirect carries the session metadata back
    And the consented account is listed among the application's accounts
    And the application can read the consented account's balance

  Scenario: The owner ignores a consent request
    Given a consent link for the application's registered redirect URI
    When the account owner ignores the consent request
    Then the owner is sent back with consent result "ignored" and no resource id
