@stage-6 @webhooks-partner
Feature: The partner's webhook receiver
  Go-live requires the application to receive and correctly handle every
  webhook of the features it uses (stone-api.md §7). Here homolog acts as
  Stone towards the partner's own endpoint (webhooks.partner_url), for each
  event type this run received: the delivery Stone makes (a JWE for the
  partner's key of a JWS signed by homolog's test Stone key, which the
  receiver trusts for the test) must be answered 2xx within 10 seconds, and
  again when the same event comes back, as Stone's retries do; deliveries
  Stone never makes must be refused. The feature runs only when
  webhooks.partner_url is set, after every scenario before it.

  Background:
    Given the partner's webhook receiver is configured

  Scenario: The partner's receiver accepts each webhook Stone sends, and the same event again
    When homolog delivers one webhook of each type this run received to the partner's receiver as Stone does
    Then the partner's receiver answers each of them 2xx within 10 seconds
    When homolog delivers the same events again
    Then the partner's receiver answers each of them 2xx within 10 seconds

  Scenario: The partner's receiver refuses a delivery signed by another key
    When homolog delivers one webhook of each type this run received to the partner's receiver signed by a key that is not Stone's
    Then the partner's receiver refuses each of them

  Scenario: The partner's receiver refuses a delivery encrypted for another key
    When homolog delivers one webhook of each type this run received to the partner's receiver encrypted for a key that is not the partner's
    Then the partner's receiver refuses each of them

  Scenario: The partner's receiver refuses what is not a Stone delivery
    When homolog delivers one webhook of each type this run received to the partner's receiver as a body that is not a Stone delivery
    Then the partner's receiver refuses each of them
