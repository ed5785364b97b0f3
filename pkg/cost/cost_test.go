package cost

import (
	"bytes"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// record runs a small program under the plan's mock.
func record(t *testing.T, region string, program pulumi.RunFunc) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", region)
	require.NoError(t, pulumi.RunErr(program, rec.RunOptions(nil, nil)...))
	return rec
}

// cents rounds to the cent, as the report prints.
func cents(v float64) float64 { return round2(v) }

func TestEveryRowHasAUnitASourceAndADate(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Prices {
		id := r.Region + " " + r.Key
		assert.False(t, seen[id], "%s: two rows", id)
		seen[id] = true
		assert.NotEmpty(t, r.Unit, id)
		assert.True(t, strings.HasPrefix(r.Source, "https://aws.amazon.com/"), "%s: source %q is not an AWS pricing page", id, r.Source)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, r.Read, id)
		assert.GreaterOrEqual(t, r.USD, 0.0, id)
		assert.NotEmpty(t, r.Note, "%s: say where the figure was seen, or that it was not", id)
		if !r.Confirmed {
			assert.Contains(t, r.Note, "not confirmed", "%s: an unconfirmed row says so", id)
		}
	}
}

func TestEveryRegionPricesTheSameDimensions(t *testing.T) {
	keys := map[string]map[string]bool{}
	for _, r := range Prices {
		if keys[r.Region] == nil {
			keys[r.Region] = map[string]bool{}
		}
		keys[r.Region][r.Key] = true
	}
	require.Equal(t, []string{Sydney, Virginia}, Regions())
	assert.Equal(t, keys[Virginia], keys[Sydney])
}

func TestNoTypeIsBothPricedAndFree(t *testing.T) {
	for _, typ := range PricedTypes() {
		_, free := Free[typ]
		assert.False(t, free, typ)
	}
}

func TestReplay(t *testing.T) {
	down := Action{Schedule: "cron(0 20 ? * MON-FRI *)", Min: 0, Max: 0}
	up := Action{Schedule: "cron(0 7 ? * MON-FRI *)", Min: 1, Max: 2}
	tests := []struct {
		name              string
		desired, min, max int
		actions           []Action
		want              map[int]float64
	}{
		{"no schedule: the desired count around the clock", 3, 3, 12, nil, map[int]float64{3: 168}},
		{"desired below the minimum is raised to it", 1, 2, 4, nil, map[int]float64{2: 168}},
		{"weekdays 07:00-20:00, off at weekends (dev's)", 1, 1, 2, []Action{down, up}, map[int]float64{0: 103, 1: 65}},
		{"the actions' order in the plan does not matter", 1, 1, 2, []Action{up, down}, map[int]float64{0: 103, 1: 65}},
		{"numeric days (1 = SUN) and hour lists", 1, 1, 1, []Action{
			{Schedule: "cron(30 18 ? * 2,3,4,5,6 *)", Min: 0, Max: 0},
			{Schedule: "cron(30 8 ? * 2-6 *)", Min: 2, Max: 2}}, map[int]float64{0: 118, 2: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Replay(tt.desired, tt.min, tt.max, tt.actions)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReplayRefusesWhatItCannotReplay(t *testing.T) {
	for _, expr := range []string{"rate(1 hour)", "at(2026-12-24T18:00:00)", "cron(0 20 1 * ? *)", "cron(0 20 ? JAN MON *)", "cron(0 25 ? * MON *)"} {
		_, err := Replay(1, 1, 1, []Action{{Schedule: expr}})
		assert.Error(t, err, expr)
	}
}

// service is a Fargate service of the given size, architecture, count and strategy in its own cluster.
func service(cpu, memory, arch string, desired int, strategy ecs.ServiceCapacityProviderStrategyArray, schedule bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cluster, err := ecs.NewCluster(ctx, "c", &ecs.ClusterArgs{})
		if err != nil {
			return err
		}
		td, err := ecs.NewTaskDefinition(ctx, "web", &ecs.TaskDefinitionArgs{Family: pulumi.String("web"), Cpu: pulumi.String(cpu),
			Memory: pulumi.String(memory), ContainerDefinitions: pulumi.String("[]"),
			RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{CpuArchitecture: pulumi.String(arch)}})
		if err != nil {
			return err
		}
		svc, err := ecs.NewService(ctx, "web", &ecs.ServiceArgs{Cluster: cluster.Arn, TaskDefinition: td.Arn,
			DesiredCount: pulumi.Int(desired), CapacityProviderStrategies: strategy})
		if err != nil || !schedule {
			return err
		}
		return scaleToZero(ctx, cluster, svc)
	}
}

// scaleToZero is dev's schedule: off at 20:00 on weekdays, on at 07:00.
func scaleToZero(ctx *pulumi.Context, cluster *ecs.Cluster, svc *ecs.Service) error {
	id := pulumi.Sprintf("service/%s/%s", cluster.Name, svc.Name)
	if _, err := appautoscalingTarget(ctx, id); err != nil {
		return err
	}
	for name, a := range map[string]Action{"down": {"cron(0 20 ? * MON-FRI *)", 0, 0}, "up": {"cron(0 7 ? * MON-FRI *)", 1, 2}} {
		if err := scheduledAction(ctx, name, id, a); err != nil {
			return err
		}
	}
	return nil
}

func TestFargateOnDemandAndSpotOnARM64(t *testing.T) {
	// Five ARM64 tasks of 0.5 vCPU and 1 GB in us-east-1: a base of one on FARGATE, the other four split 1:3,
	// so 2 on-demand and 3 on Spot (70% off) around the clock (730 h).
	strategy := ecs.ServiceCapacityProviderStrategyArray{
		&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Base: pulumi.Int(1), Weight: pulumi.Int(1)},
		&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE_SPOT"), Weight: pulumi.Int(3)},
	}
	r := Estimate(record(t, Virginia, service("512", "1024", "ARM64", 5, strategy, false)), Virginia, Assumptions{})
	onDemand := 2*730*0.5*0.03238 + 2*730*1*0.00356     // 23.6374 + 5.1976
	spot := (3*730*0.5*0.03238 + 3*730*1*0.00356) * 0.3 // 10.63683 + 2.33892
	require.Len(t, r.Resources, 1)
	assert.Equal(t, cents(onDemand+spot), cents(r.Total))
	assert.Equal(t, 41.81, cents(r.Total))
	assert.Len(t, r.Resources[0].Lines, 4, "vCPU and GB, on-demand and Spot")
}

func TestX86OnDemandWhenTheServiceSaysFargate(t *testing.T) {
	r := Estimate(record(t, Sydney, GuideProgram), Sydney, Assumptions{})
	svc := resource(t, r, "aws:ecs/service:Service")
	// Two x86 tasks of 0.5 vCPU and 1 GB on-demand in Sydney, 730 h: 730 × 0.04856 + 1460 × 0.00532.
	assert.Equal(t, cents(730*0.04856+1460*0.00532), cents(svc.Monthly))
}

func TestTheScaleToZeroScheduleIsReplayed(t *testing.T) {
	// Dev's web service: one ARM64 Spot task of 0.5 vCPU and 1 GB, running 07:00-20:00 on weekdays: 65 of
	// 168 hours, so 65 × 730 / 168 = 282.44 task-hours a month at Sydney's ARM64 price less 70%.
	spotOnly := ecs.ServiceCapacityProviderStrategyArray{
		&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE_SPOT"), Weight: pulumi.Int(1)}}
	r := Estimate(record(t, Sydney, service("512", "1024", "ARM64", 1, spotOnly, true)), Sydney, Assumptions{})
	hours := 65 * 730 / 168.0
	want := hours * (0.5*0.03885 + 1*0.00426) * 0.3
	assert.Equal(t, 2.01, cents(want))
	assert.Equal(t, cents(want), cents(r.Total))
	require.Len(t, r.Schedules, 1)
	assert.Contains(t, r.Schedules[0], "0 task(s) 103 h, 1 task(s) 65 h a week (2 scheduled actions replayed)")
}

func TestANatGatewayAndItsAddress(t *testing.T) {
	r := Estimate(record(t, Sydney, func(ctx *pulumi.Context) error {
		eip, err := ec2.NewEip(ctx, "nat", &ec2.EipArgs{Domain: pulumi.String("vpc")})
		if err != nil {
			return err
		}
		_, err = ec2.NewNatGateway(ctx, "nat", &ec2.NatGatewayArgs{AllocationId: eip.AllocationId, SubnetId: pulumi.String("subnet-1")})
		return err
	}), Sydney, Assumptions{NatGB: 100})
	nat, ip := resource(t, r, "aws:ec2/natGateway:NatGateway"), resource(t, r, "aws:ec2/eip:Eip")
	assert.Equal(t, cents(730*0.059+100*0.059), cents(nat.Monthly)) // 43.07 + 5.90
	assert.Equal(t, 3.65, cents(ip.Monthly))                        // 730 × 0.005
	assert.Equal(t, 52.62, cents(r.Total))
}

func TestMultiAZDoublesTheDatabaseAndItsStorage(t *testing.T) {
	db := func(multiAz bool) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			_, err := rds.NewInstance(ctx, "db", &rds.InstanceArgs{Engine: pulumi.String("postgres"),
				InstanceClass: pulumi.String("db.m7g.large"), AllocatedStorage: pulumi.Int(100), StorageType: pulumi.String("gp3"),
				MultiAz: pulumi.Bool(multiAz), ManageMasterUserPassword: pulumi.Bool(true)})
			return err
		}
	}
	single := Estimate(record(t, Sydney, db(false)), Sydney, Assumptions{})
	multi := Estimate(record(t, Sydney, db(true)), Sydney, Assumptions{})
	assert.Equal(t, cents(730*0.219+100*0.138+0.40), cents(single.Total))    // 159.87 + 13.80 + the managed secret
	assert.Equal(t, cents(2*730*0.219+2*100*0.138+0.40), cents(multi.Total)) // 319.74 + 27.60 + 0.40
	assert.Equal(t, 347.74, cents(multi.Total))
}

func TestAReplicationGroupBillsEveryNode(t *testing.T) {
	r := Estimate(record(t, Sydney, func(ctx *pulumi.Context) error {
		_, err := elasticache.NewReplicationGroup(ctx, "cache", &elasticache.ReplicationGroupArgs{Description: pulumi.String("c"),
			Engine: pulumi.String("valkey"), NodeType: pulumi.String("cache.m7g.large"), NumCacheClusters: pulumi.Int(2),
			MultiAzEnabled: pulumi.Bool(true), AutomaticFailoverEnabled: pulumi.Bool(true)})
		return err
	}), Sydney, Assumptions{})
	assert.Equal(t, cents(2*730*0.1592), cents(r.Total)) // a primary and a replica
	assert.Equal(t, 232.43, cents(r.Total))
}

func TestUnpricedTypesAreListedNotCountedAsZero(t *testing.T) {
	r := Estimate(record(t, Sydney, func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{}); err != nil {
			return err
		}
		_, err := rds.NewInstance(ctx, "mysql", &rds.InstanceArgs{Engine: pulumi.String("mysql"), InstanceClass: pulumi.String("db.t4g.micro"),
			AllocatedStorage: pulumi.Int(20)})
		return err
	}), Sydney, Assumptions{})
	require.Len(t, r.Unpriced, 2)
	assert.Equal(t, "aws:rds/instance:Instance", r.Unpriced[0].Type)
	assert.Contains(t, r.Unpriced[0].Why, "PostgreSQL only")
	assert.Equal(t, "aws:sqs/queue:Queue", r.Unpriced[1].Type)
	assert.Zero(t, r.Total)
	var out bytes.Buffer
	r.Write(&out)
	assert.Contains(t, out.String(), "UNPRICED (not in the total):\n  aws:rds/instance:Instance ×1")
}

func TestARegionWithoutPricesLeavesEverythingUnpriced(t *testing.T) {
	r := Estimate(record(t, "eu-west-1", GuideProgram), "eu-west-1", Assumptions{})
	assert.Zero(t, r.Total)
	assert.NotEmpty(t, r.Unpriced)
	for _, u := range r.Unpriced {
		assert.Contains(t, u.Why, "in eu-west-1: add a row to pkg/cost/prices.go", u.Type)
	}
}

func TestTheGuidesDesign(t *testing.T) {
	// Issue 16 puts the guide's design at "about $270 a month in ap-southeast-2 at list prices".
	g, err := Guide(Sydney, DefaultAssumptions())
	require.NoError(t, err)
	assert.Empty(t, g.Unpriced)
	want := map[string]float64{
		"network": 3 * (730*0.059 + 50.0/3*0.059 + 730*0.005), // three NAT gateways, their addresses, 50 GB
		"compute": 730*0.04856 + 1460*0.00532,                 // two x86 tasks, on-demand, around the clock
		"data":    730*0.028 + 20*0.138 + 730*0.026,           // db.t3.micro, 20 GB gp2, cache.t3.micro
		"edge":    730*0.0252 + 730*0.008 + 3*730*0.005,       // the ALB, 1 LCU, an address in each of 3 subnets
	}
	for _, c := range g.Categories {
		if w, ok := want[c.Category]; ok {
			assert.Equal(t, cents(w), cents(c.Monthly), c.Category)
		}
	}
	assert.Equal(t, 264.83, cents(g.Total))
}

func TestCompareGivesTheRatio(t *testing.T) {
	r := Report{Total: 105.93}
	r.Compare("the guide's design", Report{Total: 264.83})
	assert.InDelta(t, 0.40, r.Guide.Ratio, 0.0001)
}

func TestDiffListsTheLinesThatMoved(t *testing.T) {
	before := Report{Stack: "dev", Total: 50, Resources: []ResourceCost{
		{URN: "urn:a::nat", Type: "aws:ec2/natGateway:NatGateway", Monthly: 46},
		{URN: "urn:a::ip", Type: "aws:ec2/eip:Eip", Monthly: 3.65},
		{URN: "urn:a::key", Type: "aws:kms/key:Key", Monthly: 0.35}}}
	after := Report{Stack: "dev", Total: 8, Resources: []ResourceCost{
		{URN: "urn:a::ip", Type: "aws:ec2/eip:Eip", Monthly: 3.65},
		{URN: "urn:a::key", Type: "aws:kms/key:Key", Monthly: 0.35},
		{URN: "urn:a::nat-instance", Type: "aws:ec2/instance:Instance", Monthly: 4}},
		Unpriced: []Unpriced{{Type: "aws:ec2/instance:Instance"}}}
	c := Diff(before, after)
	assert.Equal(t, []Moved{{"urn:a::nat", "aws:ec2/natGateway:NatGateway", 46, 0},
		{"urn:a::nat-instance", "aws:ec2/instance:Instance", 0, 4}}, c.Moved)
	var out bytes.Buffer
	c.WriteMarkdown(&out)
	assert.Contains(t, out.String(), "$50.00 → $8.00 a month (-$42.00, -84.0%)")
	assert.Contains(t, out.String(), "| `nat` | NatGateway | $46.00 | $0.00 | -$46.00 |")
	assert.Contains(t, out.String(), "**Newly unpriced** (not in the total): aws:ec2/instance:Instance")
}

func TestTheJSONReadsBack(t *testing.T) {
	r := Estimate(record(t, Sydney, GuideProgram), Sydney, Assumptions{})
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))
	back, err := ReadJSON(&buf)
	require.NoError(t, err)
	assert.Equal(t, r.Total, back.Total)
	assert.Empty(t, Diff(r, back).Moved)
}

// resource is the one priced resource of a type.
func resource(t *testing.T, r Report, typ string) ResourceCost {
	t.Helper()
	var out []ResourceCost
	for _, rc := range r.Resources {
		if rc.Type == typ {
			out = append(out, rc)
		}
	}
	require.Len(t, out, 1, typ)
	return out[0]
}

func TestANatInstanceItsVolumeAndItsAddress(t *testing.T) {
	r := Estimate(record(t, Sydney, func(ctx *pulumi.Context) error {
		if _, err := ec2.NewEip(ctx, "nat", &ec2.EipArgs{Domain: pulumi.String("vpc")}); err != nil {
			return err
		}
		lt, err := ec2.NewLaunchTemplate(ctx, "nat", &ec2.LaunchTemplateArgs{InstanceType: pulumi.String("t4g.nano")})
		if err != nil {
			return err
		}
		_, err = autoscaling.NewGroup(ctx, "nat", &autoscaling.GroupArgs{MinSize: pulumi.Int(1), MaxSize: pulumi.Int(1),
			DesiredCapacity: pulumi.Int(1), LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID()}})
		return err
	}), Sydney, Assumptions{NatGB: 100})
	asg, ip := resource(t, r, "aws:autoscaling/group:Group"), resource(t, r, "aws:ec2/eip:Eip")
	// 730 h × $0.0053 + 8 GB × $0.096, and no per-GB charge whatever the traffic.
	assert.Equal(t, 4.64, cents(730*0.0053+8*0.096)) // 3.869 + 0.768
	assert.Equal(t, 4.64, cents(asg.Monthly))
	assert.Equal(t, 3.65, cents(ip.Monthly))
	assert.Equal(t, 8.29, cents(r.Total))
	assert.Empty(t, r.Unpriced)
}
