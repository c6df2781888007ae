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
// PersonOwner asks a person and waits.
//
// # Step grammar
//
// Every expression is anchored; the runner refuses a plan with a step that
// matches none or more than one of them.
//
//	Step                                                                                         Kind
//	the application is authenticated                                                             ensure
//	the application requests an access token with a signed client assertion                     action
//	it receives a bearer access token valid for N seconds                                        check
//	the access token is reused for the next API calls                                            check
//	the application requests an access token with an assertion signed by another key            action
//	the token request is refused with status N                                                   check
//	the application lists its accounts                                                           action
//	the list contains the application's own account                                              check
//	the application's own account is known                                                       ensure
//	the application reads the account                                                            action
//	the application reads the account balance                                                    action
//	the account is the one that was listed                                                       check
//	the balance is a non-negative amount in centavos                                             check
//	the application reads the statement N entries at a time until the last page                  action
//	the statement has more than one page                                                         check
//	every statement entry appears exactly once                                                   check
//	every statement entry has balance_after equal to balance_before plus amount                  check
//	the application reads an account that nobody shared with it                                  action
//	a consent link for the application's registered redirect URI                                 action
//	the account owner approves the consent request                                               owner
//	the owner is sent back with consent result "R" and a resource id                             check
//	the redirect carries the session metadata back                                               check
//	the consented account is listed among the application's accounts                             check
//	the application can read the consented account's balance                                     check
//	the owner has consented to share an account                                                  ensure
//	the application transfers N centavos from (its own|the consented) account to another Stone account  action
//	the transfer is accepted with status "S"                                                     check
//	the transfer eventually has status "S"                                                       check (polls)
//	the account owner approves the transfer                                                      owner
//	the statement shows the transfer as one debit of N centavos                                  check
//	the account balance agrees with its statement                                                check
//	the application sends the same transfer again with the same idempotency key                 action
//	the application sends a different transfer with the same idempotency key                    action
//	both responses describe the same transfer                                                    check
//	the request is refused with status N and error "srn:error:T"                                 check
package steps
