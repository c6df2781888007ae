Feature: A script with a typo

  Scenario: Misspelt step
    Given the application is authenticated
    When the aplication lists its accounts
