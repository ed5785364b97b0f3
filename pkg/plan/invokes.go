package plan

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// CloudflareIPv4 and CloudflareIPv6 are Cloudflare's published ranges (cloudflare.com/ips), which the
// mock returns for cloudflare.getIpRanges; tests assert the ALB admits exactly these.
var (
	CloudflareIPv4 = []string{"173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",
		"141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22",
		"198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22"}
	CloudflareIPv6 = []string{"2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32",
		"2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32"}
)

// elbAccounts are the Elastic Load Balancing accounts that deliver access logs in regions opened before
// August 2022 (AWS: "Enable access logs for your Application Load Balancer").
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
	"us-west-2": "797873946194", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
	"ap-northeast-1": "582318560864", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
	"eu-central-1": "054676820928", "ca-central-1": "985666609251",
}

// invokes are the data sources the program may call, answered as the providers would.
var invokes = map[string]func(r *Recorder, args resource.PropertyMap) map[string]any{
	"aws:index/getCallerIdentity:getCallerIdentity": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		return map[string]any{"accountId": Account, "id": Account, "userId": "AIDA0000000000EXAMPLE",
			"arn": fmt.Sprintf("arn:aws:iam::%s:user/plan", Account)}
	},
	"aws:index/getRegion:getRegion": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		return map[string]any{"name": r.Region, "id": r.Region, "description": r.Region,
			"endpoint": "ec2." + r.Region + ".amazonaws.com"}
	},
	"aws:index/getPartition:getPartition": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		return map[string]any{"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com",
			"reverseDnsPrefix": "com.amazonaws"}
	},
	"aws:index/getAvailabilityZones:getAvailabilityZones": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		return map[string]any{"id": r.Region, "names": []any{r.Region + "a", r.Region + "b", r.Region + "c"},
			"zoneIds": []any{"apse2-az1", "apse2-az2", "apse2-az3"}}
	},
	"aws:elb/getServiceAccount:getServiceAccount": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		acct := elbAccounts[r.Region]
		return map[string]any{"id": acct, "arn": fmt.Sprintf("arn:aws:iam::%s:root", acct), "region": r.Region}
	},
	// The account's detector in the Region, as an organisation that runs GuardDuty leaves it.
	"aws:guardduty/getDetector:getDetector": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		id := hexID("guardduty-detector"+r.Region, 32)
		return map[string]any{"id": id, "arn": fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", r.Region, Account, id),
			"status": "ENABLED", "findingPublishingFrequency": "SIX_HOURS",
			"serviceRoleArn": fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", Account),
			"features": []any{map[string]any{"name": "RUNTIME_MONITORING", "status": "ENABLED", "additionalConfigurations": []any{
				map[string]any{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}}}}}
	},
	"cloudflare:index/getIpRanges:getIpRanges": func(r *Recorder, _ resource.PropertyMap) map[string]any {
		all := append(append([]string{}, CloudflareIPv4...), CloudflareIPv6...)
		return map[string]any{"id": "cloudflare-ips", "ipv4CidrBlocks": anyList(CloudflareIPv4),
			"ipv6CidrBlocks": anyList(CloudflareIPv6), "cidrBlocks": anyList(all),
			"chinaIpv4CidrBlocks": []any{}, "chinaIpv6CidrBlocks": []any{}}
	},
}

func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// InvokeTokens are the data sources the mock answers, sorted: every one the program can call, since an
// unknown one fails the plan. pkg/permissions holds a row for each.
func InvokeTokens() []string {
	out := make([]string, 0, len(invokes))
	for k := range invokes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
