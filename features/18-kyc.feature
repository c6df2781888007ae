@stage-4 @kyc
Feature: KYC of a new account's user
  Stone's KYC API (an alpha, for special cases) lets the application
  answer what Stone's analysis needs to know about the user of an account
  opening: the pending checks are read, the document photos and a selfie
  go to the storage URL Stone hands out, and every check is answered.

  Background:
    Given the application is authenticated

  Scenario: The user of an account opening answers the KYC
    When the application requests a new payment account for a person
    And the application reads the KYC of the account opening's user
    Then the KYC asks for each piece of information it needs
    When the application uploads the user's document photos and a selfie
    Then the photos are uploaded where Stone's storage said
    When the application answers every check of the KYC
    Then the KYC is answered
