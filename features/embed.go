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
	"slices"
	"sort"

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

// Counterpart is the file of the built-in script in lang that is name's
// in another language: the scripts pair file for file, in name order
// (01-authenticate.feature is 01-autenticar.feature). A plan's
// features.order written for one language thus still orders the other.
func Counterpart(name, lang string) (string, bool) {
	want, _ := fs.Glob(Script(lang), "*.feature")
	sort.Strings(want)
	for _, other := range locale.Languages() {
		names, _ := fs.Glob(Script(other), "*.feature")
		sort.Strings(names)
		if i := slices.Index(names, name); i >= 0 && i < len(want) && len(names) == len(want) {
			return want[i], true
		}
	}
	return "", false
}
