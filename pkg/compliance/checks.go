package compliance

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

type each = func(v *view, r *plan.Resource) []Evidence

// flag passes when a boolean input is true.
func flag(path string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), isTrue(r, path))}
	}
}

// notFlag passes when a boolean input is false or unset (the provider default is false).
func notFlag(path string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), r.In(path) == nil || r.In(path) == false)}
	}
}

// equals passes when a string input has a value.
func equals(path, want string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), r.Str(path) == want)}
	}
}

// set passes when a string input is set.
func set(path string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), r.Str(path) != "")}
	}
}

// keyed passes when an input names a customer-managed KMS key by ARN (not an AWS managed alias).
func keyed(path string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), isCMK(r.Str(path)))}
	}
}

func isCMK(s string) bool {
	return strings.HasPrefix(s, "arn:aws") && strings.Contains(s, ":kms:") && !strings.Contains(s, "alias/aws/")
}

// atLeast passes when a numeric input is at least min.
func atLeast(path string, min float64) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		n, ok := num(r, path)
		return []Evidence{ev(r, path, r.In(path), ok && n >= min)}
	}
}

// --- IAM ---

// identityStatements decodes a policy's Allow statements; a policy that does not decode fails.
func identityStatements(r *plan.Resource) ([]statement, []Evidence) {
	stmts, err := decodePolicy(r.Str("policy"))
	if err != nil {
		return nil, []Evidence{ev(r, "policy", err.Error(), false)}
	}
	return stmts, nil
}

func noWildcardActions(_ *view, r *plan.Resource) []Evidence {
	stmts, bad := identityStatements(r)
	if bad != nil {
		return bad
	}
	var out []Evidence
	for i, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		if len(s.NotAction) > 0 {
			out = append(out, ev(r, "policy."+s.label(i)+".NotAction", s.NotAction, false))
			continue
		}
		pass := true
		for _, a := range s.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				pass = false
			}
		}
		out = append(out, ev(r, "policy."+s.label(i)+".Action", s.Action, pass))
	}
	return out
}

func resourceScope(_ *view, r *plan.Resource) []Evidence {
	stmts, bad := identityStatements(r)
	if bad != nil {
		return bad
	}
	var out []Evidence
	for i, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		if len(s.NotResource) > 0 {
			out = append(out, ev(r, "policy."+s.label(i)+".NotResource", s.NotResource, false))
			continue
		}
		if !slices.Contains(s.Resource, "*") {
			out = append(out, ev(r, "policy."+s.label(i)+".Resource", s.Resource, true))
			continue
		}
		for _, a := range s.Action {
			supported, known := ResourceLevel(a)
			value := "* for " + a + " (no resource-level permissions)"
			switch {
			case !known:
				value = "* for " + a + " (unknown action: cannot show it lacks resource-level permissions)"
			case supported:
				value = "* for " + a + " (supports resource-level permissions: name the resources)"
			}
			out = append(out, ev(r, "policy."+s.label(i)+".Resource", value, known && !supported))
		}
	}
	return out
}

// decryptActions are the KMS actions that reveal plaintext.
var decryptActions = []string{"kms:decrypt", "kms:reencryptfrom", "kms:*", "*"}

func noDecryptAllKeys(_ *view, r *plan.Resource) []Evidence {
	stmts, bad := identityStatements(r)
	if bad != nil {
		return bad
	}
	var out []Evidence
	for i, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		decrypts := false
		for _, a := range s.Action {
			decrypts = decrypts || slices.Contains(decryptActions, strings.ToLower(a))
		}
		if !decrypts {
			continue
		}
		wide := slices.Contains(s.Resource, "*") || slices.ContainsFunc(s.Resource, func(res string) bool {
			return strings.HasSuffix(res, ":key/*")
		})
		out = append(out, ev(r, "policy."+s.label(i)+".Resource (decrypt)", s.Resource, !wide))
	}
	if len(out) == 0 {
		out = append(out, ev(r, "policy", "no KMS decryption", true))
	}
	return out
}

var awsManaged = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/`)

func noManagedPolicies(_ *view, r *plan.Resource) []Evidence {
	if r.Type == tAttachment {
		return []Evidence{ev(r, "policyArn", r.In("policyArn"), !awsManaged.MatchString(r.Str("policyArn")))}
	}
	arns := list(r, "managedPolicyArns")
	return []Evidence{ev(r, "managedPolicyArns", r.In("managedPolicyArns"), len(arns) == 0)}
}

func trustScoped(_ *view, r *plan.Resource) []Evidence {
	stmts, err := decodePolicy(r.Str("assumeRolePolicy"))
	if err != nil {
		return []Evidence{ev(r, "assumeRolePolicy", err.Error(), false)}
	}
	var out []Evidence
	for i, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		if s.PrincipalStar {
			out = append(out, ev(r, "assumeRolePolicy."+s.label(i)+".Principal", "*", false))
			continue
		}
		if s.Principal == nil || len(s.Principal.Service) == 0 {
			out = append(out, ev(r, "assumeRolePolicy."+s.label(i)+".Principal", s.Principal, true))
			continue
		}
		scoped := false
		for _, keys := range s.Condition {
			for k := range keys {
				lk := strings.ToLower(k)
				scoped = scoped || lk == "aws:sourceaccount" || lk == "aws:sourcearn"
			}
		}
		out = append(out, ev(r, "assumeRolePolicy."+s.label(i)+".Condition", fmt.Sprintf("%v for %v", s.Condition, s.Principal.Service), scoped))
	}
	return out
}

var rootArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:root$`)

func keyPolicy(_ *view, r *plan.Resource) []Evidence {
	if r.Str("policy") == "" {
		return []Evidence{ev(r, "policy", "(default key policy: the account root only)", true)}
	}
	stmts, err := decodePolicy(r.Str("policy"))
	if err != nil {
		return []Evidence{ev(r, "policy", err.Error(), false)}
	}
	var out []Evidence
	for i, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		if s.PrincipalStar {
			out = append(out, ev(r, "policy."+s.label(i)+".Principal", "*", false))
			continue
		}
		all := slices.ContainsFunc(s.Action, func(a string) bool { return a == "*" || strings.EqualFold(a, "kms:*") })
		onlyRoot := s.Principal != nil && len(s.Principal.AWS) > 0 && len(s.Principal.Service) == 0 &&
			!slices.ContainsFunc(s.Principal.AWS, func(p string) bool { return !rootArn.MatchString(p) })
		if all {
			out = append(out, ev(r, "policy."+s.label(i), fmt.Sprintf("%v to %v", s.Action, s.Principal.AWS), onlyRoot))
			continue
		}
		out = append(out, ev(r, "policy."+s.label(i), fmt.Sprintf("%v to %v%v", s.Action, s.Principal.AWS, s.Principal.Service), true))
	}
	return out
}

// --- ECS ---

// containerDef is what the checks read of a container definition.
type containerDef struct {
	Name                   string `json:"name"`
	User                   string `json:"user"`
	Privileged             *bool  `json:"privileged"`
	ReadonlyRootFilesystem *bool  `json:"readonlyRootFilesystem"`
	Environment            []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	LogConfiguration *struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

// containers runs fn over every container of a task definition.
func containers(fn func(r *plan.Resource, c containerDef) Evidence) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		var defs []containerDef
		if err := json.Unmarshal([]byte(r.Str("containerDefinitions")), &defs); err != nil || len(defs) == 0 {
			return []Evidence{ev(r, "containerDefinitions", fmt.Sprintf("cannot decode: %v", err), false)}
		}
		out := make([]Evidence, 0, len(defs))
		for _, c := range defs {
			out = append(out, fn(r, c))
		}
		return out
	}
}

func ptrBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func readOnlyRoot(r *plan.Resource, c containerDef) Evidence {
	return ev(r, "containerDefinitions["+c.Name+"].readonlyRootFilesystem", ptrBool(c.ReadonlyRootFilesystem),
		c.ReadonlyRootFilesystem != nil && *c.ReadonlyRootFilesystem)
}

func notPrivileged(r *plan.Resource, c containerDef) Evidence {
	return ev(r, "containerDefinitions["+c.Name+"].privileged", ptrBool(c.Privileged), c.Privileged == nil || !*c.Privileged)
}

func nonRoot(r *plan.Resource, c containerDef) Evidence {
	u := c.User
	root := u == "" || u == "0" || u == "root" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:")
	return ev(r, "containerDefinitions["+c.Name+"].user", u, !root)
}

func logsToCloudWatch(r *plan.Resource, c containerDef) Evidence {
	if c.LogConfiguration == nil {
		return ev(r, "containerDefinitions["+c.Name+"].logConfiguration", nil, false)
	}
	return ev(r, "containerDefinitions["+c.Name+"].logConfiguration", c.LogConfiguration.LogDriver+" "+c.LogConfiguration.Options["awslogs-group"],
		c.LogConfiguration.LogDriver == "awslogs" && c.LogConfiguration.Options["awslogs-group"] != "")
}

// secretWords mark an environment variable that must be an ECS secret instead.
var secretWords = []string{"PASSWORD", "SECRET", "TOKEN", "ACCESS_KEY", "PRIVATE_KEY", "DATABASE_URL"}

var credentialsInURL = regexp.MustCompile(`://[^/@\s:]+:[^/@\s]+@`)

func noSecretsInEnvironment(_ *view, r *plan.Resource) []Evidence {
	var defs []containerDef
	if err := json.Unmarshal([]byte(r.Str("containerDefinitions")), &defs); err != nil || len(defs) == 0 {
		return []Evidence{ev(r, "containerDefinitions", fmt.Sprintf("cannot decode: %v", err), false)}
	}
	var out []Evidence
	for _, c := range defs {
		var names []string
		pass := true
		for _, e := range c.Environment {
			names = append(names, e.Name)
			for _, w := range secretWords {
				if strings.Contains(strings.ToUpper(e.Name), w) {
					pass = false
				}
			}
			if credentialsInURL.MatchString(e.Value) {
				pass = false
			}
		}
		out = append(out, ev(r, "containerDefinitions["+c.Name+"].environment names", names, pass))
	}
	return out
}

func taskIsolation(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "networkMode", r.In("networkMode"), r.Str("networkMode") == "awsvpc"),
		ev(r, "pidMode", r.In("pidMode"), r.Str("pidMode") != "host"),
	}
}

func latestPlatform(_ *view, r *plan.Resource) []Evidence {
	p := r.Str("platformVersion")
	return []Evidence{ev(r, "platformVersion", r.In("platformVersion"), p == "" || p == "LATEST")}
}

func containerInsights(_ *view, r *plan.Resource) []Evidence {
	value := any(nil)
	for _, s := range list(r, "settings") {
		if m, ok := s.(map[string]any); ok && m["name"] == "containerInsights" {
			value = m["value"]
		}
	}
	return []Evidence{ev(r, "settings.containerInsights", value, value == "enabled" || value == "enhanced")}
}

func circuitBreaker(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "deploymentCircuitBreaker.enable", r.In("deploymentCircuitBreaker.enable"), isTrue(r, "deploymentCircuitBreaker.enable")),
		ev(r, "deploymentCircuitBreaker.rollback", r.In("deploymentCircuitBreaker.rollback"), isTrue(r, "deploymentCircuitBreaker.rollback")),
	}
}

// --- ECR ---

func ecrKms(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "encryptionConfigurations.0.encryptionType", r.In("encryptionConfigurations.0.encryptionType"),
		r.Str("encryptionConfigurations.0.encryptionType") == "KMS")}
}

func ecrLifecycle(v *view, r *plan.Resource) []Evidence {
	ps := v.referring(tLifecyclePolicy, "repository", r)
	if len(ps) == 0 {
		return []Evidence{ev(r, "lifecycle policy", "none", false)}
	}
	return []Evidence{ev(r, "lifecycle policy", ps[0].URN, ps[0].Str("policy") != "")}
}

// --- data stores ---

func rdsEncrypted(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "storageEncrypted", r.In("storageEncrypted"), isTrue(r, "storageEncrypted")),
		ev(r, "kmsKeyId", r.In("kmsKeyId"), isCMK(r.Str("kmsKeyId"))),
	}
}

func rdsForceSSL(v *view, r *plan.Resource) []Evidence {
	group := r.Str("parameterGroupName")
	for _, pg := range v.rec.ByType(tDbParams) {
		if !slices.Contains(names(pg), group) || group == "" {
			continue
		}
		for _, p := range list(pg, "parameters") {
			if m, ok := p.(map[string]any); ok && m["name"] == "rds.force_ssl" {
				return []Evidence{ev(r, "parameterGroupName "+group+" rds.force_ssl", m["value"], show(m["value"]) == "1")}
			}
		}
		return []Evidence{ev(r, "parameterGroupName "+group+" rds.force_ssl", nil, false)}
	}
	return []Evidence{ev(r, "parameterGroupName", r.In("parameterGroupName"), false)}
}

func rdsLogs(_ *view, r *plan.Resource) []Evidence {
	exports := list(r, "enabledCloudwatchLogsExports")
	return []Evidence{ev(r, "enabledCloudwatchLogsExports", r.In("enabledCloudwatchLogsExports"), slices.Contains(exports, any("postgresql")))}
}

func cacheAtRest(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "atRestEncryptionEnabled", r.In("atRestEncryptionEnabled"), isTrue(r, "atRestEncryptionEnabled")),
		ev(r, "kmsKeyId", r.In("kmsKeyId"), isCMK(r.Str("kmsKeyId"))),
	}
}

func cacheTransit(_ *view, r *plan.Resource) []Evidence {
	mode := r.Str("transitEncryptionMode")
	return []Evidence{
		ev(r, "transitEncryptionEnabled", r.In("transitEncryptionEnabled"), isTrue(r, "transitEncryptionEnabled")),
		ev(r, "transitEncryptionMode", r.In("transitEncryptionMode"), mode == "" || mode == "required"),
	}
}

func cacheAuth(_ *view, r *plan.Resource) []Evidence {
	// The token is secret: the plan shows only that it is set.
	return []Evidence{ev(r, "authToken", r.In("authToken"), r.In("authToken") != nil && r.Str("authToken") != "")}
}

func secureString(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "type", r.In("type"), r.Str("type") == "SecureString"),
		ev(r, "keyId", r.In("keyId"), isCMK(r.Str("keyId"))),
	}
}

func secretRecovery(_ *view, r *plan.Resource) []Evidence {
	n, ok := num(r, "recoveryWindowInDays")
	// Unset is the provider default, 30 days; 0 deletes at once.
	return []Evidence{ev(r, "recoveryWindowInDays", r.In("recoveryWindowInDays"), !ok || n >= 7)}
}

func topicEncrypted(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "kmsMasterKeyId", r.In("kmsMasterKeyId"), isCMK(r.Str("kmsMasterKeyId")))}
}

// --- S3 ---

func bucketEncryption(v *view, r *plan.Resource) []Evidence {
	for _, c := range v.referring(tBucketSSE, "bucket", r) {
		alg := c.Str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm")
		return []Evidence{ev(r, "server-side encryption "+c.URN, alg, alg == "AES256" || alg == "aws:kms" || alg == "aws:kms:dsse")}
	}
	return []Evidence{ev(r, "server-side encryption configuration", "none", false)}
}

func bucketVersioned(v *view, r *plan.Resource) []Evidence {
	for _, c := range v.referring(tBucketVersion, "bucket", r) {
		s := c.Str("versioningConfiguration.status")
		return []Evidence{ev(r, "versioning "+c.URN, s, s == "Enabled")}
	}
	return []Evidence{ev(r, "versioning", "none", false)}
}

// bucketPublicAccess is S3.8 with S3.12 (ACLs off) beside it.
func bucketPublicAccess(v *view, r *plan.Resource) []Evidence {
	var out []Evidence
	pabs := v.referring(tPublicAccess, "bucket", r)
	if len(pabs) == 0 {
		out = append(out, ev(r, "public access block", "none", false))
	}
	for _, p := range pabs {
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			out = append(out, ev(r, "public access block "+k, p.In(k), isTrue(p, k)))
		}
	}
	owns := v.referring(tBucketOwnership, "bucket", r)
	if len(owns) == 0 {
		out = append(out, ev(r, "object ownership", "none (ACLs enabled)", false))
	}
	for _, o := range owns {
		out = append(out, ev(r, "object ownership", o.In("rule.objectOwnership"), o.Str("rule.objectOwnership") == "BucketOwnerEnforced"))
	}
	return out
}

func bucketTLSOnly(v *view, r *plan.Resource) []Evidence {
	arn, _ := r.Outputs["arn"].(string)
	policies := v.referring(tBucketPolicy, "bucket", r)
	if len(policies) == 0 {
		return []Evidence{ev(r, "bucket policy", "none", false)}
	}
	for _, p := range policies {
		stmts, err := decodePolicy(p.Str("policy"))
		if err != nil {
			return []Evidence{ev(r, "bucket policy", err.Error(), false)}
		}
		for i, s := range stmts {
			if s.Effect != "Deny" || !s.PrincipalStar {
				continue
			}
			insecure := slices.Contains(s.Condition["Bool"]["aws:SecureTransport"], "false")
			all := slices.ContainsFunc(s.Action, func(a string) bool { return a == "s3:*" || a == "*" })
			covers := arn == "" || (slices.Contains(s.Resource, arn) && slices.Contains(s.Resource, arn+"/*"))
			if insecure && all && covers {
				return []Evidence{ev(r, "bucket policy "+s.label(i), "Deny s3:* when aws:SecureTransport is false", true)}
			}
		}
	}
	return []Evidence{ev(r, "bucket policy", "no Deny of requests without aws:SecureTransport", false)}
}

// --- network ---

func defaultSGEmpty(v *view, r *plan.Resource) []Evidence {
	sgs := v.referring(tDefaultSG, "vpcId", r)
	if len(sgs) == 0 {
		return []Evidence{ev(r, "default security group", "not managed: AWS's default rules apply", false)}
	}
	var out []Evidence
	for _, sg := range sgs {
		out = append(out,
			ev(sg, "ingress", sg.In("ingress"), len(list(sg, "ingress")) == 0),
			ev(sg, "egress", sg.In("egress"), len(list(sg, "egress")) == 0))
	}
	return out
}

func flowLogs(v *view, r *plan.Resource) []Evidence {
	logs := v.referring(tFlowLog, "vpcId", r)
	if len(logs) == 0 {
		return []Evidence{ev(r, "flow log", "none", false)}
	}
	var out []Evidence
	for _, l := range logs {
		out = append(out, ev(r, "flow log "+l.URN+" trafficType", l.In("trafficType"), l.Str("trafficType") == "ALL"))
	}
	return out
}

func noPublicIPs(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "mapPublicIpOnLaunch", r.In("mapPublicIpOnLaunch"), !isTrue(r, "mapPublicIpOnLaunch")),
		ev(r, "assignIpv6AddressOnCreation", r.In("assignIpv6AddressOnCreation"), !isTrue(r, "assignIpv6AddressOnCreation")),
	}
}

// everywhere reports whether a CIDR is the whole address space.
func everywhere(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Bits() == 0
}

// ports describes a rule's protocol and port range.
func ports(r *plan.Resource) (proto string, from, to float64) {
	from, _ = num(r, "fromPort")
	to, _ = num(r, "toPort")
	return r.Str("ipProtocol"), from, to
}

func worldOpenOnlyWeb(_ *view, r *plan.Resource) []Evidence {
	source := r.Str("cidrIpv4") + r.Str("cidrIpv6")
	proto, from, to := ports(r)
	value := fmt.Sprintf("%s %g-%g from %s", proto, from, to, show(source))
	if !everywhere(r.Str("cidrIpv4")) && !everywhere(r.Str("cidrIpv6")) {
		return []Evidence{ev(r, "source", value, true)}
	}
	web := proto == "tcp" && from == to && (from == 80 || from == 443)
	return []Evidence{ev(r, "source", value, web)}
}

// dataPorts may only be reached from security groups.
var dataPorts = []float64{5432, 6379, 8080, 2049}

func dataPortsFromGroups(_ *view, r *plan.Resource) []Evidence {
	proto, from, to := ports(r)
	covers := proto == "-1"
	for _, p := range dataPorts {
		covers = covers || (from <= p && p <= to)
	}
	if !covers {
		return []Evidence{ev(r, "port range", fmt.Sprintf("%s %g-%g (no data or app port)", proto, from, to), true)}
	}
	group := r.Str("referencedSecurityGroupId")
	cidr := r.Str("cidrIpv4") + r.Str("cidrIpv6") + r.Str("prefixListId")
	return []Evidence{ev(r, "source", fmt.Sprintf("%s %g-%g from group %s, CIDR %s", proto, from, to, show(group), show(cidr)),
		group != "" && cidr == "")}
}

func noInlineRules(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "ingress (inline)", r.In("ingress"), len(list(r, "ingress")) == 0),
		ev(r, "egress (inline)", r.In("egress"), len(list(r, "egress")) == 0),
	}
}

func legacyRule(_ *view, r *plan.Resource) []Evidence {
	if r.Str("type") != "ingress" {
		return []Evidence{ev(r, "type", r.In("type"), true)}
	}
	proto, from, to := ports(r)
	open := false
	for _, c := range append(list(r, "cidrBlocks"), list(r, "ipv6CidrBlocks")...) {
		open = open || everywhere(show(c))
	}
	web := proto == "tcp" && from == to && (from == 80 || from == 443)
	return []Evidence{ev(r, "ingress", fmt.Sprintf("%s %g-%g from %s", proto, from, to, show(r.In("cidrBlocks"))), !open || web)}
}

// --- load balancers ---

func httpRedirects(_ *view, r *plan.Resource) []Evidence {
	if r.Str("protocol") != "HTTP" {
		return []Evidence{ev(r, "protocol", r.In("protocol"), true)}
	}
	actions := list(r, "defaultActions")
	pass := len(actions) > 0
	for _, a := range actions {
		m, _ := a.(map[string]any)
		redirect, _ := m["redirect"].(map[string]any)
		pass = pass && m["type"] == "redirect" && redirect["protocol"] == "HTTPS"
	}
	return []Evidence{ev(r, "protocol HTTP defaultActions", r.In("defaultActions"), pass)}
}

// recommendedPolicies are ELB.17's sslPolicies parameter (not customizable): the TLS 1.3 policies Security
// Hub accepts (https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17).
var recommendedPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
}

func tls13(v *view, r *plan.Resource) []Evidence {
	switch r.Str("protocol") {
	case "HTTPS", "TLS":
		return []Evidence{ev(r, "sslPolicy", r.In("sslPolicy"), slices.Contains(recommendedPolicies, r.Str("sslPolicy")))}
	}
	// An HTTP listener passes here (ELB.1 judges it), but only beside an HTTPS one on the same ALB.
	lb := r.Str("loadBalancerArn")
	for _, l := range v.rec.ByType(tListener) {
		if l.Str("loadBalancerArn") == lb && (l.Str("protocol") == "HTTPS" || l.Str("protocol") == "TLS") {
			return []Evidence{ev(r, "protocol", r.In("protocol"), true)}
		}
	}
	return []Evidence{ev(r, "protocol", fmt.Sprintf("%s, and the load balancer has no HTTPS listener", r.Str("protocol")), false)}
}

func desync(_ *view, r *plan.Resource) []Evidence {
	m := r.Str("desyncMitigationMode")
	return []Evidence{ev(r, "desyncMitigationMode", r.In("desyncMitigationMode"), m == "" || m == "defensive" || m == "strictest")}
}

func accessLogs(v *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "accessLogs.enabled", r.In("accessLogs.enabled"), isTrue(r, "accessLogs.enabled")),
		ev(r, "accessLogs.bucket", r.In("accessLogs.bucket"), r.Str("accessLogs.bucket") != ""),
	}
}

func multiAzLb(_ *view, r *plan.Resource) []Evidence {
	n := len(list(r, "subnets")) + len(list(r, "subnetMappings"))
	return []Evidence{ev(r, "subnets", fmt.Sprintf("%d", n), n >= 2)}
}

// --- monitoring ---

func alarmActions(_ *view, r *plan.Resource) []Evidence {
	actions := list(r, "alarmActions")
	enabled := r.In("actionsEnabled") == nil || isTrue(r, "actionsEnabled")
	return []Evidence{
		ev(r, "alarmActions", r.In("alarmActions"), len(actions) > 0),
		ev(r, "actionsEnabled", r.In("actionsEnabled"), enabled),
	}
}

// coverage are the metrics some alarm of the plan must watch, by namespace, for the tiers the plan has.
var coverage = []struct{ tier, namespace, metric string }{
	{tService, "AWS/ECS", "CPUUtilization"},
	{tService, "AWS/ECS", "MemoryUtilization"},
	{tService, "ECS/ContainerInsights", "RunningTaskCount"},
	{tLoadBalancer, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"},
	{tLoadBalancer, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"},
	{tLoadBalancer, "AWS/ApplicationELB", "UnHealthyHostCount"},
	{tLoadBalancer, "AWS/ApplicationELB", "TargetResponseTime"},
	{tDbInstance, "AWS/RDS", "CPUUtilization"},
	{tDbInstance, "AWS/RDS", "FreeStorageSpace"},
	{tDbInstance, "AWS/RDS", "FreeableMemory"},
	{tDbInstance, "AWS/RDS", "DatabaseConnections"},
	{tCache, "AWS/ElastiCache", "EngineCPUUtilization"},
	{tCache, "AWS/ElastiCache", "DatabaseMemoryUsagePercentage"},
	{tCache, "AWS/ElastiCache", "Evictions"},
}

// alarmMetrics are the namespace/metric pairs an alarm watches, its metric queries' included.
func alarmMetrics(r *plan.Resource) []string {
	var out []string
	if m := r.Str("metricName"); m != "" {
		out = append(out, r.Str("namespace")+"/"+m)
	}
	for _, q := range list(r, "metricQueries") {
		qm, _ := q.(map[string]any)
		if m, ok := qm["metric"].(map[string]any); ok {
			out = append(out, show(m["namespace"])+"/"+show(m["metricName"]))
		}
	}
	return out
}

// alarmCoverage runs once per plan (on its first alarm): every tier present has its alarms.
func alarmCoverage(v *view, r *plan.Resource) []Evidence {
	alarms := v.rec.ByType(tAlarm)
	if r != alarms[0] {
		return nil
	}
	var out []Evidence
	for _, c := range coverage {
		if len(v.rec.ByType(c.tier)) == 0 {
			continue
		}
		want := c.namespace + "/" + c.metric
		var by []string
		for _, a := range alarms {
			if slices.Contains(alarmMetrics(a), want) {
				by = append(by, a.Name)
			}
		}
		out = append(out, Evidence{URN: "(alarms)", Property: want, Value: show(by), Pass: len(by) > 0})
	}
	return out
}

func retentionSet(_ *view, r *plan.Resource) []Evidence {
	n, ok := num(r, "retentionInDays")
	return []Evidence{ev(r, "retentionInDays", r.In("retentionInDays"), ok && n > 0)}
}

func retention365(_ *view, r *plan.Resource) []Evidence {
	n, ok := num(r, "retentionInDays")
	// Unset or 0 keeps logs forever, which satisfies the control.
	return []Evidence{ev(r, "retentionInDays", r.In("retentionInDays"), !ok || n == 0 || n >= 365)}
}

func trailMultiRegion(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "isMultiRegionTrail", r.In("isMultiRegionTrail"), isTrue(r, "isMultiRegionTrail")),
		ev(r, "includeGlobalServiceEvents", r.In("includeGlobalServiceEvents"), r.In("includeGlobalServiceEvents") != false),
		trailManagementEvents(r),
	}
}

// trailManagementEvents is the rest of CloudTrail.1: the trail records read and write management events. A
// trail without event selectors does; a selector must not narrow them to read-only or write-only, nor
// exclude them.
func trailManagementEvents(r *plan.Resource) Evidence {
	basic, advanced := list(r, "eventSelectors"), list(r, "advancedEventSelectors")
	if len(basic) == 0 && len(advanced) == 0 {
		return ev(r, "management events", "all, read and write (no event selectors)", true)
	}
	for _, s := range basic {
		m, _ := s.(map[string]any)
		rw := show(m["readWriteType"])
		excluded := len(list(&plan.Resource{Inputs: m}, "excludeManagementEventSources")) > 0
		if m["includeManagementEvents"] != false && (rw == "(unset)" || rw == "All") && !excluded {
			return ev(r, "eventSelectors", s, true)
		}
	}
	for _, s := range advanced {
		m, _ := s.(map[string]any)
		management, narrowed := false, false
		for _, f := range list(&plan.Resource{Inputs: m}, "fieldSelectors") {
			fm, _ := f.(map[string]any)
			switch fm["field"] {
			case "eventCategory":
				management = management || slices.Contains(list(&plan.Resource{Inputs: fm}, "equals"), any("Management"))
			case "readOnly", "eventSource":
				narrowed = true
			}
		}
		if management && !narrowed {
			return ev(r, "advancedEventSelectors", s, true)
		}
	}
	return ev(r, "event selectors", "no selector records all read and write management events", false)
}

func detectorEnabled(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "enable", r.In("enable"), r.In("enable") != false)}
}

func guardDutyRuntime(v *view, r *plan.Resource) []Evidence {
	for _, f := range v.referring("aws:guardduty/detectorFeature:DetectorFeature", "detectorId", r) {
		if f.Str("name") != "RUNTIME_MONITORING" {
			continue
		}
		fargate := false
		for _, c := range list(f, "additionalConfigurations") {
			m, _ := c.(map[string]any)
			fargate = fargate || (m["name"] == "ECS_FARGATE_AGENT_MANAGEMENT" && m["status"] == "ENABLED")
		}
		return []Evidence{ev(r, "RUNTIME_MONITORING "+f.URN, fmt.Sprintf("%s, ECS_FARGATE_AGENT_MANAGEMENT %v", f.Str("status"), fargate),
			f.Str("status") == "ENABLED" && fargate)}
	}
	return []Evidence{ev(r, "RUNTIME_MONITORING", "none", false)}
}

// --- change management ---

func protected(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "protect", r.Protect, r.Protect)}
}

// --- checks added for the FSBP controls a plan can decide (see fsbp.go) ---

// notFalse passes when a boolean input is true or unset: the provider's default is true.
func notFalse(path string) each {
	return func(_ *view, r *plan.Resource) []Evidence {
		return []Evidence{ev(r, path, r.In(path), r.In(path) != false)}
	}
}

// bucketLifecycle is S3.13: a bucket has a lifecycle configuration with at least one enabled rule (AWS
// Config s3-lifecycle-policy-check: "NON_COMPLIANT if there is no active lifecycle configuration rule").
func bucketLifecycle(v *view, r *plan.Resource) []Evidence {
	var out []Evidence
	for _, typ := range []string{tBucketLifecycle, tBucketLifecycleV1} {
		for _, c := range v.referring(typ, "bucket", r) {
			out = append(out, ev(r, "lifecycle configuration "+c.URN, enabledRules(list(c, "rules")), hasEnabledRule(list(c, "rules"))))
		}
	}
	// The deprecated inline rules of a bucket resource count as well.
	if rules := list(r, "lifecycleRules"); len(rules) > 0 {
		out = append(out, ev(r, "lifecycleRules", enabledRules(rules), hasEnabledRule(rules)))
	}
	if len(out) == 0 {
		return []Evidence{ev(r, "lifecycle configuration", "none", false)}
	}
	return out
}

// enabledRules names a lifecycle configuration's rules with their status.
func enabledRules(rules []any) []string {
	out := []string{}
	for _, rule := range rules {
		m, _ := rule.(map[string]any)
		status := show(m["status"])
		if e, ok := m["enabled"].(bool); ok { // the inline lifecycleRules form
			status = map[bool]string{true: "Enabled", false: "Disabled"}[e]
		}
		out = append(out, show(m["id"])+" "+status)
	}
	return out
}

func hasEnabledRule(rules []any) bool {
	for _, rule := range rules {
		m, _ := rule.(map[string]any)
		if m["status"] == "Enabled" || m["enabled"] == true {
			return true
		}
	}
	return false
}

// deniedCrossAccount are the actions S3.6 refuses to other accounts (its blacklistedActionPatterns).
var deniedCrossAccount = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

// actionMatches reports whether a policy action (a pattern such as "s3:Put*") matches an action name.
func actionMatches(pattern, action string) bool {
	ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return ok
}

// otherAccounts returns the principals of a statement outside this plan's account ("*" included).
func otherAccounts(s statement) []string {
	var out []string
	if s.PrincipalStar {
		return []string{"*"}
	}
	if s.Principal == nil {
		return nil
	}
	for _, p := range s.Principal.AWS {
		if !strings.Contains(p, plan.Account) {
			out = append(out, p)
		}
	}
	return out
}

// bucketCrossAccount is S3.6: no bucket policy lets another account change the bucket's policy, ACLs or
// encryption.
func bucketCrossAccount(v *view, r *plan.Resource) []Evidence {
	policies := v.referring(tBucketPolicy, "bucket", r)
	if len(policies) == 0 {
		return []Evidence{ev(r, "bucket policy", "none: no other account is granted anything", true)}
	}
	var out []Evidence
	for _, p := range policies {
		stmts, err := decodePolicy(p.Str("policy"))
		if err != nil {
			return []Evidence{ev(r, "bucket policy", err.Error(), false)}
		}
		for i, s := range stmts {
			others := otherAccounts(s)
			if s.Effect != "Allow" || len(others) == 0 {
				continue
			}
			var denied []string
			for _, a := range s.Action {
				for _, d := range deniedCrossAccount {
					if actionMatches(a, d) {
						denied = append(denied, d)
					}
				}
			}
			out = append(out, ev(r, "bucket policy "+s.label(i), fmt.Sprintf("%v to %v", s.Action, others), len(denied) == 0))
		}
	}
	if len(out) == 0 {
		out = append(out, ev(r, "bucket policy", "grants nothing to another account", true))
	}
	return out
}

// restrictingKeys are the condition keys that confine a Principal "*" statement to known callers.
var restrictingKeys = []string{"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid",
	"aws:principalaccount", "aws:sourcevpce", "aws:sourcevpc", "aws:principalarn"}

// topicNotPublic is SNS.4: no topic policy statement allows Principal "*" without a condition that names the
// caller's account, organisation or source.
func topicNotPublic(v *view, r *plan.Resource) []Evidence {
	docs := map[string]string{}
	if r.Str("policy") != "" {
		docs["policy"] = r.Str("policy")
	}
	for _, p := range v.referring(tTopicPolicy, "arn", r) {
		docs["topic policy "+p.URN] = p.Str("policy")
	}
	if len(docs) == 0 {
		return []Evidence{ev(r, "topic policy", "(default: the owner account only)", true)}
	}
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []Evidence
	for _, k := range keys {
		stmts, err := decodePolicy(docs[k])
		if err != nil {
			out = append(out, ev(r, k, err.Error(), false))
			continue
		}
		for i, s := range stmts {
			if s.Effect != "Allow" {
				continue
			}
			if !s.PrincipalStar {
				out = append(out, ev(r, k+" "+s.label(i)+".Principal", s.Principal, true))
				continue
			}
			restricted := false
			for _, conds := range s.Condition {
				for key := range conds {
					restricted = restricted || slices.Contains(restrictingKeys, strings.ToLower(key))
				}
			}
			out = append(out, ev(r, k+" "+s.label(i), fmt.Sprintf("Principal * with %v", s.Condition), restricted))
		}
	}
	return out
}

// acmKeyLength is ACM.2: an RSA certificate's key has at least 2,048 bits (keyAlgorithm defaults to RSA_2048).
func acmKeyLength(_ *view, r *plan.Resource) []Evidence {
	alg := r.Str("keyAlgorithm")
	value := any(alg)
	if alg == "" {
		value = "(unset: RSA_2048)"
	}
	return []Evidence{ev(r, "keyAlgorithm", value, alg != "RSA_1024")}
}

// listenerEncrypted is ELB.18: a listener terminates TLS (HTTPS on an ALB, TLS on an NLB).
func listenerEncrypted(_ *view, r *plan.Resource) []Evidence {
	p := r.Str("protocol")
	return []Evidence{ev(r, "protocol", r.In("protocol"), p == "HTTPS" || p == "TLS")}
}

// cacheSubnetGroup is ElastiCache.7: the cache runs in a subnet group of its own, not "default".
func cacheSubnetGroup(_ *view, r *plan.Resource) []Evidence {
	g := r.Str("subnetGroupName")
	return []Evidence{ev(r, "subnetGroupName", r.In("subnetGroupName"), g != "" && g != "default")}
}

// defaultAdminNames are the master usernames RDS.25 refuses (AWS Config rds-instance-default-admin-check).
var defaultAdminNames = []string{"admin", "postgres"}

func rdsAdminName(_ *view, r *plan.Resource) []Evidence {
	u := r.Str("username")
	return []Evidence{ev(r, "username", r.In("username"), u != "" && !slices.Contains(defaultAdminNames, strings.ToLower(u)))}
}

// everywhereRoute reports whether a route sends all IPv4 or IPv6 traffic to an internet gateway.
func everywhereRoute(dest4, dest6, gateway string) bool {
	return strings.HasPrefix(gateway, "igw-") && (dest4 == "0.0.0.0/0" || dest6 == "::/0")
}

// igwRoutes returns the routes of a route table (by id) that reach the internet through an internet gateway.
func (v *view) igwRoutes(table string) []string {
	var out []string
	for _, rt := range v.rec.ByType(tRoute) {
		if rt.Str("routeTableId") == table && everywhereRoute(rt.Str("destinationCidrBlock"), rt.Str("destinationIpv6CidrBlock"), rt.Str("gatewayId")) {
			out = append(out, rt.Str("destinationCidrBlock")+rt.Str("destinationIpv6CidrBlock")+" -> "+rt.Str("gatewayId"))
		}
	}
	for _, t := range v.rec.ByType(tRouteTable) {
		if t.ID != table {
			continue
		}
		for _, inline := range list(t, "routes") {
			m, _ := inline.(map[string]any)
			if everywhereRoute(show(m["cidrBlock"]), show(m["ipv6CidrBlock"]), show(m["gatewayId"])) {
				out = append(out, show(m["cidrBlock"])+" -> "+show(m["gatewayId"]))
			}
		}
	}
	return out
}

// rdsPrivateSubnets is RDS.46: no subnet of the instance's subnet group routes 0.0.0.0/0 or ::/0 to an
// internet gateway.
func rdsPrivateSubnets(v *view, r *plan.Resource) []Evidence {
	group := r.Str("dbSubnetGroupName")
	var groups []*plan.Resource
	for _, g := range v.rec.ByType(tDbSubnetGroup) {
		if group != "" && slices.Contains(names(g), group) {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return []Evidence{ev(r, "dbSubnetGroupName", r.In("dbSubnetGroupName"), false)}
	}
	var out []Evidence
	for _, subnet := range list(groups[0], "subnetIds") {
		out = append(out, v.privateSubnet(r, show(subnet))...)
	}
	return out
}

// privateSubnet is the evidence, about r, that subnet id routes 0.0.0.0/0 and ::/0 to no internet gateway.
func (v *view) privateSubnet(r *plan.Resource, id string) []Evidence {
	var tables []string
	for _, a := range v.rec.ByType(tRouteTableAssociation) {
		if a.Str("subnetId") == id {
			tables = append(tables, a.Str("routeTableId"))
		}
	}
	if len(tables) == 0 {
		// Without an association the subnet uses the VPC's main route table, which the program leaves as
		// AWS creates it: the local route only.
		return []Evidence{ev(r, "subnet "+id, "main route table (local route only)", true)}
	}
	var out []Evidence
	for _, t := range tables {
		routes := v.igwRoutes(t)
		value := any("route table " + t + ": no route to an internet gateway")
		if len(routes) > 0 {
			value = "route table " + t + ": " + strings.Join(routes, ", ")
		}
		out = append(out, ev(r, "subnet "+id, value, len(routes) == 0))
	}
	return out
}

// interfaceEndpoints are EC2.55, EC2.56 and EC2.57: the VPC interface endpoints of the APIs the tasks call.
var interfaceEndpoints = []struct{ control, service string }{
	{"EC2.55", "ecr.api"}, {"EC2.56", "ecr.dkr"}, {"EC2.57", "ssm"},
}

func vpcEndpoints(v *view, r *plan.Resource) []Evidence {
	eps := v.referring(tVpcEndpoint, "vpcId", r)
	var out []Evidence
	for _, want := range interfaceEndpoints {
		var found []string
		for _, e := range eps {
			if strings.HasSuffix(e.Str("serviceName"), "."+want.service) && e.Str("vpcEndpointType") == "Interface" {
				found = append(found, e.Name)
			}
		}
		out = append(out, ev(r, want.control+" interface endpoint "+want.service, found, len(found) > 0))
	}
	return out
}

// guardDutyPlans are the GuardDuty protection plans of GuardDuty.5, .6, .8, .9 and .10, as detector features.
// Each watches only what the account runs and is billed by what it analyses: with none of it, it costs nothing.
var guardDutyPlans = []struct{ control, feature string }{
	{"GuardDuty.5", "EKS_AUDIT_LOGS"}, {"GuardDuty.6", "LAMBDA_NETWORK_LOGS"}, {"GuardDuty.8", "EBS_MALWARE_PROTECTION"},
	{"GuardDuty.9", "RDS_LOGIN_EVENTS"}, {"GuardDuty.10", "S3_DATA_EVENTS"},
}

func guardDutyFeatures(v *view, r *plan.Resource) []Evidence {
	status := map[string]string{}
	for _, f := range v.referring(tDetectorFeature, "detectorId", r) {
		status[f.Str("name")] = f.Str("status")
	}
	out := make([]Evidence, 0, len(guardDutyPlans))
	for _, p := range guardDutyPlans {
		out = append(out, ev(r, p.control+" "+p.feature, status[p.feature], status[p.feature] == "ENABLED"))
	}
	return out
}
