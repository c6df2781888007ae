@stage-4 @contacts
Feature: Contacts
  The application keeps the account's contacts: the people and companies
  it pays, each with bank accounts or PIX keys. A contact is created,
  found, changed (the whole contact is sent again) and deleted; so are its
  bank accounts.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Create a contact, find it, change it and delete it
    When the application creates a contact
    Then the contact is saved as sent
    And the contact is listed among the account's contacts
    And the contact is found by its tax id
    When the application changes the contact's e-mail
    Then the contact is saved as sent
    When the application deletes the contact
    Then the contact is no longer listed among the account's contacts

  Scenario: A contact's bank accounts
    When the application creates a contact
    And the application adds the bank account in the fixtures to the contact
    Then the bank account is saved as sent
    And the contact shows the bank account
    And the contact is found by its account code
    When the application changes the contact's bank account to the PIX key in the fixtures
    Then the bank account is saved as sent
    And the contact is found by its PIX key
    When the application deletes the contact's bank account
    Then the contact no longer shows the bank account
