@stage-1 @read-only
Feature: Authenticate
  The application proves who it is with a client assertion: a JWT signed
  with RS256 by the private key whose public half Stone holds. Stone's
  Keycloak answers with an access token that lasts 900 seconds, and the
  application reuses it until shortly before it expires instead of asking
  for one per call.

  Scenario: Obtain an access token with a signed client assertion
    When the application requests an access token with a signed client assertion
    Then it receives a bearer access token valid for 900 seconds
    And the access token is reused for the next API calls

  Scenario: An assertion signed by another key is refused
    When the application requests an access token with an assertion signed by another key
    Then the token request is refused with status 401
