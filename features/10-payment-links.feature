@stage-4 @payment-links
Feature: Payment links
  The application sells through payment links: an order with a checkout
  page the payer opens. A link is pending until it is paid, cancelled by
  the application, or expires; a cancelled link is closed, an expired one
  is not. Stone notifies orders by webhook.

  Background:
    Given the application is authenticated
    And the application's own account is known

  Scenario: The account's payment link configuration gives the limits
    When the application reads its payment link configuration
    Then the configuration gives the limits of an order in centavos

  Scenario: Create a payment link and cancel it
    When the application creates a payment link of 3000 centavos
    Then the payment link is created "pending" with a checkout page for the payer
    And the payment link is listed among the account's orders
    When the application cancels the payment link
    Then the payment link has status "canceled" and is closed

  @simulator-only
  Scenario: A payment link that expires is canceled but not closed
    When the application creates a payment link of 1500 centavos
    And the payment link's checkout expires
    Then the payment link has status "canceled" and is not closed

  @simulator-only
  Scenario: A paid payment link is notified by webhook
    Given the application receives webhooks
    When the application creates a payment link of 4500 centavos
    Then a webhook "order_created" arrives for the payment link
    When the payer pays the payment link
    Then the payment link has status "paid" and is closed
    And a webhook "order_paid" arrives for the payment link
    And a webhook "order_closed" arrives for the payment link
