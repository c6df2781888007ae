// Package features holds the homologation script: Gherkin feature files run
// in file-name order (authenticate, read the account, request consent,
// transact), in English at the root and in Brazilian Portuguese under pt/,
// scenario for scenario the same. They are embedded so an installed binary
// carries the script it was built with; scenarios.yaml can point at a
// folder on disk instead.
package features

import (
	"embed"
	"io/fs"

	"github.com/openbank-homolog/homolog/locale"
)

// FS holds every *.feature file of the English script at its root.
//
//go:embed *.feature
var FS embed.FS

// pt holds the Portuguese script under pt/.
//
//go:embed pt/*.feature
var pt embed.FS

// Script is the built-in script in a language of package locale
// (English for any other), each file at its root.
func Script(lang string) fs.FS {
	if lang == locale.Portuguese {
		sub, err := fs.Sub(pt, "pt")
		if err == nil {
			return sub
		}
	}
	return FS
}
