package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/locale"
)

// Targets a plan can run against.
const (
	TargetSimulator  = "simulator"
	TargetSandbox    = "sandbox"
	TargetProduction = "production"
)

// Config is scenarios.yaml: the homologation plan. Precedence is defaults <
// file < environment (HOMOLOG_*) < flags; secrets are never in the file,
// which names a key file or an environment variable instead.
type Config struct {
	Version     int             `yaml:"version"`
	Target      string          `yaml:"target"`
	Operator    string          `yaml:"operator"`
	Signoff     *SignoffConfig  `yaml:"signoff"`
	Client      ClientConfig    `yaml:"client"`
	Endpoints   EndpointsConfig `yaml:"endpoints"`
	Simulator   SimulatorConfig `yaml:"simulator"`
	Features    FeaturesConfig  `yaml:"features"`
	Tags        string          `yaml:"tags"`
	Name        string          `yaml:"name"`      // a regular expression: only scenarios whose name matches
	Lines       []string        `yaml:"lines"`     // FILE:LINE selections (homolog run's arguments)
	FailFast    bool            `yaml:"fail_fast"` // stop at the first scenario that does not pass
	Concurrency int             `yaml:"concurrency"`
	Retries     int             `yaml:"retries"`
	Timeout     Duration        `yaml:"timeout"`
	Owner       OwnerConfig     `yaml:"owner"`
	Fixtures    FixturesConfig  `yaml:"fixtures"`
	Redact      RedactConfig    `yaml:"redact"`
	Webhooks    WebhooksConfig  `yaml:"webhooks"`
	Out         string          `yaml:"out"`
	// Lang is the language of the built-in script, the progress lines, the
	// owner's prompts and the reports: "en" (default) or "pt-BR".
	Lang string `yaml:"lang,omitempty"`

	// Authorisations are the families of actions Stone authorised the
	// application for (runner/families.go); nil (absent) runs every family.
	Authorisations []string `yaml:"authorisations"`

	// Source names where the config came from, for error messages;
	// SourceSHA256 is the hash of that file, recorded in the manifest.
	Source       string `yaml:"-"`
	SourceSHA256 string `yaml:"-"`
}

// SignoffConfig names who answers for the run. It goes into the signed
// manifest and the report header, so the people are part of what is signed.
type SignoffConfig struct {
	Operator    string `yaml:"operator"`
	Approver    string `yaml:"approver"`
	Role        string `yaml:"role"`
	Environment string `yaml:"environment"`
}

// ClientConfig identifies the partner application.
type ClientConfig struct {
	ID             string `yaml:"id"`               // ClientID Stone issued; HOMOLOG_CLIENT_ID
	PrivateKeyFile string `yaml:"private_key_file"` // PEM file; HOMOLOG_PRIVATE_KEY_FILE
	PrivateKeyEnv  string `yaml:"private_key_env"`  // name of an environment variable holding the PEM
	RedirectURI    string `yaml:"redirect_uri"`     // the consent redirect URI registered with Stone
	UserAgent      string `yaml:"user_agent"`       // sent on every call; Stone asks for the application's name
}

// EndpointsConfig overrides the target's URLs (rarely needed).
type EndpointsConfig struct {
	AuthURL string `yaml:"auth_url"`
	APIURL  string `yaml:"api_url"`
	SiteURL string `yaml:"site_url"`
}

// SimulatorConfig tunes the embedded simulator.
type SimulatorConfig struct {
	FinishAfter Duration     `yaml:"finish_after"` // how long each asynchronous step takes; 0 (the default) = at once
	Faults      FaultsConfig `yaml:"faults"`       // injected failures, off by default
}

// FaultsConfig injects failures into the embedded simulator, seeded so a
// failing run can be repeated. The runner retries what is safe to retry
// (429, 503, dropped connections on reads and idempotent writes), so a run
// with faults shows how the integration copes, attempt by attempt.
type FaultsConfig struct {
	Seed            int64    `yaml:"seed"`
	Latency         Duration `yaml:"latency"`
	ErrorRate       float64  `yaml:"error_rate"`
	RateLimitRate   float64  `yaml:"rate_limit_rate"`
	UnavailableRate float64  `yaml:"unavailable_rate"`
	DropRate        float64  `yaml:"drop_rate"`
	RetryAfter      Duration `yaml:"retry_after"`
	Paths           []string `yaml:"paths"`
}

// FeaturesConfig says which script to run and in what order.
type FeaturesConfig struct {
	Dir   string   `yaml:"dir"`   // a folder of .feature files; empty = the script built into homolog
	Order []string `yaml:"order"` // file names in run order; empty = every file, sorted by name
	// Extra is a folder of the team's own .feature files, run after the
	// script (sorted by name); the verdict then says custom.
	Extra string `yaml:"extra,omitempty"`
}

// OwnerConfig is how long the run waits for the account owner.
type OwnerConfig struct {
	Wait Duration `yaml:"wait"`
	Poll Duration `yaml:"poll"`
}

// FixturesConfig names what already exists in Stone's sandbox for the
// application; the simulator supplies its own.
type FixturesConfig struct {
	OwnAccountID       string           `yaml:"own_account_id,omitempty"`
	ConsentedAccountID string           `yaml:"consented_account_id,omitempty"`
	TransferTargets    []string         `yaml:"transfer_targets,omitempty"`
	TEDTarget          *TEDTargetConfig `yaml:"ted_target,omitempty"`
	PixKey             string           `yaml:"pix_key,omitempty"`
	StaticBRCode       string           `yaml:"static_brcode,omitempty"`
	Barcodes           BarcodesConfig   `yaml:"barcodes,omitempty"`
	// PINEnv names the environment variable holding the account owner's
	// PIN, which top-up challenges ask for. A sandbox test PIN is still a
	// secret: the plan names the variable, never the PIN.
	PINEnv string `yaml:"pin_env,omitempty"`
}

// TEDTargetConfig is a bank account at another institution for TEDs.
type TEDTargetConfig struct {
	InstitutionCode string `yaml:"institution_code"`
	BranchCode      string `yaml:"branch_code"`
	AccountCode     string `yaml:"account_code"`
	AccountType     string `yaml:"account_type"`
	Name            string `yaml:"name"`
	Document        string `yaml:"document"`
	DocumentType    string `yaml:"document_type"`
}

// BarcodesConfig names test boletos in the sandbox.
type BarcodesConfig struct {
	Payable string `yaml:"payable,omitempty"`
	Paid    string `yaml:"paid,omitempty"`
}

// WebhooksConfig is where the run listens for Stone's webhooks. Against
// the simulator it listens on a free local port by itself; against Stone
// the address must be reachable at the webhook URI registered with Stone.
type WebhooksConfig struct {
	Listen string `yaml:"listen"` // HOST:PORT; empty = no webhooks (simulator: 127.0.0.1:0)
	// PartnerURL is the partner's own webhook receiver: when set, the
	// @webhooks-partner feature delivers to it, as Stone does, each event
	// type the run received; empty leaves that feature out of the plan.
	PartnerURL string `yaml:"partner_url"`
}

// RedactConfig adds to the built-in redaction rules.
type RedactConfig struct {
	Headers   []string `yaml:"headers"`
	JSONPaths []string `yaml:"json_paths"`
}

// Duration reads "90s", "10m" or a number of seconds.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a duration like 90s or 10m", n.Line)
	}
	if secs, err := strconv.Atoi(n.Value); err == nil {
		*d = Duration(time.Duration(secs) * time.Second)
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (want e.g. 90s or 10m)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Defaults is the plan when no scenarios.yaml is given.
func Defaults() Config {
	return Config{
		Version:     1,
		Target:      TargetSimulator,
		Concurrency: 1,
		Retries:     2,
		Timeout:     Duration(15 * time.Minute),
		Owner:       OwnerConfig{Wait: Duration(10 * time.Minute), Poll: Duration(2 * time.Second)},
		Out:         "reports",
		Source:      "defaults",
	}
}

// ParseConfig reads scenarios.yaml content over the defaults. Unknown keys
// are errors, with their line, so a typo never silently falls back to a
// default.
func ParseConfig(name string, data []byte) (Config, error) {
	cfg := Defaults()
	cfg.Source = name
	if err := checkWholeNumbers(name, data); err != nil {
		return Config{}, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file decodes to io.EOF and means "all defaults".
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, &ConfigError{File: name, Err: cleanYAMLError(err)}
	}
	cfg.Source = name
	cfg.SourceSHA256 = evidence.SHA256(data)
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// wholeNumberKeys are the plan's counts. yaml.v3 decodes 1.5 into an int
// by truncating it, so "concurrency: 1.5" would silently run one scenario at
// a time: these are checked to be integers first.
func wholeNumberKeys() [][]string {
	return [][]string{{"version"}, {"concurrency"}, {"retries"}, {"simulator", "faults", "seed"}}
}

// checkWholeNumbers refuses a count written as a fraction or exponent,
// naming the key and its line.
func checkWholeNumbers(name string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // the decoder reports syntax errors with their line
	}
	for _, path := range wholeNumberKeys() {
		n := doc.Content[0]
		for _, k := range path {
			n = mappingValue(n, k)
		}
		if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
			return &ConfigError{File: name, Field: strings.Join(path, "."), Err: fmt.Errorf("line %d: %s is not a whole number (write e.g. 2)", n.Line, n.Value)}
		}
	}
	return nil
}

// mappingValue is the value of key in a YAML mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// cleanYAMLError turns yaml.v3's Go-flavoured messages ("field x not found
// in type runner.Config") into ones about the file.
func cleanYAMLError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " not found in type "); i >= 0 {
			if j := strings.Index(line, "field "); j >= 0 && j < i {
				line = line[:j] + fmt.Sprintf("unknown key %q", line[j+len("field "):i]) + " (the README lists the keys scenarios.yaml accepts)"
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return errors.New(strings.Join(out, "; "))
}

// ConfigError is a problem with the plan or the command line: exit code 2.
type ConfigError struct {
	File  string // the file or "flag"/"environment"
	Field string
	Err   error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// language is the plan's language, normalised ("pt" → "pt-BR"); Validate
// has refused any other.
func (c Config) language() string {
	lang, _ := locale.Parse(c.Lang)
	return lang
}

// words is the catalogue of the plan's language.
func (c Config) words() *locale.Catalogue { return locale.For(c.language()) }

func (c Config) fieldErr(field, format string, args ...any) error {
	return &ConfigError{File: c.Source, Field: field, Err: fmt.Errorf(format, args...)}
}

// Validate checks the plan once every source has been applied.
func (c Config) Validate() error {
	if c.Version != 1 {
		return c.fieldErr("version", "unsupported version %d (this homolog reads version 1)", c.Version)
	}
	switch c.Target {
	case TargetSimulator, TargetSandbox, TargetProduction:
	default:
		return c.fieldErr("target", "unknown target %q (want simulator, sandbox or production)", c.Target)
	}
	if c.Client.PrivateKeyFile != "" && c.Client.PrivateKeyEnv != "" {
		// Which one would sign is a guess either way: the key given must
		// be the key that signs, so two keys are refused on every target.
		return c.fieldErr("client", "private_key_file (or HOMOLOG_PRIVATE_KEY_FILE) and private_key_env are both set: keep the one that holds the key registered with Stone")
	}
	if c.Target != TargetSimulator {
		if c.Client.ID == "" {
			return c.fieldErr("client.id", "required for target %s: the ClientID Stone sent you (or set HOMOLOG_CLIENT_ID)", c.Target)
		}
		if c.Client.PrivateKeyFile == "" && c.Client.PrivateKeyEnv == "" {
			return c.fieldErr("client.private_key_file", "required for target %s: the PEM file of the key registered with Stone (or set HOMOLOG_PRIVATE_KEY_FILE)", c.Target)
		}
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		return c.fieldErr("concurrency", "%d is out of range (1 to 64)", c.Concurrency)
	}
	if c.Retries < 0 || c.Retries > 10 {
		return c.fieldErr("retries", "%d is out of range (0 to 10)", c.Retries)
	}
	if err := checkTags(c.Tags); err != nil {
		return c.fieldErr("tags", "%v", err)
	}
	if err := c.checkAuthorisations(); err != nil {
		return err
	}
	if c.Timeout <= 0 {
		return c.fieldErr("timeout", "must be positive")
	}
	if c.Owner.Wait <= 0 || c.Owner.Poll <= 0 {
		return c.fieldErr("owner", "wait and poll must be positive")
	}
	if so := c.Signoff; so != nil && (so.Operator == "" || so.Approver == "") {
		return c.fieldErr("signoff", "operator and approver are both required when signoff is given")
	}
	if c.Out == "" {
		return c.fieldErr("out", "must name a folder")
	}
	if _, err := locale.Parse(c.Lang); err != nil {
		return c.fieldErr("lang", "%v", err)
	}
	if c.Webhooks.PartnerURL != "" {
		if err := checkReceiverURL(c.Webhooks.PartnerURL); err != nil {
			return c.fieldErr("webhooks.partner_url", "%v", err)
		}
		if c.Client.PrivateKeyFile == "" && c.Client.PrivateKeyEnv == "" {
			return c.fieldErr("webhooks.partner_url", "needs client.private_key_file (or HOMOLOG_PRIVATE_KEY_FILE): deliveries are encrypted for that key's public half, so the partner's receiver can decrypt them with the key it holds")
		}
	}
	for i, p := range c.Redact.JSONPaths {
		if err := checkJSONPath(p); err != nil {
			return c.fieldErr(fmt.Sprintf("redact.json_paths[%d]", i), "%q: %v", p, err)
		}
	}
	return nil
}

// checkJSONPath accepts dot-separated member names, "*" (any one level)
// and "**" (any number of levels), so a typo is not a rule that silently
// matches nothing.
func checkJSONPath(p string) error {
	p = strings.TrimPrefix(strings.TrimSpace(p), "$.")
	if p == "" {
		return errors.New("empty path (write e.g. data.*.owner_name or **.name)")
	}
	for _, seg := range strings.Split(p, ".") {
		switch {
		case seg == "":
			return errors.New("empty segment (two dots, or a dot at an end)")
		case strings.Contains(seg, "*") && seg != "*" && seg != "**":
			return fmt.Errorf("segment %q: * stands alone: \"*\" is any one level, \"**\" any number of levels", seg)
		}
	}
	return nil
}

// ApplyEnv overlays HOMOLOG_* variables; lookup is os.LookupEnv in the CLI.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	set := func(key string, dst *string) {
		if v, ok := lookup(key); ok && v != "" {
			*dst = v
		}
	}
	set("HOMOLOG_TARGET", &c.Target)
	set("HOMOLOG_CLIENT_ID", &c.Client.ID)
	set("HOMOLOG_PRIVATE_KEY_FILE", &c.Client.PrivateKeyFile)
	set("HOMOLOG_REDIRECT_URI", &c.Client.RedirectURI)
	set("HOMOLOG_OPERATOR", &c.Operator)
	set("HOMOLOG_TAGS", &c.Tags)
	set("HOMOLOG_OUT", &c.Out)
	if v, ok := lookup("HOMOLOG_LANG"); ok && v != "" {
		lang, err := locale.Parse(v)
		if err != nil {
			return &ConfigError{File: "environment", Field: "HOMOLOG_LANG", Err: err}
		}
		c.Lang = lang
	}
	if v, ok := lookup("HOMOLOG_AUTHORISATIONS"); ok && v != "" {
		// A comma-separated list; "none" is the empty list (stages 1–3).
		c.Authorisations = []string{}
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" && name != "none" {
				c.Authorisations = append(c.Authorisations, name)
			}
		}
		if _, err := checkFamilies(c.Authorisations); err != nil {
			return &ConfigError{File: "environment", Field: "HOMOLOG_AUTHORISATIONS", Err: err}
		}
	}
	if v, ok := lookup("HOMOLOG_CONCURRENCY"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &ConfigError{File: "environment", Field: "HOMOLOG_CONCURRENCY", Err: fmt.Errorf("%q is not a whole number (write e.g. 2)", v)}
		}
		c.Concurrency = n
	}
	return nil
}

// MarshalYAML writes a Duration the way it is read ("1m30s"), for the
// effective plan recorded in each bundle.
func (d Duration) MarshalYAML() (any, error) {
	return time.Duration(d).String(), nil
}
