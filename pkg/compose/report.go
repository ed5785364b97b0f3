package compose

// Status says what the importer did with a service or key.
type Status string

// The statuses, in the order the report lists them: what needs the user first.
const (
	// NeedsYou is something the user must do before a deploy; the import exits non-zero while one exists.
	NeedsYou Status = "needs-you"
	// Changed is carried, differently from Compose, with the reason.
	Changed Status = "changed"
	// Dropped is not carried, with the reason.
	Dropped Status = "dropped"
	// Mapped is carried as it was.
	Mapped Status = "mapped"
)

var statusOrder = map[Status]int{NeedsYou: 0, Changed: 1, Dropped: 2, Mapped: 3}

// Item is one line of the report: a service (or "stack" for the whole stack) and one of its keys.
type Item struct {
	Service string `json:"service"`
	Key     string `json:"key"`
	Status  Status `json:"status"`
	// What is what became of it (the stack key or value; never a secret value).
	What string `json:"what"`
	// Why is the reason, or for needs-you what to do.
	Why string `json:"why,omitempty"`
}

// Secret is one appSecrets entry the user sets. Its value never appears in a report or a stack file.
type Secret struct {
	// Name is the variable name, the appSecrets key.
	Name string `json:"name"`
	// Services receive it.
	Services []string `json:"services"`
	// Origin is where the project had it: "a value in the project", "a literal default in the Compose
	// file (published: generate a new one)" or "no value (passed through from the shell)".
	Origin string `json:"origin"`
	// Command sets it; pulumi prompts for the value (or reads it from stdin), so it is never in argv.
	Command string `json:"command"`
}

// Report is everything the import did, for people (Markdown) and CI (JSON).
type Report struct {
	Stack   string   `json:"stack"`
	Files   []string `json:"files"`
	Items   []Item   `json:"items"`
	Secrets []Secret `json:"secrets"`
	// Commands are the `pulumi config set` commands for the required keys the import could not know.
	Commands []string `json:"commands"`
	// NeedsYou counts the needs-you items and the secrets to set.
	NeedsYou int `json:"needsYou"`
}
