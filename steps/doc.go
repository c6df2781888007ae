// Package steps holds the step definitions of the homologation script.
//
// One Session per run holds what the ordered script builds (a token, the
// own account, a consent); one World per scenario holds the rest. Steps
// that start with "Given ... is known/authenticated/has consented" are
// ensure steps: they reuse what an earlier scenario built, build it when
// the scenario runs alone, and report the scenario blocked (naming the
// prerequisite) when an earlier scenario failed to build it.
//
// What only the account owner can do goes through the Owner interface:
// SimulatorOwner drives the simulator's /_sim/ controls over HTTP;
// PersonOwner asks a person and waits. Both record every prompt, answer
// and wait as person events in the journal.
//
// Every check step judges recorded data with a function of package check
// (the journal records of the calls it relies on, plus its parameters)
// and writes what it checked to the journal; every action step checks its
// own call succeeded the same way. That is what lets homolog recheck
// recompute each verdict from a bundle alone.
//
// # Step grammar
//
// Every expression is anchored; the runner refuses a plan with a step that
// matches none or more than one of them. The generic steps (generic.go)
// call any endpoint and check its answer; in their paths, bodies and
// expected values {name} is a saved value or a fixture.
//
//	Step                                                                                                                        Kind
//	the application is authenticated                                                                                            ensure
//	the application requests an access token with a signed client assertion                                                     action
//	it receives a bearer access token valid for N seconds                                                                       check
//	the access token is reused for the next API calls                                                                           check
//	the application requests an access token with an assertion signed by another key                                            action
//	the token request is refused with status N                                                                                  check
//	the application lists its accounts                                                                                          action
//	the list contains the application's own account                                                                             check
//	the application's own account is known                                                                                      ensure
//	the application reads the account                                                                                           action
//	the application reads the account balance                                                                                   action
//	the account is the one that was listed                                                                                      check
//	the balance is a non-negative amount in centavos                                                                            check
//	the application reads the statement N entries at a time until the last page                                                 action
//	the statement has more than one page                                                                                        check
//	every statement entry appears exactly once                                                                                  check
//	every statement entry has balance_after equal to balance_before plus amount                                                 check
//	every statement entry starts at the balance the entry before it ended at                                                    check
//	the application reads an account that nobody shared with it                                                                 action
//	the application reads the account's fees                                                                                    action
//	the fee for "X" is given in centavos                                                                                        check
//	the application lists the institutions                                                                                      action
//	Stone is among them with ISPB "X" and bank number "X"                                                                       check
//	the transfer is listed among the operations waiting for the owner's approval                                                check
//	a consent link for the application's registered redirect URI                                                                action
//	the account owner (approves|ignores) the consent request                                                                    owner
//	the owner is sent back with consent result "X" and a resource id                                                            check
//	the owner is sent back with consent result "X" and no resource id                                                           check
//	the redirect carries the session metadata back                                                                              check
//	the consented account is listed among the application's accounts                                                            check
//	the application can read the consented account's balance                                                                    check (of the call)
//	the owner has consented to share an account                                                                                 ensure
//	the application transfers N centavos from (its own|the consented) account to another Stone account                          action
//	the application transfers more than its balance from its own account to another Stone account                               action
//	the application schedules a transfer of N centavos from its own account to another Stone account for the next business day  action
//	the application dry-runs a transfer of N centavos from its own account to another Stone account                             action
//	the dry run describes a transfer of N centavos                                                                              check
//	the application cancels the transfer                                                                                        action
//	the transfer has status "X"                                                                                                 check
//	the transfer is accepted with status "X"                                                                                    check
//	the transfer eventually has status "X"                                                                                      check (polls)
//	the transfer eventually has status "X" with failure reason code "X"                                                         check (polls)
//	the account owner (approves|rejects) the transfer                                                                           owner
//	the statement shows the transfer as one debit of N centavos                                                                 check
//	the account balance agrees with its statement                                                                               check
//	the application sends the same transfer again with the same idempotency key                                                 action
//	the application sends a different transfer with the same idempotency key                                                    action
//	both responses describe the same transfer                                                                                   check
//	the application sends a TED of N centavos from its own account to the bank account in the fixtures                          action
//	the application schedules a TED of N centavos to the bank account in the fixtures for the next business day                 action
//	the application sends a TED of N centavos from its own account to a Stone account                                           action
//	the application sends a TED of N centavos from its own account to institution "X"                                           action
//	the TED is accepted to run today or on the next business day                                                                check
//	the TED's target institution is resolved with its name                                                                      check
//	the TED is accepted with status "X"                                                                                         check
//	the application cancels the TED                                                                                             action
//	the TED has status "X"                                                                                                      check
//	the application creates a PIX payment of N centavos to the PIX key in the fixtures                                          action
//	the application creates a PIX payment of more than its balance to the PIX key in the fixtures                               action
//	the application reads the static BR Code in the fixtures                                                                    action
//	the BR Code is static and names a PIX key                                                                                   check
//	the application creates a PIX payment of N centavos for the BR Code                                                         action
//	the PIX payment is created with status "X" and an end-to-end id                                                             check
//	the PIX payment's target document is masked                                                                                 check
//	the application confirms the PIX payment                                                                                    action
//	the PIX payment eventually has status "X"                                                                                   check (polls)
//	the statement shows the PIX payment as one debit of N centavos                                                              check
//	the application registers a random PIX key for its own account                                                              action
//	the PIX key is listed for the account                                                                                       check
//	the application deletes the PIX key                                                                                         action
//	the PIX key is no longer listed for the account                                                                             check (polls)
//	the application checks the (payable|paid) boleto in the fixtures                                                            action
//	the check says the boleto is "X" with its amount                                                                            check
//	the application pays the boleto                                                                                             action
//	the payment eventually has status "X"                                                                                       check (polls)
//	the statement shows the payment as one debit of the boleto's amount                                                         check
//	the application issues a deposit boleto of N centavos due in N days                                                         action
//	the boleto is issued with status "X", a barcode and a writable line                                                         check
//	the boleto eventually has status "X"                                                                                        check (polls)
//	the application cancels the boleto                                                                                          action
//	the application reads its boleto limits                                                                                     action
//	the limits give a minimum and a maximum amount in centavos                                                                  check
//	the application receives webhooks                                                                                           ensure
//	a webhook "X" arrives for the (transfer|TED|PIX payment|payment|boleto|consented account|payment link|sign-up)              check
//	Stone lists the webhook among those sent to the application                                                                 check
//	the partner's webhook receiver is configured                                                                                ensure
//	homolog delivers one webhook of each type this run received to the partner's receiver (as Stone does|signed by a key that is not Stone's|encrypted for a key that is not the partner's|as a body that is not a Stone delivery)  action (waits for the scenarios before it)
//	homolog delivers the same events again                                                                                      action
//	the partner's receiver answers each of them 2xx within N seconds                                                            check
//	the partner's receiver refuses each of them                                                                                 check
//	the request is refused with status N                                                                                        check
//	the request is refused with status N and error "X"                                                                          check
//	the application reads its payment link configuration                                                                        action
//	the configuration gives the limits of an order in centavos                                                                  check
//	the application creates a payment link of N centavos                                                                        action
//	the payment link is created "X" with a checkout page for the payer                                                          check
//	the payment link is listed among the account's orders                                                                       check (of the call)
//	the application cancels the payment link                                                                                    action
//	the payer pays the payment link                                                                                             action (simulator)
//	the payment link's checkout expires                                                                                         action (simulator)
//	the payment link has status "X" and is (closed|not closed)                                                                  check
//	the application asks for the receipt of the transfer                                                                        action
//	the application asks for the receipt of the PIX payment                                                                     action
//	the application asks for a receipt of its account's statement for the last N days                                           action
//	the application downloads the boleto's PDF                                                                                  action
//	the document is a PDF that opens and shows what it is about                                                                 check
//	the application lists the (games|digital-content|tv|transport) top-up providers                                             action
//	the application looks up the mobile operator of the phone number in the docs                                                action
//	the providers are listed with numeric ids                                                                                   check
//	the application dry-runs a (mobile|games|digital-content|tv|transport) top-up from provider "X"                             action
//	the top-up dry run is accepted, echoing the request                                                                         check
//	the application tops up (mobile|games|digital-content|tv|transport) from provider "X" answering the owner's PIN challenge    action
//	the application tops up games from provider "X" answering the challenge with a wrong PIN                                    action
//	Stone asked for the owner's PIN before executing it                                                                         check
//	the top-up is executed with a receipt and (a PIN code|an empty PIN code|no PIN code)                                        check
//	the application requests a new payment account for a person                                                                 action
//	Stone accepts the account opening request, sent encrypted to its key                                                        check
//	Stone's analysis moves the account opening to "X"                                                                           action (simulator)
//	the account opening has status "X"                                                                                          check
//	the application creates a contact                                                                                           action
//	the contact is saved as sent                                                                                                check
//	the contact is (listed|no longer listed) among the account's contacts                                                       check (of the call)
//	the contact is found by its (tax id|account code|PIX key)                                                                   check (of the call)
//	the application changes the contact's e-mail                                                                                action
//	the application deletes the contact                                                                                         action
//	the application adds (the bank account|the PIX key) in the fixtures to the contact                                          action
//	the application changes the contact's bank account to the PIX key in the fixtures                                          action
//	the application deletes the contact's bank account                                                                          action
//	the bank account is saved as sent                                                                                           check
//	the contact (shows|no longer shows) the bank account                                                                        check (of the call)
//	the application requests the portability of a salary paid at institution "X" to its own account                            action
//	the salary portability is requested with status "X" and its payroll institution named                                       check
//	the salary portability is listed among the account's with status "X"                                                        check (of the call)
//	the payroll institution (enables|disables) the salary portability                                                           action (simulator)
//	the application lists the account's payrolls                                                                                action
//	the payrolls are listed by cursor                                                                                           check
//	a salaries file is uploaded for two employees with Stone accounts and one without                                           action (simulator)
//	the application pays the payroll of the salaries file                                                                       action
//	the payroll is accepted with status "X"                                                                                     check
//	the payroll eventually has status "X" with N failed salar(y|ies)                                                            check (polls)
//	the statement shows the payroll as one debit of N centavos                                                                  check
//	the application reads the KYC of the account opening's user                                                                 action
//	the KYC asks for each piece of information it needs                                                                         check
//	the application uploads the user's document photos and a selfie                                                             action
//	the photos are uploaded where Stone's storage said                                                                          check
//	the application answers every check of the KYC                                                                              action
//	the KYC is answered                                                                                                         check
//	the application calls (GET|POST|PUT|PATCH|DELETE) "X"                                                                       action (generic)
//	the application calls (POST|PUT|PATCH|DELETE) "X" with the body:                                                            action (generic; a doc string)
//	the application calls (POST|PUT|PATCH|DELETE) "X" with an idempotency key and the body:                                     action (generic; a doc string)
//	the response status is N                                                                                                    check (generic)
//	the response field "X" is "X"                                                                                               check (generic)
//	the response field "X" is N                                                                                                 check (generic)
//	the response field "X" is (a number|a string|a boolean|an array|an object|null)                                             check (generic)
//	the response field "X" has at least N (item|items)                                                                          check (generic)
//	the application saves the response field "X" as "X"                                                                         action (generic)
//	within N seconds GET "X" has the field "X" equal to "X"                                                                     check (generic; polls)
//
// Every step has a Portuguese phrase too, registered beside the English one
// (.pt in each file) and running the same method; docs/steps.md lists both
// languages, generated from the definitions (go test ./steps -run TestDocs
// -update).
package steps
