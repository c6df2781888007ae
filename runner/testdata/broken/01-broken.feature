Feature: Not Gherkin
  Scenario: 
    Given the application is authenticated
  this line is not a step
    | unbalanced
