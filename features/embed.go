// Package features holds the homologation script: Gherkin feature files run
// in file-name order (authenticate, read the account, request consent,
// transact). They are embedded so an installed binary carries the script it
// was built with; scenarios.yaml can point at a folder on disk instead.
package features

import "embed"

// FS holds every *.feature file of the script at its root.
//
//go:embed *.feature
var FS embed.FS
