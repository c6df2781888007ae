@stage-4 @topups
Feature: Top-ups
  The application sells top-ups — mobile credit, games, digital content,
  TV and transport — from its account's balance. A dry run checks one; an
  execution is guarded by the account owner's PIN: Stone first asks for it
  (403 challenge_required) and the same request sent again with the PIN,
  encrypted to Stone's key, is executed, with a receipt and, for what is
  redeemed on the provider's site, a PIN code.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: Providers of every product are listed
    When the application lists the games top-up providers
    Then the providers are listed with numeric ids
    When the application lists the digital-content top-up providers
    Then the providers are listed with numeric ids
    When the application lists the tv top-up providers
    Then the providers are listed with numeric ids
    When the application lists the transport top-up providers
    Then the providers are listed with numeric ids
    When the application looks up the mobile operator of the phone number in the docs
    Then the providers are listed with numeric ids

  Scenario: A mobile top-up checked by dry run
    When the application dry-runs a mobile top-up from provider "2088"
    Then the top-up dry run is accepted, echoing the request

  Scenario: A game top-up answers the owner's PIN challenge and gives a PIN code
    When the application tops up games from provider "2147" answering the owner's PIN challenge
    Then Stone asked for the owner's PIN before executing it
    And the top-up is executed with a receipt and a PIN code

  Scenario: A mobile top-up gives no PIN code
    When the application tops up mobile from provider "2088" answering the owner's PIN challenge
    Then Stone asked for the owner's PIN before executing it
    And the top-up is executed with a receipt and no PIN code

  Scenario: A TV top-up gives an empty PIN code
    When the application tops up tv from provider "2126" answering the owner's PIN challenge
    Then the top-up is executed with a receipt and an empty PIN code

  Scenario: A wrong PIN is refused
    When the application tops up games from provider "2151" answering the challenge with a wrong PIN
    Then the request is refused with status 403
