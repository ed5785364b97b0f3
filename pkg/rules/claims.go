package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Claim is something only one stack may own: an account- or Region-wide singleton, a zone-wide setting, a
// DNS name, or a physical name in its namespace. Two stacks deployed into one account and one zone must
// not make the same claim: the second create fails, or worse, both stacks manage one thing and the first
// destroy takes it from the other.
type Claim struct {
	Key  string
	URN  string
	Rule Rule
	// coexist, when set on both of two claims of one key, lets them share it as long as it differs (two
	// A records of one name with different addresses; an A and a TXT record).
	coexist string
}

type claimKey struct{ key, coexist string }

// Claims returns what the plan claims.
func Claims(rec *plan.Recorder, s Stack) []Claim {
	in := newInput(rec, s)
	var out []Claim
	for _, rule := range Table() {
		for _, r := range in.byType[rule.Type] {
			if rule.claim != nil {
				for _, k := range rule.claim(r, in) {
					out = append(out, Claim{Key: k.key, URN: r.URN, Rule: rule, coexist: k.coexist})
				}
			}
			if rule.named != nil {
				if name, ok := rule.named.explicitName(r); ok {
					key := namespace(rule.named.scope, in, r) + "/" + rule.Type + "/" + name
					claim := physicalNameClaim
					claim.Source = rule.Source // the type's own Create API
					out = append(out, Claim{Key: key, URN: r.URN, Rule: claim})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Conflicts returns a violation for every claim of a that a claim of b also makes: a and b are the claims
// of two stacks meant to share one account and one zone.
func Conflicts(a, b []Claim) []Violation { return conflicts(a, b, false) }

// conflicts compares a with b, or a with itself (each pair once) when same.
func conflicts(a, b []Claim, same bool) []Violation {
	var out []Violation
	for i, x := range a {
		for j, y := range b {
			if (same && j <= i) || x.Key != y.Key {
				continue
			}
			if x.coexist != "" && y.coexist != "" && x.coexist != y.coexist {
				continue
			}
			out = append(out, Violation{Rule: x.Rule, URN: x.URN, Value: x.Key, Detail: "also claimed by " + y.URN})
		}
	}
	return out
}

func claimRules() []Rule {
	return []Rule{
		{
			ID: "claim.guardduty-detector", Type: "aws:guardduty/detector:Detector", Property: "(the detector)",
			Limit:  "one detector per account per Region",
			Source: "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html",
			Fix:    "let one stack create the detector and set guardDutyDetector: adopt in the others (or enableGuardDuty: false)",
			claim: func(_ *plan.Resource, in *input) []claimKey {
				return []claimKey{{key: "aws:" + in.Account + ":" + in.Region + "/guardduty-detector"}}
			},
		},
		{
			ID: "claim.guardduty-feature", Type: "aws:guardduty/detectorFeature:DetectorFeature", Property: "name",
			Limit:  "one setting per feature of the account's one detector",
			Source: "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html (Features)",
			Fix:    "configure the detector's features in the stack that owns the detector; set guardDutyDetector: adopt elsewhere",
			claim: func(r *plan.Resource, in *input) []claimKey {
				return []claimKey{{key: "aws:" + in.Account + ":" + in.Region + "/guardduty-detector/feature/" + r.Str("name")}}
			},
		},
		{
			ID: "claim.cloudflare-zone-settings", Type: "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride",
			Property: "settings.*",
			Limit:    "a zone setting applies to the whole zone: one stack may own it",
			Source:   "https://www.pulumi.com/registry/packages/cloudflare/api-docs/zonesettingsoverride/ (the resource overrides the zone's own settings, /zones/{zone_id}/settings)",
			Fix:      "let one stack own the zone's settings and set manageZoneSettings: false in the others",
			claim: func(r *plan.Resource, _ *input) []claimKey {
				settings, _ := r.In("settings").(map[string]any)
				var out []claimKey
				for k, v := range settings {
					if v != nil {
						out = append(out, claimKey{key: "cloudflare:zone:" + r.Str("zoneId") + "/setting/" + k})
					}
				}
				return out
			},
		},
		{
			ID: "claim.cloudflare-origin-pulls", Type: "cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls",
			Property: "zoneId, hostname",
			Limit:    "zone-level Authenticated Origin Pulls is one switch for every origin of the zone (per-hostname pulls are one per hostname)",
			Source:   "https://developers.cloudflare.com/ssl/origin-configuration/authenticated-origin-pull/set-up/ (zone-level and per-hostname pulls)",
			Fix:      "turn authenticatedOriginPulls on in one stack of the zone only",
			claim: func(r *plan.Resource, _ *input) []claimKey {
				key := "cloudflare:zone:" + r.Str("zoneId") + "/authenticated-origin-pulls"
				if h := r.Str("hostname"); h != "" {
					key += "/" + strings.ToLower(h)
				}
				return []claimKey{{key: key}}
			},
		},
		dnsClaim("cloudflare:index/record:Record"),
		dnsClaim("cloudflare:index/dnsRecord:DnsRecord"),
	}
}

// dnsClaim is the rule that a DNS name is one stack's: a CNAME owns its name outright (RFC 1034 §3.6.2:
// no other record may share it), other records share a name with records of another type or content.
func dnsClaim(typ string) Rule {
	return Rule{
		ID: "claim.cloudflare-dns", Type: typ, Property: "zoneId, name, type",
		Limit:  "a CNAME is the only record of its name; an identical record cannot exist twice",
		Source: "https://developers.cloudflare.com/dns/manage-dns-records/reference/dns-record-types/; RFC 1034 §3.6.2",
		Fix:    "give each stack its own domain",
		claim: func(r *plan.Resource, in *input) []claimKey {
			name := recordName(r.Str("name"), in.Zone)
			if name == "" {
				return nil
			}
			k := claimKey{key: "cloudflare:zone:" + r.Str("zoneId") + "/dns/" + name}
			if t := r.Str("type"); t != "CNAME" {
				k.coexist = t + " " + r.Str("content") + r.Str("value")
			}
			return []claimKey{k}
		},
	}
}

// recordName is a record's full name: Cloudflare appends the zone to a name that does not end in it, and
// "@" is the apex.
func recordName(name, zone string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	switch {
	case name == "" || zone == "":
		return name
	case name == "@":
		return zone
	case name == zone || strings.HasSuffix(name, "."+zone):
		return name
	}
	return name + "." + zone
}

func edgeRules() []Rule {
	var out []Rule
	for _, typ := range []string{"cloudflare:index/record:Record", "cloudflare:index/dnsRecord:DnsRecord"} {
		out = append(out, Rule{
			ID: "edge.universal-ssl", Type: typ, Property: "name (proxied)",
			Limit: "Universal SSL covers the zone apex and one level of subdomain (example.com, app.example.com, " +
				"not dev.app.example.com, and a wildcard counts as a level); deeper proxied names get no edge certificate " +
				"without Advanced Certificate Manager",
			Source: "https://developers.cloudflare.com/ssl/edge-certificates/universal-ssl/limitations/#hostname-coverage",
			Fix: "serve the app one level below the zone (domain: app-dev.example.com rather than dev.app.example.com), " +
				"or buy Advanced Certificate Manager for the zone, cover the name (Total TLS or an advanced certificate) " +
				"and set advancedCertificateManager: true; set cloudflareZoneName when the zone is not the domain's last two labels",
			check: universalSSL,
		})
	}
	return out
}

func universalSSL(r *plan.Resource, in *input) []finding {
	if r.In("proxied") != true {
		return nil
	}
	raw := r.Str("name")
	if in.Zone == "" {
		return []finding{{value: raw, detail: "the zone's name is not known, so its edge certificate cannot be checked"}}
	}
	name := recordName(raw, in.Zone)
	if name == in.Zone || in.AdvancedCertificates {
		return nil
	}
	if depth := strings.Count(strings.TrimSuffix(name, "."+in.Zone), ".") + 1; depth > 1 {
		return []finding{{value: name, detail: fmt.Sprintf("%d levels below the zone %s", depth, in.Zone)}}
	}
	return nil
}
