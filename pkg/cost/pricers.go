package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The priced types.
const (
	tNat              = "aws:ec2/natGateway:NatGateway"
	tEip              = "aws:ec2/eip:Eip"
	tEndpoint         = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tLB               = "aws:lb/loadBalancer:LoadBalancer"
	tService          = "aws:ecs/service:Service"
	tTaskDef          = "aws:ecs/taskDefinition:TaskDefinition"
	tDB               = "aws:rds/instance:Instance"
	tReplicationGroup = "aws:elasticache/replicationGroup:ReplicationGroup"
	tCacheCluster     = "aws:elasticache/cluster:Cluster"
	tKey              = "aws:kms/key:Key"
	tSecret           = "aws:secretsmanager/secret:Secret"
	tParameter        = "aws:ssm/parameter:Parameter"
	tLogGroup         = "aws:cloudwatch/logGroup:LogGroup"
	tAlarm            = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tDashboard        = "aws:cloudwatch/dashboard:Dashboard"
	tTrail            = "aws:cloudtrail/trail:Trail"
	tDetector         = "aws:guardduty/detector:Detector"
	tDetectorFeature  = "aws:guardduty/detectorFeature:DetectorFeature"
	tRepository       = "aws:ecr/repository:Repository"
	tBucket           = "aws:s3/bucketV2:BucketV2"
	tFileSystem       = "aws:efs/fileSystem:FileSystem"
	tBackupPolicy     = "aws:efs/backupPolicy:BackupPolicy"

	tTarget          = "aws:appautoscaling/target:Target"
	tScheduledAction = "aws:appautoscaling/scheduledAction:ScheduledAction"
	tCapacity        = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	tFlowLog         = "aws:ec2/flowLog:FlowLog"
	tAsg             = "aws:autoscaling/group:Group"
	tLaunchTemplate  = "aws:ec2/launchTemplate:LaunchTemplate"
)

// rootVolumeGB is the root volume of an instance whose launch template sets no size: the Amazon Linux 2023
// AMI's snapshot, 8 GB.
const rootVolumeGB = 8

// pricers price each priced type from its inputs. Free types are in Free, not here.
var pricers = map[string]pricer{
	tNat:              (*estimator).nat,
	tEip:              (*estimator).eip,
	tAsg:              (*estimator).autoScalingGroup,
	tEndpoint:         (*estimator).endpoint,
	tLB:               (*estimator).loadBalancer,
	tService:          (*estimator).service,
	tTaskDef:          (*estimator).oneOffTask,
	tDB:               (*estimator).database,
	tReplicationGroup: (*estimator).replicationGroup,
	tCacheCluster:     (*estimator).cacheCluster,
	tKey:              (*estimator).key,
	tSecret:           (*estimator).secret,
	tParameter:        (*estimator).parameter,
	tLogGroup:         (*estimator).logGroup,
	tAlarm:            (*estimator).alarm,
	tDashboard:        (*estimator).dashboard,
	tTrail:            (*estimator).trail,
	tDetector:         (*estimator).detector,
	tDetectorFeature:  (*estimator).detectorFeature,
	tRepository:       (*estimator).repository,
	tBucket:           (*estimator).bucket,
	tFileSystem:       (*estimator).fileSystem,
}

// PricedTypes lists the types the report prices from their inputs, sorted.
func PricedTypes() []string {
	out := make([]string, 0, len(pricers))
	for t := range pricers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (e *estimator) hours() float64 { return e.a.HoursPerMonth }

// nat: every hour it exists, and its share of the stack's NAT traffic. Its address is the Eip's line.
func (e *estimator) nat(r *plan.Resource) ([]Line, error) {
	n := float64(len(e.rec.ByType(tNat)))
	return e.lines(r, spec{item: "NAT gateway-hours", key: "nat.hour", quantity: e.hours()},
		spec{item: fmt.Sprintf("GB processed (%g GB a month over %g NAT gateway(s))", e.a.NatGB, n), key: "nat.gb", quantity: e.a.NatGB / n})
}

// eip: a public IPv4 address is billed every hour, attached or not.
func (e *estimator) eip(r *plan.Resource) ([]Line, error) {
	return e.lines(r, spec{item: "public IPv4 address-hours", key: "ipv4.hour", quantity: e.hours()})
}

// autoScalingGroup: its desired instances every hour, at its launch template's instance type, each with
// a gp3 root volume (rootVolumeGB unless the template sets a size). A NAT instance has no per-GB
// processing charge; its address is the Eip's line.
func (e *estimator) autoScalingGroup(r *plan.Resource) ([]Line, error) {
	n, _ := r.In("desiredCapacity").(float64)
	for _, lt := range e.rec.ByType(tLaunchTemplate) {
		if lt.ID != r.Str("launchTemplate.id") {
			continue
		}
		gb := float64(rootVolumeGB)
		if v, ok := lt.In("blockDeviceMappings.0.ebs.volumeSize").(float64); ok && v > 0 {
			gb = v
		}
		typ := lt.Str("instanceType")
		return e.lines(r, spec{item: fmt.Sprintf("%s instance-hours (%g instance(s))", typ, n), key: "ec2." + typ + ".hour", quantity: n * e.hours()},
			spec{item: fmt.Sprintf("gp3 root volume, %g GB each", gb), key: "ebs.gp3.gb-month", quantity: n * gb})
	}
	return nil, fmt.Errorf("cost: %s: its launch template %q is not in the plan", r.URN, r.Str("launchTemplate.id"))
}

// endpoint: an interface endpoint bills each AZ (subnet) it is in every hour, and its data; a gateway
// endpoint (S3, DynamoDB) costs nothing.
func (e *estimator) endpoint(r *plan.Resource) ([]Line, error) {
	if !strings.EqualFold(r.Str("vpcEndpointType"), "Interface") {
		return nil, nil
	}
	azs := float64(count(r, "subnetIds"))
	return e.lines(r, spec{item: fmt.Sprintf("endpoint-AZ-hours (%g AZs)", azs), key: "endpoint.az-hour", quantity: azs * e.hours()},
		spec{item: "GB processed", key: "endpoint.gb", quantity: e.a.EndpointGB})
}

// loadBalancer: an ALB's hours and LCUs, and an internet-facing one's public address in each subnet.
func (e *estimator) loadBalancer(r *plan.Resource) ([]Line, error) {
	if t := r.Str("loadBalancerType"); t != "" && t != "application" {
		return nil, fmt.Errorf("a %s load balancer: the table prices application load balancers only", t)
	}
	specs := []spec{{item: "ALB-hours", key: "alb.hour", quantity: e.hours()},
		{item: fmt.Sprintf("LCU-hours (%g LCU on average)", e.a.LCU), key: "alb.lcu-hour", quantity: e.a.LCU * e.hours()}}
	if !boolIn(r, "internal") {
		ips := float64(count(r, "subnets") + count(r, "subnetMappings"))
		specs = append(specs, spec{item: fmt.Sprintf("public IPv4 address-hours (one per subnet, %g)", ips), key: "ipv4.hour", quantity: ips * e.hours()})
	}
	e.note("data transfer out to the internet (and from the ALB to Cloudflare) is not estimated")
	return e.lines(r, specs...)
}

// task is a task definition's size and architecture.
type task struct {
	family     string
	vcpu, gb   float64
	arch       string // "x86" or "arm64", the table's words
	definition *plan.Resource
}

func (e *estimator) task(td *plan.Resource) (task, error) {
	cpu, ok1 := num(td, "cpu")
	mem, ok2 := num(td, "memory")
	if !ok1 || !ok2 {
		return task{}, fmt.Errorf("task definition %s has no task-level cpu and memory (Fargate needs both)", td.URN)
	}
	arch := "x86"
	if strings.EqualFold(td.Str("runtimePlatform.cpuArchitecture"), "ARM64") {
		arch = "arm64"
	}
	return task{family: td.Str("family"), vcpu: cpu / 1024, gb: mem / 1024, arch: arch, definition: td}, nil
}

// taskOf is the task definition a service runs: the family in its taskDefinition ARN (family:revision).
func (e *estimator) taskOf(svc *plan.Resource) (task, error) {
	family := lastSegment(svc.Str("taskDefinition"))
	family, _, _ = strings.Cut(family, ":")
	for _, td := range e.rec.ByType(tTaskDef) {
		if td.Str("family") == family {
			return e.task(td)
		}
	}
	return task{}, fmt.Errorf("service %s runs task definition %q, which is not in the plan", svc.URN, family)
}

// strategyItem is one capacity provider of a strategy.
type strategyItem struct {
	provider     string
	base, weight float64
}

// strategy is where a service's tasks run: its own capacity provider strategy, else its launch type, else
// the cluster's default strategy (the ECS rule: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html).
func (e *estimator) strategy(svc *plan.Resource, cluster string) ([]strategyItem, error) {
	if items := strategyItems(svc.In("capacityProviderStrategies")); len(items) > 0 {
		return items, nil
	}
	if lt := svc.Str("launchType"); lt != "" {
		if lt != "FARGATE" {
			return nil, fmt.Errorf("launch type %s: the table prices Fargate only", lt)
		}
		return []strategyItem{{provider: "FARGATE", weight: 1}}, nil
	}
	for _, c := range e.rec.ByType(tCapacity) {
		if cluster == "" || c.Str("clusterName") == cluster {
			if items := strategyItems(c.In("defaultCapacityProviderStrategies")); len(items) > 0 {
				return items, nil
			}
		}
	}
	return nil, fmt.Errorf("no capacity provider strategy, launch type or cluster default strategy")
}

func strategyItems(v any) []strategyItem {
	list, _ := v.([]any)
	var out []strategyItem
	for _, it := range list {
		m, _ := it.(map[string]any)
		base, _ := m["base"].(float64)
		weight, _ := m["weight"].(float64)
		provider, _ := m["capacityProvider"].(string)
		out = append(out, strategyItem{provider, base, weight})
	}
	return out
}

// split divides n tasks between on-demand and Spot: the base first, the rest by weight.
func split(items []strategyItem, n float64) (onDemand, spot float64, err error) {
	rest := n
	var total float64
	for _, it := range items {
		if it.provider != "FARGATE" && it.provider != "FARGATE_SPOT" {
			return 0, 0, fmt.Errorf("capacity provider %s: the table prices FARGATE and FARGATE_SPOT only", it.provider)
		}
		b := minF(it.base, rest)
		rest -= b
		if it.provider == "FARGATE_SPOT" {
			spot += b
		} else {
			onDemand += b
		}
		total += it.weight
	}
	if rest > 0 {
		if total == 0 {
			return 0, 0, fmt.Errorf("a capacity provider strategy of zero weight")
		}
		for _, it := range items {
			share := rest * it.weight / total
			if it.provider == "FARGATE_SPOT" {
				spot += share
			} else {
				onDemand += share
			}
		}
	}
	return onDemand, spot, nil
}

// fargate prices task-hours a month of a task, on-demand and Spot.
func (e *estimator) fargate(r *plan.Resource, t task, onDemandHours, spotHours float64) ([]Line, error) {
	e.vcpuHours += (onDemandHours + spotHours) * t.vcpu
	spot := 1 - e.a.SpotDiscount
	label := map[string]string{"x86": "X86_64", "arm64": "ARM64"}[t.arch]
	return e.lines(r,
		spec{item: fmt.Sprintf("vCPU-hours, %s, on-demand (%g vCPU × %.1f task-hours)", label, t.vcpu, onDemandHours),
			key: "fargate." + t.arch + ".vcpu-hour", quantity: onDemandHours * t.vcpu},
		spec{item: fmt.Sprintf("GB-hours, %s, on-demand (%g GB × %.1f task-hours)", label, t.gb, onDemandHours),
			key: "fargate." + t.arch + ".gb-hour", quantity: onDemandHours * t.gb},
		spec{item: fmt.Sprintf("vCPU-hours, %s, Spot (%g vCPU × %.1f task-hours)", label, t.vcpu, spotHours),
			key: "fargate." + t.arch + ".vcpu-hour", quantity: spotHours * t.vcpu, scale: spot},
		spec{item: fmt.Sprintf("GB-hours, %s, Spot (%g GB × %.1f task-hours)", label, t.gb, spotHours),
			key: "fargate." + t.arch + ".gb-hour", quantity: spotHours * t.gb, scale: spot})
}

// service: its tasks' vCPU and memory for the hours they run, the count replayed from its scalable target
// and scheduled actions, split by its capacity provider strategy.
func (e *estimator) service(r *plan.Resource) ([]Line, error) {
	t, err := e.taskOf(r)
	if err != nil {
		return nil, err
	}
	cluster := lastSegment(r.Str("cluster"))
	name, _ := r.Outputs["name"].(string)
	desired, _ := num(r, "desiredCount")
	lo, hi := int(desired), int(desired)
	var actions []Action
	resourceID := "service/" + cluster + "/" + name
	for _, tg := range e.rec.ByType(tTarget) {
		if tg.Str("resourceId") != resourceID {
			continue
		}
		mn, _ := num(tg, "minCapacity")
		mx, _ := num(tg, "maxCapacity")
		lo, hi = int(mn), int(mx)
	}
	for _, sa := range e.rec.ByType(tScheduledAction) {
		if sa.Str("resourceId") != resourceID {
			continue
		}
		mn, okMin := num(sa, "scalableTargetAction.minCapacity")
		mx, okMax := num(sa, "scalableTargetAction.maxCapacity")
		if !okMin || !okMax {
			return nil, fmt.Errorf("scheduled action %s sets only one bound: the replay needs both", sa.URN)
		}
		actions = append(actions, Action{Schedule: sa.Str("schedule"), Min: int(mn), Max: int(mx)})
	}
	week, err := Replay(int(desired), lo, hi, actions)
	if err != nil {
		return nil, err
	}
	items, err := e.strategy(r, cluster)
	if err != nil {
		return nil, err
	}
	scale := e.hours() / (7 * 24)
	var onDemand, spot, taskHours float64
	counts := make([]int, 0, len(week))
	for n := range week {
		counts = append(counts, n)
	}
	sort.Ints(counts)
	var parts []string
	for _, n := range counts {
		od, sp, err := split(items, float64(n))
		if err != nil {
			return nil, err
		}
		onDemand += od * week[n] * scale
		spot += sp * week[n] * scale
		taskHours += float64(n) * week[n] * scale
		parts = append(parts, fmt.Sprintf("%d task(s) %.0f h", n, week[n]))
	}
	desc := fmt.Sprintf("%s: %s a week", r.Name, strings.Join(parts, ", "))
	if len(actions) > 0 {
		desc += fmt.Sprintf(" (%d scheduled actions replayed)", len(actions))
	}
	e.report.Schedules = append(e.report.Schedules, fmt.Sprintf("%s = %.1f task-hours a month", desc, taskHours))
	if hi > lo {
		e.note("scaling above a service's minimum (target tracking under load) is not estimated: tasks are counted at their minimum")
	}
	e.note("deployments (up to maxPercent tasks for minutes) are not estimated")
	return e.fargate(r, t, onDemand, spot)
}

// oneOffTask: a task definition no service runs (the migration task) runs OneOffTaskHours a month, where
// the cluster's default strategy puts it.
func (e *estimator) oneOffTask(r *plan.Resource) ([]Line, error) {
	family := r.Str("family")
	for _, svc := range e.rec.ByType(tService) {
		f, _, _ := strings.Cut(lastSegment(svc.Str("taskDefinition")), ":")
		if f == family {
			return nil, nil // priced on its service
		}
	}
	t, err := e.task(r)
	if err != nil {
		return nil, err
	}
	items := []strategyItem{{provider: "FARGATE", weight: 1}}
	if caps := e.rec.ByType(tCapacity); len(caps) == 1 {
		if it := strategyItems(caps[0].In("defaultCapacityProviderStrategies")); len(it) > 0 {
			items = it
		}
	}
	od, sp, err := split(items, 1)
	if err != nil {
		return nil, err
	}
	h := e.a.OneOffTaskHours
	e.report.Schedules = append(e.report.Schedules, fmt.Sprintf("%s (run by no service): %g task-hours a month assumed", r.Name, h))
	return e.fargate(r, t, od*h, sp*h)
}

// database: RDS for PostgreSQL instance-hours (twice for Multi-AZ), storage (twice for Multi-AZ), backup
// storage beyond the free allowance, and the secret RDS manages for the master password.
func (e *estimator) database(r *plan.Resource) ([]Line, error) {
	engine := r.Str("engine")
	if engine != "postgres" {
		return nil, fmt.Errorf("engine %q: the table prices RDS for PostgreSQL only", engine)
	}
	class := r.Str("instanceClass")
	factor := 1.0
	deployment := "Single-AZ"
	if boolIn(r, "multiAz") {
		row, err := Price(e.region, "rds.multi-az.factor")
		if err != nil {
			return nil, err
		}
		factor, deployment = row.USD, "Multi-AZ"
	}
	storageType := r.Str("storageType")
	if storageType == "" {
		storageType = "gp2" // the RDS API's default without Iops (CreateDBInstance, StorageType)
	}
	gb, _ := num(r, "allocatedStorage")
	specs := []spec{
		{item: fmt.Sprintf("%s instance-hours, %s", class, deployment), key: "rds.postgres." + class + ".hour", quantity: e.hours(), scale: factor},
		{item: fmt.Sprintf("%s storage, %g GB, %s", storageType, gb, deployment), key: "rds.storage." + storageType + ".gb-month", quantity: gb, scale: factor},
		{item: "backup storage beyond the free allowance", key: "rds.backup.gb-month", quantity: e.a.BackupGB},
	}
	if boolIn(r, "manageMasterUserPassword") {
		specs = append(specs, spec{item: "master password secret (managed by RDS)", key: "secretsmanager.secret-month", quantity: 1})
	}
	if n, _ := num(r, "monitoringInterval"); n > 0 {
		e.note("RDS enhanced monitoring is billed as CloudWatch Logs ingestion (RDSOSMetrics); not estimated")
	}
	if max, _ := num(r, "maxAllocatedStorage"); max > gb {
		e.note("RDS storage autoscaling: storage is priced at allocatedStorage, not up to maxAllocatedStorage")
	}
	return e.lines(r, specs...)
}

// replicationGroup: node-hours of every node (primary and replicas, every shard).
func (e *estimator) replicationGroup(r *plan.Resource) ([]Line, error) {
	nodes, ok := num(r, "numCacheClusters")
	if !ok {
		shards, okShards := num(r, "numNodeGroups")
		replicas, _ := num(r, "replicasPerNodeGroup")
		if !okShards {
			shards = 1
		}
		nodes = shards * (replicas + 1)
	}
	if n, _ := num(r, "snapshotRetentionLimit"); n > 0 {
		e.note("ElastiCache snapshot storage is not estimated")
	}
	return e.cacheNodes(r, nodes)
}

// cacheCluster: node-hours of a cache cluster's nodes.
func (e *estimator) cacheCluster(r *plan.Resource) ([]Line, error) {
	nodes, ok := num(r, "numCacheNodes")
	if !ok {
		nodes = 1
	}
	return e.cacheNodes(r, nodes)
}

func (e *estimator) cacheNodes(r *plan.Resource, nodes float64) ([]Line, error) {
	engine := r.Str("engine")
	if engine == "" {
		engine = "redis"
	}
	nodeType := r.Str("nodeType")
	return e.lines(r, spec{item: fmt.Sprintf("%s node-hours, %s, %g node(s)", nodeType, engine, nodes),
		key: "elasticache." + engine + "." + nodeType + ".hour", quantity: nodes * e.hours()})
}

func (e *estimator) key(r *plan.Resource) ([]Line, error) {
	return e.lines(r, spec{item: "customer managed key-months", key: "kms.key-month", quantity: 1},
		spec{item: fmt.Sprintf("requests (%g a month)", e.a.KMSRequests), key: "kms.10k-requests", quantity: e.a.KMSRequests / 10000})
}

func (e *estimator) secret(r *plan.Resource) ([]Line, error) {
	return e.lines(r, spec{item: "secret-months", key: "secretsmanager.secret-month", quantity: 1},
		spec{item: fmt.Sprintf("API calls (%g a month)", e.a.SecretCalls), key: "secretsmanager.10k-calls", quantity: e.a.SecretCalls / 10000})
}

// parameter: a standard parameter is free; an advanced one is billed a month.
func (e *estimator) parameter(r *plan.Resource) ([]Line, error) {
	if r.Str("tier") != "Advanced" {
		return nil, nil
	}
	return e.lines(r, spec{item: "advanced parameter-months", key: "ssm.advanced-parameter-month", quantity: 1})
}

// logGroup: ingestion, and the storage a steady state holds (a month's ingestion times the retention in
// months; a group that never expires is taken at twelve months).
func (e *estimator) logGroup(r *plan.Resource) ([]Line, error) {
	days, _ := num(r, "retentionInDays")
	months := days / (365.0 / 12)
	if days == 0 {
		months = 12
		e.note("a log group that never expires grows without bound; its storage is taken at twelve months")
	}
	return e.lines(r, spec{item: fmt.Sprintf("GB ingested (%g GB a month)", e.a.LogGB), key: "logs.ingest-gb", quantity: e.a.LogGB},
		spec{item: fmt.Sprintf("GB-months stored (%g days retained)", days), key: "logs.storage-gb-month", quantity: e.a.LogGB * months})
}

// alarm: each metric an alarm reads (metric math alarms read several) at standard resolution.
func (e *estimator) alarm(r *plan.Resource) ([]Line, error) {
	if p, ok := num(r, "period"); ok && p < 60 {
		return nil, fmt.Errorf("a high-resolution alarm (period %gs): the table has no price for it", p)
	}
	metrics := 0
	queries, _ := r.In("metricQueries").([]any)
	for _, q := range queries {
		if m, _ := q.(map[string]any); m["metric"] != nil {
			metrics++
		}
	}
	if metrics == 0 {
		metrics = 1
	}
	return e.lines(r, spec{item: fmt.Sprintf("alarm metric-months (%d metric(s))", metrics), key: "cloudwatch.alarm-metric-month", quantity: float64(metrics)})
}

func (e *estimator) dashboard(r *plan.Resource) ([]Line, error) {
	return e.lines(r, spec{item: "dashboard-months", key: "cloudwatch.dashboard-month", quantity: 1})
}

// trail: management events only, taken as the account's first copy (free); its S3 bucket and CloudWatch
// log group are priced on themselves.
func (e *estimator) trail(r *plan.Resource) ([]Line, error) {
	if r.In("eventSelectors") != nil || r.In("advancedEventSelectors") != nil {
		e.note("CloudTrail data events are not estimated")
	}
	e.note("the trail is taken as the account's first copy of management events (free); a second copy is billed per 100,000 events")
	l, err := e.line(r, "management events, first copy", "cloudtrail.mgmt-first-copy", 1)
	if err != nil {
		return nil, err
	}
	return []Line{l}, nil
}

// detector: GuardDuty's foundational analysis of CloudTrail management events and of flow and DNS logs.
func (e *estimator) detector(r *plan.Resource) ([]Line, error) {
	flowGB := e.a.LogGB * float64(len(e.rec.ByType(tFlowLog)))
	e.note("GuardDuty's DNS log analysis is not estimated (it reads the VPC resolver's queries)")
	return e.lines(r,
		spec{item: fmt.Sprintf("CloudTrail management events analysed (%g a month)", e.a.CloudTrailEvents), key: "guardduty.cloudtrail-million-events", quantity: e.a.CloudTrailEvents / 1e6},
		spec{item: fmt.Sprintf("flow log GB analysed (%g GB a month per flow log)", e.a.LogGB), key: "guardduty.flow-dns-gb", quantity: flowGB})
}

// detectorFeature: runtime monitoring bills the plan's Fargate vCPU-hours; the other protection plans bill
// usage the plan does not show.
func (e *estimator) detectorFeature(r *plan.Resource) ([]Line, error) {
	if r.Str("status") != "ENABLED" {
		return nil, nil
	}
	switch name := r.Str("name"); name {
	case "RUNTIME_MONITORING":
		return e.lines(r, spec{item: fmt.Sprintf("Fargate vCPU-hours monitored (%.1f)", e.vcpuHours), key: "guardduty.runtime-vcpu-hour", quantity: e.vcpuHours})
	case "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "EKS_RUNTIME_MONITORING":
		e.note("GuardDuty %s bills only for EKS clusters, Lambda functions or EC2 volumes the account has; the program creates none", name)
		return nil, nil
	default:
		e.note("GuardDuty %s bills per event analysed (the account's S3 data events, RDS logins); not estimated", name)
		return nil, nil
	}
}

func (e *estimator) repository(r *plan.Resource) ([]Line, error) {
	e.note("ECR image pulls through a NAT gateway are in its GB; pulls through endpoints in theirs")
	return e.lines(r, spec{item: fmt.Sprintf("GB-months stored (%g GB)", e.a.ImageGB), key: "ecr.storage-gb-month", quantity: e.a.ImageGB})
}

func (e *estimator) bucket(r *plan.Resource) ([]Line, error) {
	e.note("S3 requests (the ALB's and CloudTrail's log deliveries) are not estimated")
	return e.lines(r, spec{item: fmt.Sprintf("GB-months stored, Standard (%g GB)", e.a.BucketGB), key: "s3.standard.gb-month", quantity: e.a.BucketGB})
}

// fileSystem: EFS Standard storage and, in elastic throughput mode, the GB read and written (bursting
// throughput is in the storage price; provisioned throughput has no row). Storage is priced as Standard
// even where a lifecycle policy moves files to Infrequent Access, which only lowers it; AWS Backup's
// recovery points of a file system whose backup policy is enabled are not estimated.
// (https://docs.aws.amazon.com/efs/latest/ug/performance.html#throughput-modes)
func (e *estimator) fileSystem(r *plan.Resource) ([]Line, error) {
	if r.Str("availabilityZoneName") != "" {
		return nil, fmt.Errorf("a One Zone file system: the table prices EFS Standard (Regional) only")
	}
	if r.In("lifecyclePolicies") != nil {
		e.note("EFS lifecycle transitions to Infrequent Access (cheaper storage, a charge per GB read) are not estimated: stored GB are priced as Standard")
	}
	for _, b := range e.rec.ByType(tBackupPolicy) {
		if b.Str("fileSystemId") == r.ID && b.Str("backupPolicy.status") == "ENABLED" {
			e.note("EFS automatic backups (AWS Backup warm storage per GB-month, https://aws.amazon.com/backup/pricing/) are not estimated")
		}
	}
	specs := []spec{{item: fmt.Sprintf("GB-months stored, Standard (%g GB)", e.a.VolumeGB), key: "efs.standard.gb-month", quantity: e.a.VolumeGB}}
	switch mode := r.Str("throughputMode"); mode {
	case "elastic":
		specs = append(specs,
			spec{item: fmt.Sprintf("GB read, elastic throughput (%g GB a month)", e.a.VolumeReadGB), key: "efs.elastic.read-gb", quantity: e.a.VolumeReadGB},
			spec{item: fmt.Sprintf("GB written, elastic throughput (%g GB a month)", e.a.VolumeWriteGB), key: "efs.elastic.write-gb", quantity: e.a.VolumeWriteGB})
	case "", "bursting":
	default:
		return nil, fmt.Errorf("EFS %s throughput: the table prices elastic and bursting only", mode)
	}
	return e.lines(r, specs...)
}

func minF(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}
