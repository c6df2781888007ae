package locale

// Catalogue is every sentence homolog shows a person, in one language.
// Fields holding a fmt format take the same verbs, in the same order, in
// every language (a test holds them to it); each field says what its
// verbs are.
type Catalogue struct {
	Lang string // English or Portuguese; report.html's lang attribute is HTMLLang
	// HTMLLang is the page's lang attribute: "en" or "pt-BR".
	HTMLLang string

	// The verdict: "Homologation PASSED — partial: …".
	Homologation               string
	Passed, Failed, Incomplete string
	// Scope words. Partial: %d scenarios kept, %d of the script's.
	Partial      string
	CustomScript string // %s how it differs: CustomOrder, CustomOne or CustomMany
	CustomOrder  string
	CustomOne    string
	CustomMany   string // %d files
	OffTarget    string // %s target name, %s hosts
	// The authorised families beside the verdict.
	FamiliesNone  string
	NotAuthorised string // %s families
	// Filters names what left scenarios out of a partial run, by the
	// bundle's English word ("lines", "name", "tags", "fail-fast").
	Filters map[string]string

	// Statuses of scenarios and steps, by the evidence's names.
	Statuses map[string]string
	// Marks are the progress line's marks, by status ("ok  ", "FAIL").
	Marks map[string]string
	// MarkWidth pads the progress line's marks.
	MarkWidth int

	// Prerequisites a blocked scenario names, by their English name.
	Prereqs  map[string]string
	FailedIn string // " (failed in " as it continues a prerequisite

	// homolog run's lines.
	RunStart      string // %s run id, %d scenarios, %s target, %s API URL
	Needs         string // %s what blocked it
	Summary       string // %s status word, %d passed, %d failed, %d blocked, %d not run, %d total, %d exchanges
	SimulatorNote string
	IncompleteWhy string // %s reason
	BundleBroken  string // %v error
	LatestNote    string // %s out, %s link name, %v error
	DriftHead     string // %d responses
	DriftMore     string // %d more
	RunStatus     map[string]string

	// The account owner's prompts (a person, against Stone's sandbox).
	Owner OwnerWords

	// summary.md.
	Markdown MarkdownWords
	// report.html.
	HTML HTMLWords
}

// OwnerWords are the account owner's prompts.
type OwnerWords struct {
	Header       string // %d action, %s " of N", %q scenario
	Of           string // %d actions
	Consent      string // %q decision, %s Stone's button
	Decisions    map[string]string
	ShortLink    string
	Listening    string // %s address, %s path
	MayPaste     string // %s wait
	Waiting      string // %s wait
	Paste        string // %s redirect URI, %s wait
	PasteAgain   string // %v why
	Operation    string // %s verb, %s Stone's button, %s what, %s amount
	To           string // %s recipient
	FromAccount  string // %s account
	OperationEnd string // %s operation id, %s wait
	NothingHere  string // %s verb
	Approve      string // the verb, imperative
	Refuse       string
	What         map[string]string // kind of operation → "the internal transfer"
	StoneAccount string            // %s account code
	// Why a pasted answer is not the consent redirect.
	NotAddress      string
	NotRedirectURI  string // %s redirect URI
	NoConsentResult string
	OtherRequest    string   // %s key, %q theirs, %q ours
	CannotUse       string   // %s why (HTML-escaped by the caller)
	Received        string   // %s result (HTML-escaped by the caller)
	CannotListen    string   // %s address, %v error
	SkipWords       []string // what the person types to give a step up
}

// MarkdownWords are summary.md's words.
type MarkdownWords struct {
	Target     string
	Simulator  string
	Families   string
	Run        string
	Client     string
	Started    string // %s time
	Took       string // %s duration
	ExitCode   string // %d
	Incomplete string // %s reason
	Scenarios  string
	Steps      string
	Total      string
	Exchanges  string // %d exchanges
	Feature    string
	Scenario   string
	Status     string
	Problem    string
	BlockedBy  string // %s prerequisite
	StepOf     string // %s status, %s step
	Drift      string
	DriftText  string // %d responses
	DriftLine  string // %s finding, %s responses, %s where, %d seq
	Response   string // one response
	Responses  string // %d responses
	Files      string // %s files
}
