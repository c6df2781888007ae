@stage-4 @payroll
Feature: Payroll
  The account pays its employees' salaries, listed in a file uploaded
  beforehand, into their Stone accounts: the payroll is accepted, then
  each salary is paid or fails, and the account is debited once for what
  was paid. Stone documents the payroll calls but not the file's upload
  (another host), which only the simulator plays.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: The account's payrolls are listed
    When the application lists the account's payrolls
    Then the payrolls are listed by cursor

  @simulator-only
  Scenario: A payroll pays the salaries of a file
    Given a salaries file is uploaded for two employees with Stone accounts and one without
    When the application pays the payroll of the salaries file
    Then the payroll is accepted with status "CREATED"
    And the payroll eventually has status "FINISHED" with 1 failed salary
    And the statement shows the payroll as one debit of 4000 centavos
    When the application lists the account's payrolls
    Then the payrolls are listed by cursor
