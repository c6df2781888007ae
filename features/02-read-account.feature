@stage-2 @read-only
Feature: Read the account
  With its access token the application lists the accounts it may operate,
  reads its own account and balance, and walks the statement page by page
  with the cursor Stone returns. Accounts nobody shared with it stay hidden.

  Background:
    Given the application is authenticated

  Scenario: List the accounts the application can operate
    When the application lists its accounts
    Then the list contains the application's own account

  Scenario: Read the own account and its balance
    Given the application's own account is known
    When the application reads the account
    And the application reads the account balance
    Then the account is the one that was listed
    And the balance is a non-negative amount in centavos

  Scenario: Read the statement page by page
    Given the application's own account is known
    When the application reads the statement 10 entries at a time until the last page
    Then the statement has more than one page
    And every statement entry appears exactly once
    And every statement entry has balance_after equal to balance_before plus amount
    And every statement entry starts at the balance the entry before it ended at

  Scenario: Read the account's fees and the institutions it can send to
    Given the application's own account is known
    When the application reads the account's fees
    Then the fee for "internal_transfer" is given in centavos
    When the application lists the institutions
    Then Stone is among them with ISPB "16501555" and bank number "197"

  Scenario: An account that was not shared is refused
    When the application reads an account that nobody shared with it
    Then the request is refused with status 403 and error "srn:error:unauthorized"
