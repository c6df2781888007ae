@stage-4 @ted
Feature: TED to other banks
  External transfers (TED) leave Stone for an account at another bank. Stone
  validates the target (institution by ISPB or bank number, account and
  branch codes, the holder's document), refuses a TED to a Stone account,
  and outside the TED window moves it to the next business day.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: A TED to another bank is accepted
    When the application sends a TED of 2500 centavos from its own account to the bank account in the fixtures
    Then the TED is accepted to run today or on the next business day
    And the TED's target institution is resolved with its name

  Scenario: A scheduled TED can be cancelled
    When the application schedules a TED of 1200 centavos to the bank account in the fixtures for the next business day
    Then the TED is accepted with status "SCHEDULED"
    When the application cancels the TED
    Then the TED has status "CANCELLED"

  Scenario: A TED to a Stone account is refused
    When the application sends a TED of 1000 centavos from its own account to a Stone account
    Then the request is refused with status 422

  Scenario: A TED to an unknown institution is refused
    When the application sends a TED of 1000 centavos from its own account to institution "99999999"
    Then the request is refused with status 422 and error "srn:error:target_institution_not_found"
