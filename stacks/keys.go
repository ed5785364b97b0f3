package stacks

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Input is the config of one run as Pulumi hands it to a program: pulumi.RunInfo's Config and
// ConfigSecretKeys, which the engine fills from PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS and the plan's
// mock from the stack file.
type Input struct {
	// Values maps every fully qualified key ("fargate-platform:vpcCidr", "aws:region") to its value;
	// arrays and objects arrive as JSON.
	Values map[string]string
	// SecretKeys are the keys whose values are stored encrypted (`secure:`). The engine lists an object
	// as a whole as soon as any one of its values is secure; `plan`, which reads the stack file itself,
	// also lists the path of each secure value ("fargate-platform:appSecrets.SECRET_KEY_BASE"), so a
	// plain value beside secure ones is found too.
	SecretKeys []string
}

// secret is a key whose value is a credential: it must be stored encrypted (`secure:`), because a stack
// file is committed and a value in clear text there is a leaked credential.
type secret struct {
	key string
	// each: the key holds an object and every one of its values is a secret.
	each bool
}

// secrets lists the credential keys. appSecrets holds the application's secrets by definition.
// alarmWebhookUrl is a chat webhook, whose URL is its own credential ("Your webhook URL contains a
// secret. Don't share it online": https://api.slack.com/messaging/webhooks). The provider keys are the
// ones the providers themselves mark secret (pulumi-aws sdk/go/aws/provider.go, pulumi-cloudflare
// sdk/go/cloudflare/provider.go: ToSecret on accessKey, secretKey, token, apiKey, apiToken,
// apiUserServiceKey); deploys use OIDC and CLOUDFLARE_API_TOKEN, so they should not be set at all.
func secrets(project string) []secret {
	return []secret{
		{key: project + ":appSecrets", each: true},
		{key: project + ":alarmWebhookUrl"},
		{key: "aws:accessKey"}, {key: "aws:secretKey"}, {key: "aws:token"},
		{key: "cloudflare:apiKey"}, {key: "cloudflare:apiToken"}, {key: "cloudflare:apiUserServiceKey"},
	}
}

// isSecret reports whether the value of a fully qualified key, or of a path inside one
// ("fargate-platform:appSecrets.NAME"), must never be printed.
func isSecret(project, key string) bool {
	return slices.ContainsFunc(secrets(project), func(s secret) bool {
		return s.key == key || s.each && strings.HasPrefix(key, s.key+".")
	})
}

// KeyError is a problem with a key rather than with its value: a key the project does not declare, or a
// secret stored in clear text. The value is never printed: it may be a credential.
type KeyError struct {
	Key     string
	Problem string
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Problem }

// checkKeys finds every key of the project's namespace that Pulumi.yaml does not declare (a misspelt key
// would otherwise plan silently with the default) and every secret value stored in clear text. Keys of
// other namespaces (aws:, cloudflare:, pulumi:) belong to their providers and are left alone, except
// the provider credentials of secrets.
func checkKeys(project, stack string, in Input) Errors {
	var errs Errors
	ns := project + ":"
	var declared []string
	for _, k := range Keys(project) {
		if name, ok := strings.CutPrefix(k, ns); ok {
			declared = append(declared, name)
		}
	}
	for _, k := range sortedKeys(in.Values) {
		name, ok := strings.CutPrefix(k, ns)
		if !ok || slices.Contains(declared, name) {
			continue
		}
		errs = append(errs, &KeyError{Key: name,
			Problem: "not a key of this project; did you mean " + closest(name, declared) + "?"})
	}

	secure := map[string]bool{}
	for _, k := range in.SecretKeys {
		secure[k] = true
	}
	for _, s := range secrets(project) {
		v, set := in.Values[s.key]
		if !set {
			continue
		}
		if !s.each {
			if v != "" && !secure[s.key] {
				errs = append(errs, clearText(project, stack, s.key, false))
			}
			continue
		}
		var values map[string]any
		if json.Unmarshal([]byte(v), &values) != nil {
			continue // not an object: the reader reports the type
		}
		// Only a reader of the stack file lists secure values one by one; the engine marks the whole
		// object secret when any value is, and then a plain value beside secure ones cannot be told.
		byValue := slices.ContainsFunc(in.SecretKeys, func(k string) bool { return strings.HasPrefix(k, s.key+".") })
		for _, name := range sortedKeys(values) {
			path := s.key + "." + name
			switch {
			case secure[path], secure[s.key] && !byValue, values[name] == "":
				// secure, not knowable, or empty (Validate asks for a value)
			default:
				errs = append(errs, clearText(project, stack, path, true))
			}
		}
	}
	return errs
}

// clearText is the problem of a secret stored in clear text, with the command that stores it encrypted.
func clearText(project, stack, key string, path bool) error {
	name := strings.TrimPrefix(key, project+":")
	set := "pulumi config set --secret " + name
	if path {
		set = "pulumi config set --secret --path '" + name + "'"
	}
	return &KeyError{Key: name, Problem: fmt.Sprintf(
		"a secret in clear text; run: %s <value> -s %s (it replaces the plain value in Pulumi.%s.yaml; rotate the secret if that file was ever committed)",
		set, stack, stack)}
}

// closest is the declared key nearest to name: the fewest single-letter edits, ignoring case, the first
// in alphabetical order on a tie.
func closest(name string, declared []string) string {
	best, bestDist := "", -1
	for _, d := range slices.Sorted(slices.Values(declared)) {
		if dist := editDistance(strings.ToLower(name), strings.ToLower(d)); bestDist < 0 || dist < bestDist {
			best, bestDist = d, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (config keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Required are the project keys a stack must set: Pulumi.yaml declares them without a default, so the
// Pulumi CLI refuses to run a stack that lacks one ("Stack 'dev' is missing configuration value ...",
// pulumi/pulumi sdk/go/common/workspace config.go mergeConfig). Every other declared key has a default in
// Pulumi.yaml; a test holds the two together.
var Required = []string{"environment", "domain", "cloudflareZoneId", "appImageTag", "nginxImageTag"}

// EnvironmentDefaults are the keys whose default depends on the environment (dev, staging, prod) or on
// other keys, which Pulumi.yaml cannot express: it declares them with `default: ""`, the CLI hands the
// program "" when a stack leaves them unset, and "" means "the environment's default" (README,
// configuration reference).
var EnvironmentDefaults = []string{
	"logRetentionDays", "vpcCidr", "azCount", "natStrategy", "vpcEndpoints", "flowLogRetentionDays",
	"appRepositoryName", "nginxRepositoryName", "secretRecoveryWindowDays", "dbInstanceClass",
	"dbAllocatedStorage", "dbMaxAllocatedStorage", "dbBackupRetentionDays", "dbMultiAz", "dbDeletionProtection",
	"dbSkipFinalSnapshot", "dbMonitoringInterval", "cacheEngineVersion", "cacheNodeType", "cacheNodes",
	"cacheSnapshotRetentionDays", "webCpu", "webMemory", "webDesiredCount", "webMinCount", "webMaxCount",
	"workerCpu", "workerMemory", "workerDesiredCount", "workerMinCount", "workerMaxCount", "capacityProvider",
	"deploymentMinHealthyPercent", "scheduleScaleToZero", "cloudflareZoneName", "albAccessLogRetentionDays",
	"alarmDbConnections",
}
