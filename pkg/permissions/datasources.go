package permissions

// DataSources are the AWS calls of each data source (invoke) the program or the bootstrap may call; nil
// means none that needs a permission. Every deploy and preview reads them, so both policies hold them, and
// a test holds this table to every invoke the plan's mock answers (an unknown one fails the plan).
var DataSources = map[string][]Call{
	// sts:GetCallerIdentity needs no permission ("No permissions are required to perform this operation",
	// STS API Reference, GetCallerIdentity).
	"aws:index/getCallerIdentity:getCallerIdentity": nil,
	// Region and partition are the provider's own configuration; the ELB log-delivery accounts are a table
	// inside the provider (elb/service_account_data_source.go); Cloudflare's ranges are not AWS.
	"aws:index/getRegion:getRegion":               nil,
	"aws:index/getPartition:getPartition":         nil,
	"aws:elb/getServiceAccount:getServiceAccount": nil,
	"cloudflare:index/getIpRanges:getIpRanges":    nil,
	"aws:index/getAvailabilityZones:getAvailabilityZones": {
		call(Read, Unscoped, "ec2:DescribeAvailabilityZones").at(star),
	},
	// guardduty/detector_data_source.go: ListDetectors when no id is given, then GetDetector.
	"aws:guardduty/getDetector:getDetector": {
		call(Read, Unscoped, "guardduty:ListDetectors").at(star),
		call(Read, Detectors, "guardduty:GetDetector").at(func(p Planned) []string {
			return []string{p.Scope.ARN("guardduty", "detector/0123456789abcdef0123456789abcdef")}
		}).untagged(),
	},
}

// DataSourceType is the pseudo resource type whose row holds every data source's calls: Deploy and
// Preview include it, and tests evaluate it like a resource.
const DataSourceType = "fargate-platform:delivery:DataSources"

func init() {
	var calls []Call
	for _, token := range sortedCalls() {
		calls = append(calls, DataSources[token]...)
	}
	Table = append(Table, Row{Type: DataSourceType, Source: "the providers' data sources (DataSources)", Calls: calls})
}

func sortedCalls() []string {
	set := map[string]bool{}
	for k := range DataSources {
		set[k] = true
	}
	return sortedSet(set)
}
