package locale

// HTMLWords are report.html's labels. The template prints them as text
// (html/template escapes them like any other value).
type HTMLWords struct {
	ReportTitle, TitleRun                      string
	BannerTitle, Banner                        string
	ScopeTitle, ScopeNote                      string // ScopeNote: %s the scope
	RunID, Target, EmbeddedSimulator           string
	AuthURL, APIURL, ConsentSite, ClientID     string
	Families, Operator, Signoff                string
	SignoffOperator, Approver, Environment     string
	Started, Finished, Duration, Status        string
	Completeness, Complete, IncompleteWord     string
	ExitCode, Drift, DriftLink, NotFailures    string // DriftLink: %d responses
	ProducedBy, Schema                         string
	Summary, Coverage, Features, Setup         string
	Webhooks, Timeline                         string
	Total, ExchangesLine                       string // ExchangesLine: %d exchanges, %d during setup
	DriftIntro, Response, Responses, First, In string // Responses: %d
	CoverageIntro, Feature, AllFeatures        string
	Scenarios, Steps                           string
	FeatureKw, ScenarioKw, BlockedBy, Line     string
	Waited, Link, Answer                       string
	Holds, Fails, Check, Over, Journal         string
	NoInput                                    string
	SetupIntro                                 string
	WebhooksTitle, WebhooksIntro               string
	Received, EventType, EventID, Outcome      string
	StartedUTC, Offset, Where, Request         string
	NoExchanges, Footer                        string
	DriftMark, Method, IdempotencyKey          string
	ServerDate, IntoRun, JournalSeq            string // IntoRun: %s offset
	TransportError, ResponseTitle, NoResponse  string
	JWTNote, NoHeaders                         string
	BodyStored, BodyOutside, BodyNotCaptured   string // BodyStored, BodyNotCaptured: %d bytes
	NoBody, Error, NoResult, Encrypted         string
	// The compact page of a large run.
	JSOffTitle, JSOff                        string
	DidNotPass, ProblemsTitle, ProblemsIntro string
	CompactNote, ShowAll, OrOpen             string
	ThoseNotPassed, ShownAbove               string
	ShowSteps, InFullUnder, ShowThem         string
	LazyTimeline, LazyWebhooks, PrintNote    string
	SetupWhere                               string // where a setup exchange happened, in the timeline
	// PrintNote is printed by CSS (content:"…"); html/template refuses a
	// colon there, so it has none.
}

func englishHTML() HTMLWords {
	return HTMLWords{
		ReportTitle: "Homologation report", TitleRun: "run",
		BannerTitle: "Embedded simulator.",
		Banner:      "This run was against homolog's embedded simulator, not Stone's sandbox. Passing it shows the integration is ready; it is not Stone's homologation.",
		ScopeTitle:  "Scope.", ScopeNote: "This verdict covers less than homolog's whole built-in script on Stone's documented hosts: %s.",
		RunID: "Run id", Target: "Target", EmbeddedSimulator: "embedded simulator",
		AuthURL: "Auth URL", APIURL: "API URL", ConsentSite: "Consent site", ClientID: "Client id",
		Families: "Authorised families", Operator: "Operator", Signoff: "Sign-off",
		SignoffOperator: "operator", Approver: "approver", Environment: "environment",
		Started: "Started", Finished: "Finished", Duration: "Duration", Status: "Status",
		Completeness: "Completeness", Complete: "complete", IncompleteWord: "incomplete",
		ExitCode: "Exit code", Drift: "Contract drift", DriftLink: "%d responses departed from the shapes Stone documents", NotFailures: "(not failures)",
		ProducedBy: "Produced by", Schema: "schema",
		Summary: "Summary", Coverage: "Coverage", Features: "Features", Setup: "Setup exchanges",
		Webhooks: "Webhooks", Timeline: "Timeline",
		Total: "total", ExchangesLine: "%d HTTP exchanges recorded, %d of them during setup.",
		DriftIntro: "Responses that departed from the shapes Stone documents (a missing field, a wrong type, an unknown enum value), judged against homolog's JSON Schemas of stone-api.md. They do not fail a scenario: they tell the partner of an API change and Stone of where its documents and its API disagree.",
		Response:   "1 response", Responses: "%d responses", First: "first", In: "in",
		CoverageIntro: "Scenarios of each feature by outcome.", Feature: "Feature", AllFeatures: "All features",
		Scenarios: "Scenarios", Steps: "Steps",
		FeatureKw: "Feature:", ScenarioKw: "Scenario:", BlockedBy: "Blocked by:", Line: "line",
		Waited: "waited", Link: "link", Answer: "answer",
		Holds: "holds", Fails: "fails", Check: "check", Over: "over", Journal: "journal",
		NoInput:       "no input",
		SetupIntro:    "HTTP made outside any step, such as fixture discovery.",
		WebhooksTitle: "Webhooks received",
		WebhooksIntro: "Each delivery was decrypted with the partner's key and its signature checked with Stone's published key before it was accepted.",
		Received:      "Received (UTC)", EventType: "Event type", EventID: "Event id", Outcome: "Outcome",
		StartedUTC: "Started (UTC)", Offset: "Offset", Where: "Where", Request: "Request",
		NoExchanges: "No HTTP exchanges were recorded.",
		Footer:      "Rendered from this bundle's journal, as report.json is. Check the bundle's hashes, journal and signature offline with",
		DriftMark:   "drift", Method: "Method", IdempotencyKey: "Idempotency key",
		ServerDate: "Server date", IntoRun: "%s into the run", JournalSeq: "Journal seq",
		TransportError: "Transport error", ResponseTitle: "Response", NoResponse: "No response.",
		JWTNote: "JWT decoded (its signature is redacted)", NoHeaders: "No headers.",
		BodyStored:      "Body, %d bytes, stored in the bundle:",
		BodyOutside:     "Body reference outside the bundle's bodies folder, not linked:",
		BodyNotCaptured: "Body of %d bytes not captured.",
		NoBody:          "No body.", Error: "error", NoResult: "no response", Encrypted: "(encrypted: a JWE)",
		JSOffTitle: "JavaScript is off.",
		JSOff:      "The steps, checks and exchanges of the scenarios that passed, the timeline and the webhooks show with it; report.json holds every one of them.",
		DidNotPass: "Did not pass", ProblemsTitle: "Scenarios that did not pass",
		ProblemsIntro: "Failed, blocked, undefined and pending scenarios, in full, in plan order; each is also listed under its feature below.",
		CompactNote:   "Each scenario that passed shows its steps, checks and exchanges when asked", ShowAll: "show every scenario's", OrOpen: "or open this page at",
		ThoseNotPassed: "those that did not pass", ShownAbove: "are shown in full above",
		ShowSteps: "Show its steps and exchanges", InFullUnder: "In full under", ShowThem: "Show them",
		LazyTimeline: "HTTP exchanges, in the order they started", LazyWebhooks: "webhooks",
		PrintNote:  "(steps and exchanges not shown — show every scenario's before printing, or read report.json)",
		SetupWhere: "setup",
	}
}

func portugueseHTML() HTMLWords {
	return HTMLWords{
		ReportTitle: "Relatório de homologação", TitleRun: "execução",
		BannerTitle: "Simulador embutido.",
		Banner:      "Esta execução foi contra o simulador embutido do homolog, não contra o sandbox da Stone. Passar nela mostra que a integração está pronta; não é a homologação da Stone.",
		ScopeTitle:  "Escopo.", ScopeNote: "Este veredito cobre menos que o roteiro embutido inteiro do homolog nos hosts documentados da Stone: %s.",
		RunID: "Id da execução", Target: "Alvo", EmbeddedSimulator: "simulador embutido",
		AuthURL: "URL de autenticação", APIURL: "URL da API", ConsentSite: "Site de consentimento", ClientID: "Id do cliente",
		Families: "Famílias autorizadas", Operator: "Operador", Signoff: "Responsáveis",
		SignoffOperator: "operador", Approver: "aprovador", Environment: "ambiente",
		Started: "Início", Finished: "Fim", Duration: "Duração", Status: "Situação",
		Completeness: "Completude", Complete: "completa", IncompleteWord: "incompleta",
		ExitCode: "Código de saída", Drift: "Divergência de contrato", DriftLink: "%d respostas fugiram dos formatos que a Stone documenta", NotFailures: "(não são falhas)",
		ProducedBy: "Gerado por", Schema: "esquema",
		Summary: "Resumo", Coverage: "Cobertura", Features: "Funcionalidades", Setup: "Trocas de preparação",
		Webhooks: "Webhooks recebidos", Timeline: "Linha do tempo",
		Total: "total", ExchangesLine: "%d trocas HTTP registradas, %d delas na preparação.",
		DriftIntro: "Respostas que fugiram dos formatos que a Stone documenta (um campo ausente, um tipo errado, um valor de enum desconhecido), julgadas pelos JSON Schemas do homolog para o stone-api.md. Elas não reprovam um cenário: avisam o parceiro de uma mudança na API e a Stone de onde sua documentação e sua API discordam.",
		Response:   "1 resposta", Responses: "%d respostas", First: "a primeira", In: "em",
		CoverageIntro: "Cenários de cada funcionalidade por resultado.", Feature: "Funcionalidade", AllFeatures: "Todas as funcionalidades",
		Scenarios: "Cenários", Steps: "Passos",
		FeatureKw: "Funcionalidade:", ScenarioKw: "Cenário:", BlockedBy: "Bloqueado por:", Line: "linha",
		Waited: "esperou", Link: "o link", Answer: "resposta",
		Holds: "vale", Fails: "falha", Check: "verificação", Over: "sobre", Journal: "no journal",
		NoInput:       "nenhuma entrada",
		SetupIntro:    "HTTP feito fora de qualquer passo, como a descoberta das fixtures.",
		WebhooksTitle: "Webhooks recebidos",
		WebhooksIntro: "Cada entrega foi decifrada com a chave do parceiro e teve a assinatura conferida com a chave publicada da Stone antes de ser aceita.",
		Received:      "Recebido (UTC)", EventType: "Tipo de evento", EventID: "Id do evento", Outcome: "Resultado",
		StartedUTC: "Início (UTC)", Offset: "Após o início", Where: "Onde", Request: "Requisição",
		NoExchanges: "Nenhuma troca HTTP foi registrada.",
		Footer:      "Gerado a partir do journal deste pacote, como o report.json. Confira offline os hashes, o journal e a assinatura do pacote com",
		DriftMark:   "divergência", Method: "Método", IdempotencyKey: "Chave de idempotência",
		ServerDate: "Data do servidor", IntoRun: "%s após o início da execução", JournalSeq: "Seq. no journal",
		TransportError: "Erro de transporte", ResponseTitle: "Resposta", NoResponse: "Sem resposta.",
		JWTNote: "JWT decodificado (a assinatura foi omitida)", NoHeaders: "Sem cabeçalhos.",
		BodyStored:      "Corpo, %d bytes, guardado no pacote:",
		BodyOutside:     "Referência de corpo fora da pasta bodies do pacote, sem link:",
		BodyNotCaptured: "Corpo de %d bytes não capturado.",
		NoBody:          "Sem corpo.", Error: "erro", NoResult: "sem resposta", Encrypted: "(cifrado: um JWE)",
		JSOffTitle: "O JavaScript está desligado.",
		JSOff:      "Os passos, verificações e trocas dos cenários aprovados, a linha do tempo e os webhooks aparecem com ele; o report.json tem todos eles.",
		DidNotPass: "Não passaram", ProblemsTitle: "Cenários que não passaram",
		ProblemsIntro: "Cenários reprovados, bloqueados, indefinidos e pendentes, completos, na ordem do plano; cada um também aparece na sua funcionalidade, abaixo.",
		CompactNote:   "Cada cenário aprovado mostra seus passos, verificações e trocas quando pedido", ShowAll: "mostrar os de todos os cenários", OrOpen: "ou abra esta página em",
		ThoseNotPassed: "os que não passaram", ShownAbove: "aparecem completos acima",
		ShowSteps: "Mostrar os passos e as trocas", InFullUnder: "Completo em", ShowThem: "Mostrar",
		LazyTimeline: "trocas HTTP, na ordem em que começaram", LazyWebhooks: "webhooks",
		PrintNote:  "(passos e trocas não mostrados — mostre os de todos os cenários antes de imprimir, ou leia o report.json)",
		SetupWhere: "preparação",
	}
}
