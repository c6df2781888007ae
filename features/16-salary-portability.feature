@stage-4 @salary-portability
Feature: Salary portability
  The account's holder asks that the salary an employer pays at another
  institution be sent on to the Stone account. The request is created and
  stays so while the payroll institution processes it; that institution
  then enables it, or disables it.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Request the portability of a salary
    When the application requests the portability of a salary paid at institution "341" to its own account
    Then the salary portability is requested with status "CREATED" and its payroll institution named
    And the salary portability is listed among the account's with status "CREATED"

  @simulator-only
  Scenario: The payroll institution enables the portability
    When the application requests the portability of a salary paid at institution "00000000" to its own account
    And the payroll institution enables the salary portability
    Then the salary portability is listed among the account's with status "ENABLED"
