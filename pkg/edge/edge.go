// Package edge is the stack's front door: an internet-facing Application Load Balancer that only Cloudflare
// may reach, its target group for the web task's nginx container, an HTTPS listener (the only one) on a
// TLS 1.3 policy, an ACM certificate validated through Cloudflare DNS, the proxied Cloudflare record
// for the app's host, the zone's SSL/TLS settings, ALB access logs in a hardened S3 bucket and, optionally,
// Authenticated Origin Pulls (Cloudflare presents a client certificate the ALB verifies).
//
// Request path: browser → Cloudflare (TLS, WAF, cache) → ALB :443 (TLS again, Full (Strict)) → nginx :8080
// in the web task → Rails. Routes add more web services on listener rules (host and/or path, e.g. /cable),
// each with its own target group; the listener's default action stays the main web service's.
package edge

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultTlsPolicy is AWS's current recommendation for HTTPS listeners: TLS 1.3 and 1.2, hybrid
// post-quantum key exchange, restricted ciphers. The guide's ELBSecurityPolicy-TLS-1-2-2017-01 predates
// TLS 1.3, and the API's own default, ELBSecurityPolicy-2016-08, still accepts TLS 1.0: the listener
// always names its policy so that default never applies.
const DefaultTlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// DefaultHealthCheckPath is Rails 7.1+'s health route.
const DefaultHealthCheckPath = "/up"

// AccessLogPrefix is where the ALB writes under the access-log bucket.
const AccessLogPrefix = "alb"

// originPullCA is Cloudflare's "Origin Pull" CA (CN origin-pull.cloudflare.net, valid 2019-10-10 to
// 2029-11-01, SHA-256 fingerprint 9A1AC2B4...A25A2B9), which signs the client certificate Cloudflare presents
// to origins when zone-level Authenticated Origin Pulls is on. Copied byte for byte from Cloudflare's
// documentation ("Set up authenticated origin pulls", developers.cloudflare.com/ssl/origin-configuration/
// authenticated-origin-pull/set-up/, published there as origin-pull-ca.pem); TestOriginPullCAIsCloudflares
// checks it parses, is a CA and verifies its own signature.
//
//go:embed origin-pull-ca.pem
var originPullCA string

// Args configures the edge.
type Args struct {
	// VpcId is the VPC of the target group and the ALB security group. Required.
	VpcId pulumi.StringInput
	// PublicSubnetIds are where the ALB's nodes live (two or more AZs). Required.
	PublicSubnetIds pulumi.StringArrayInput
	// ServiceSecurityGroupId is the ECS tasks' group; the edge adds its ingress rules (ContainerPort from
	// the ALB, and each other port of Routes once). Required.
	ServiceSecurityGroupId pulumi.StringInput
	// ContainerPort is nginx's port in the web task. Default 8080 (a non-root nginx cannot bind 80).
	ContainerPort int
	// Domain is the app's host name, e.g. "app.example.com": lower case, no trailing dot. Required.
	Domain string
	// ZoneId is the Cloudflare zone holding Domain: 32 hex characters. Required.
	ZoneId string
	// Wildcard adds "*.<Domain>" to the certificate. Default false (main passes the stack's value, true).
	Wildcard bool
	// TlsPolicy is the HTTPS listener's security policy. Default DefaultTlsPolicy; any other must be a TLS 1.3
	// policy with a TLS 1.2 or 1.3 floor (ELBSecurityPolicy-TLS13-1-2-* or ELBSecurityPolicy-TLS13-1-3-*).
	TlsPolicy string
	// HealthCheckPath is the target group's health check path. Default DefaultHealthCheckPath.
	HealthCheckPath string
	// IdleTimeoutSeconds is the ALB idle timeout, 1 to 4000. Default 60.
	IdleTimeoutSeconds int
	// CloudflareOnly admits only Cloudflare's published IPv4 ranges to port 443; false opens it to
	// 0.0.0.0/0. Default false as a Go zero value: main must pass the stack's albIngressCloudflareOnly
	// (true unless the stack is not proxied by Cloudflare).
	CloudflareOnly bool
	// ManageZoneSettings sets the zone's SSL mode to Full (Strict), Always Use HTTPS, minimum TLS 1.2 and
	// TLS 1.3. Default false (main passes the stack's manageZoneSettings, true).
	ManageZoneSettings bool
	// AuthenticatedOriginPulls makes the ALB require Cloudflare's client certificate (mutual TLS, verify
	// mode) and turns the zone's Authenticated Origin Pulls on. Default false.
	AuthenticatedOriginPulls bool
	// AccessLogRetentionDays expires access logs. Default 365.
	AccessLogRetentionDays int
	// DeletionProtection is the ALB's deletion protection. Default false (main passes true in prod).
	DeletionProtection bool
	// Versioning versions the access-log bucket. Default false (main passes true in prod).
	Versioning bool
	// ForceDestroy lets the access-log bucket be deleted with its logs. Default false (main passes true in
	// dev only).
	ForceDestroy bool
	// Protect protects the access-log bucket. Default false (main passes true in prod).
	Protect bool
	// Routes are more web services behind the HTTPS listener, each with its own target group and a listener
	// rule matching its hosts and/or paths (see Route). Default none: the listener forwards everything to the
	// main web service's target group, as it always has.
	Routes []Route
}

// Edge is the component.
type Edge struct {
	pulumi.ResourceState

	// Url is "https://<domain>".
	Url        pulumi.StringOutput `pulumi:"url"`
	AlbDnsName pulumi.StringOutput `pulumi:"albDnsName"`
	AlbArn     pulumi.StringOutput `pulumi:"albArn"`
	// AlbArnSuffix is the LoadBalancer dimension of the ALB's CloudWatch metrics.
	AlbArnSuffix pulumi.StringOutput `pulumi:"albArnSuffix"`
	// TargetGroupArn resolves only once the HTTPS listener forwards to the group: ECS refuses a target group
	// that no load balancer uses, and the web service's dependency on the listener travels with this value.
	TargetGroupArn pulumi.StringOutput `pulumi:"targetGroupArn"`
	// TargetGroupArnSuffix is the TargetGroup dimension of CloudWatch metrics.
	TargetGroupArnSuffix pulumi.StringOutput `pulumi:"targetGroupArnSuffix"`
	// AlbResourceLabel is "<alb arn suffix>/<target group arn suffix>", the ResourceLabel of
	// ALBRequestCountPerTarget target tracking.
	AlbResourceLabel    pulumi.StringOutput `pulumi:"albResourceLabel"`
	AlbSecurityGroupId  pulumi.StringOutput `pulumi:"albSecurityGroupId"`
	HttpsListenerArn    pulumi.StringOutput `pulumi:"httpsListenerArn"`
	AccessLogBucketName pulumi.StringOutput `pulumi:"accessLogBucketName"`

	// RouteTargetGroupArns are the routes' target group ARNs by route Name; each resolves only once its
	// listener rule exists (ECS refuses a target group that no load balancer uses). Registered as the
	// output routeTargetGroupArns when there are routes.
	RouteTargetGroupArns map[string]pulumi.StringOutput
	// RouteTargetGroupArnSuffix are the routes' TargetGroup dimensions of CloudWatch metrics, by route Name.
	RouteTargetGroupArnSuffix map[string]pulumi.StringOutput
	// RouteAlbResourceLabels are "<alb arn suffix>/<target group arn suffix>" by route Name, the
	// ResourceLabel of a route's ALBRequestCountPerTarget target tracking.
	RouteAlbResourceLabels map[string]pulumi.StringOutput
}

var (
	hostname = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	zoneID   = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

func (a *Args) withDefaults(name string) (Args, error) {
	out := *a
	if out.ContainerPort == 0 {
		out.ContainerPort = 8080
	}
	if out.TlsPolicy == "" {
		out.TlsPolicy = DefaultTlsPolicy
	}
	if out.HealthCheckPath == "" {
		out.HealthCheckPath = DefaultHealthCheckPath
	}
	if out.IdleTimeoutSeconds == 0 {
		out.IdleTimeoutSeconds = 60
	}
	if out.AccessLogRetentionDays == 0 {
		out.AccessLogRetentionDays = 365
	}
	switch {
	case name == "" || len(name) > 24:
		return out, fmt.Errorf("edge: name %q: want 1 to 24 characters (the ALB is named after it, and the target group and trust store are auto-named from it plus 8 characters: all three stop at 32)", name)
	case out.VpcId == nil || out.PublicSubnetIds == nil || out.ServiceSecurityGroupId == nil:
		return out, fmt.Errorf("edge: VpcId, PublicSubnetIds and ServiceSecurityGroupId are required")
	case len(out.Domain) > 253 || !hostname.MatchString(out.Domain):
		return out, fmt.Errorf("edge: Domain %q: want a lower-case host name such as app.example.com, no wildcard, no trailing dot", out.Domain)
	case !zoneID.MatchString(out.ZoneId):
		return out, fmt.Errorf("edge: ZoneId %q: want the zone's 32 lower-case hex characters", out.ZoneId)
	case !strings.HasPrefix(out.TlsPolicy, "ELBSecurityPolicy-TLS13-1-2-") && !strings.HasPrefix(out.TlsPolicy, "ELBSecurityPolicy-TLS13-1-3-"):
		return out, fmt.Errorf("edge: TlsPolicy %q: want a TLS 1.3 policy with a TLS 1.2 or 1.3 floor (ELBSecurityPolicy-TLS13-1-2-* or ELBSecurityPolicy-TLS13-1-3-*), default %s", out.TlsPolicy, DefaultTlsPolicy)
	case !strings.HasPrefix(out.HealthCheckPath, "/") || len(out.HealthCheckPath) > 1024:
		return out, fmt.Errorf("edge: HealthCheckPath %q: want an absolute path of at most 1024 characters", out.HealthCheckPath)
	case out.IdleTimeoutSeconds < 1 || out.IdleTimeoutSeconds > 4000:
		return out, fmt.Errorf("edge: IdleTimeoutSeconds %d: want 1 to 4000", out.IdleTimeoutSeconds)
	case out.ContainerPort < 1 || out.ContainerPort > 65535:
		return out, fmt.Errorf("edge: ContainerPort %d: want 1 to 65535", out.ContainerPort)
	case out.AccessLogRetentionDays < 1:
		return out, fmt.Errorf("edge: AccessLogRetentionDays %d: want 1 or more", out.AccessLogRetentionDays)
	}
	routes, err := routesWithDefaults(out.Routes, out.HealthCheckPath)
	if err != nil {
		return out, err
	}
	out.Routes = routes
	return out, nil
}

// New creates the edge.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Edge, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	e := &Edge{}
	if err := ctx.RegisterComponentResource("fargate-platform:edge:Edge", name, e, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(e)

	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("edge: region: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("edge: caller identity: %w", err)
	}

	logs, err := accessLogBucket(ctx, name, a, region.Name, caller.AccountId, parent)
	if err != nil {
		return nil, err
	}

	albSg, err := securityGroups(ctx, name, a, parent)
	if err != nil {
		return nil, err
	}

	// The load balancer: internet-facing, IPv4 only (Cloudflare reaches origins over IPv4, and the ingress
	// rules list IPv4 ranges), malformed headers dropped rather than passed to nginx, every request logged.
	// It waits for the bucket policy: AWS checks it can write a test object when access logs are enabled.
	alb, err := lb.NewLoadBalancer(ctx, name+"-alb", &lb.LoadBalancerArgs{
		Name:                     pulumi.String(strings.TrimRight(truncate(name, 32), "-")),
		Internal:                 pulumi.Bool(false),
		LoadBalancerType:         pulumi.String("application"),
		IpAddressType:            pulumi.String("ipv4"),
		SecurityGroups:           pulumi.StringArray{albSg.ID()},
		Subnets:                  a.PublicSubnetIds,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(a.DeletionProtection),
		IdleTimeout:              pulumi.Int(a.IdleTimeoutSeconds),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  logs.bucket.ID(),
			Prefix:  pulumi.String(AccessLogPrefix),
			Enabled: pulumi.Bool(true),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent, pulumi.DependsOn(logs.ready))
	if err != nil {
		return nil, err
	}

	// The web task's nginx, registered by IP (Fargate's awsvpc mode). Health: 2 passes in, 3 failures out,
	// every 15 s; 30 s of draining instead of the default 300 keeps deploys quick (Rails requests are short).
	// Auto-named, so a replacement never waits for the old name: pulumi-aws names it <logical name>-<7 hex>
	// and refuses (does not truncate) more than 32 characters, so its logical name is the component's (at
	// most 24). It was "<name>-web", 33 characters for fargate-platform-prod; the alias keeps a deployed
	// group.
	tg, err := lb.NewTargetGroup(ctx, name, targetGroupArgs(a, a.ContainerPort, a.HealthCheckPath,
		pulumi.StringMap{"Name": pulumi.String(name + "-web")}),
		parent, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name + "-web")}}))
	if err != nil {
		return nil, err
	}

	certArn, err := certificate(ctx, name, a, parent)
	if err != nil {
		return nil, err
	}

	// Zone-wide SSL/TLS: Full (Strict) makes Cloudflare verify the ALB's ACM certificate; Flexible would
	// send plain HTTP to port 80, where nothing listens. Always Use HTTPS redirects http:// at the edge.
	var zoneSettings []pulumi.Resource
	if a.ManageZoneSettings {
		zs, err := cloudflare.NewZoneSettingsOverride(ctx, name+"-zone-tls", &cloudflare.ZoneSettingsOverrideArgs{
			ZoneId: pulumi.String(a.ZoneId),
			Settings: &cloudflare.ZoneSettingsOverrideSettingsArgs{
				Ssl:            pulumi.String("strict"),
				AlwaysUseHttps: pulumi.String("on"),
				MinTlsVersion:  pulumi.String("1.2"),
				Tls13:          pulumi.String("on"),
			},
		}, parent)
		if err != nil {
			return nil, err
		}
		zoneSettings = append(zoneSettings, zs)
	}

	// No port 80 listener: Cloudflare redirects http:// at the edge (Always Use HTTPS) and reaches the ALB on
	// 443 only (Full (Strict)), and Security Hub ELB.18 fails any listener that is not HTTPS, a redirect
	// included.

	var mtls lb.ListenerMutualAuthenticationPtrInput
	var httpsDeps []pulumi.Resource
	if a.AuthenticatedOriginPulls {
		m, zoneAop, err := originPulls(ctx, name, a, parent)
		if err != nil {
			return nil, err
		}
		mtls = m
		// Cloudflare presents its certificate before the ALB starts demanding one, never the other way round.
		httpsDeps = append(httpsDeps, zoneAop)
	}

	// HTTPS, on the named TLS 1.3 policy, with the certificate once ACM has validated it.
	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn:      alb.Arn,
		Port:                 pulumi.Int(443),
		Protocol:             pulumi.String("HTTPS"),
		SslPolicy:            pulumi.String(a.TlsPolicy),
		CertificateArn:       certArn,
		MutualAuthentication: mtls,
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
	}, parent, pulumi.DependsOn(httpsDeps))
	if err != nil {
		return nil, err
	}

	// The app's host, proxied: browsers resolve Cloudflare, never the ALB. Proxied records take TTL 1
	// (automatic). It goes live only once the HTTPS listener and the zone's Full (Strict) mode exist.
	if _, err := cloudflare.NewRecord(ctx, name+"-app", &cloudflare.RecordArgs{
		ZoneId:  pulumi.String(a.ZoneId),
		Name:    pulumi.String(a.Domain),
		Type:    pulumi.String("CNAME"),
		Content: alb.DnsName,
		Proxied: pulumi.Bool(true),
		Ttl:     pulumi.Int(1),
		Comment: pulumi.String("ALB of " + name + " (Pulumi)"),
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{https}, zoneSettings...))); err != nil {
		return nil, err
	}

	// The other web services, each on a rule of the HTTPS listener; the default action stays the main one's.
	if err := routes(ctx, name, a, e, alb, https, parent); err != nil {
		return nil, err
	}

	e.Url = pulumi.String("https://" + a.Domain).ToStringOutput()
	e.AlbDnsName = alb.DnsName
	e.AlbArn = alb.Arn
	e.AlbArnSuffix = alb.ArnSuffix
	e.TargetGroupArn = pulumi.All(tg.Arn, https.Arn).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	e.TargetGroupArnSuffix = tg.ArnSuffix
	e.AlbResourceLabel = pulumi.Sprintf("%s/%s", alb.ArnSuffix, tg.ArnSuffix)
	e.AlbSecurityGroupId = albSg.ID().ToStringOutput()
	e.HttpsListenerArn = https.Arn
	e.AccessLogBucketName = logs.bucket.Bucket
	outputs := pulumi.Map{
		"url": e.Url, "albDnsName": e.AlbDnsName, "albArn": e.AlbArn, "albArnSuffix": e.AlbArnSuffix,
		"targetGroupArn": e.TargetGroupArn, "targetGroupArnSuffix": e.TargetGroupArnSuffix,
		"albResourceLabel": e.AlbResourceLabel, "albSecurityGroupId": e.AlbSecurityGroupId,
		"httpsListenerArn": e.HttpsListenerArn, "accessLogBucketName": e.AccessLogBucketName,
	}
	// Only with routes, so a stack without them registers what it always did.
	if len(a.Routes) > 0 {
		for k, v := range routeOutputs(e) {
			outputs[k] = v
		}
	}
	return e, ctx.RegisterResourceOutputs(e, outputs)
}

// securityGroups creates the ALB's group, admits 443 from Cloudflare (or the world), lets the ALB
// reach only the tasks' web ports (ContainerPort and the routes'), and opens those on the service group to
// the ALB alone.
func securityGroups(ctx *pulumi.Context, name string, a Args, parent pulumi.ResourceOrInvokeOption) (*ec2.SecurityGroup, error) {
	// The ALB's own group; rules are separate resources, and the provider strips AWS's default allow-all egress.
	sg, err := ec2.NewSecurityGroup(ctx, name+"-alb", &ec2.SecurityGroupArgs{
		VpcId:       a.VpcId,
		Description: pulumi.String("ALB of " + name + ": HTTP(S) in, the web tasks out"),
		Tags:        pulumi.StringMap{"Name": pulumi.String(name + "-alb")},
	}, parent)
	if err != nil {
		return nil, err
	}

	sources := []string{"0.0.0.0/0"}
	from := "the internet"
	if a.CloudflareOnly {
		// Cloudflare's published ranges, read at deploy time: a change in the list shows as a diff.
		ranges, err := cloudflare.GetIpRanges(ctx, parent)
		if err != nil {
			return nil, fmt.Errorf("edge: Cloudflare IP ranges: %w", err)
		}
		if len(ranges.Ipv4CidrBlocks) == 0 {
			return nil, fmt.Errorf("edge: Cloudflare returned no IPv4 ranges")
		}
		sources, from = ranges.Ipv4CidrBlocks, "Cloudflare"
	}
	for _, cidr := range sources {
		for _, p := range []struct {
			label string
			port  int
		}{{"https", 443}} {
			// Named by CIDR, not position, so a new Cloudflare range adds a rule without renaming the others.
			if _, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-alb-%s-%s", name, p.label, cidrLabel(cidr)), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: sg.ID(),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(p.port),
				ToPort:          pulumi.Int(p.port),
				CidrIpv4:        pulumi.String(cidr),
				Description:     pulumi.String(fmt.Sprintf("%s from %s %s", strings.ToUpper(p.label), from, cidr)),
			}, parent); err != nil {
				return nil, err
			}
		}
	}

	// The ALB talks to the web tasks' nginx and nothing else.
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-alb-to-web", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           sg.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(a.ContainerPort),
		ToPort:                    pulumi.Int(a.ContainerPort),
		ReferencedSecurityGroupId: a.ServiceSecurityGroupId,
		Description:               pulumi.String(fmt.Sprintf("nginx :%d in the web tasks", a.ContainerPort)),
	}, parent); err != nil {
		return nil, err
	}
	// The tasks admit nginx's port from the ALB only.
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-web-from-alb", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           a.ServiceSecurityGroupId,
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(a.ContainerPort),
		ToPort:                    pulumi.Int(a.ContainerPort),
		ReferencedSecurityGroupId: sg.ID(),
		Description:               pulumi.String(fmt.Sprintf("nginx :%d from the ALB of %s", a.ContainerPort, name)),
	}, parent); err != nil {
		return nil, err
	}
	// The routes' ports, each once: the ALB reaches them, the tasks admit them from the ALB alone. Named by
	// port, so routes sharing a port share the pair and renaming a route moves no rule.
	for _, port := range extraPorts(a) {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-alb-to-web-%d", name, port), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(port),
			ToPort:                    pulumi.Int(port),
			ReferencedSecurityGroupId: a.ServiceSecurityGroupId,
			Description:               pulumi.String(fmt.Sprintf("routed web services :%d in the tasks", port)),
		}, parent); err != nil {
			return nil, err
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-web-from-alb-%d", name, port), &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           a.ServiceSecurityGroupId,
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(port),
			ToPort:                    pulumi.Int(port),
			ReferencedSecurityGroupId: sg.ID(),
			Description:               pulumi.String(fmt.Sprintf("routed web services :%d from the ALB of %s", port, name)),
		}, parent); err != nil {
			return nil, err
		}
	}
	return sg, nil
}

// certificate requests the ACM certificate, publishes its DNS validation records in the Cloudflare zone and
// returns the ARN as the validation resource gives it, so that users of the ARN wait for issuance.
func certificate(ctx *pulumi.Context, name string, a Args, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	names := []string{a.Domain}
	if a.Wildcard {
		names = append(names, "*."+a.Domain)
	}
	// Left unset without a wildcard: an explicit empty list would fight the provider's computed value.
	var sans pulumi.StringArrayInput
	if len(names) > 1 {
		sans = pulumi.ToStringArray(names[1:])
	}
	// DNS validation renews by itself as long as the records stay. A replacement certificate is created
	// before the old one is deleted (Pulumi's default), so the listener always has one.
	cert, err := acm.NewCertificate(ctx, name+"-cert", &acm.CertificateArgs{
		DomainName:              pulumi.String(a.Domain),
		SubjectAlternativeNames: sans,
		ValidationMethod:        pulumi.String("DNS"),
		Tags:                    pulumi.StringMap{"Name": pulumi.String(a.Domain)},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}

	// ACM answers one validation option per name, but a wildcard and its base name share one record: one
	// Cloudflare record per distinct base name, each reading its option by name.
	var fqdns pulumi.StringArray
	for _, base := range validationNames(names) {
		option := func(field func(acm.CertificateDomainValidationOption) *string) pulumi.StringOutput {
			return cert.DomainValidationOptions.ApplyT(func(opts []acm.CertificateDomainValidationOption) (string, error) {
				for _, o := range opts {
					if o.DomainName != nil && strings.TrimPrefix(*o.DomainName, "*.") == base && field(o) != nil {
						// Cloudflare stores names and targets without the trailing dot; sending it makes a
						// perpetual diff.
						return strings.TrimSuffix(*field(o), "."), nil
					}
				}
				return "", fmt.Errorf("edge: ACM returned no validation record for %s", base)
			}).(pulumi.StringOutput)
		}
		// Validation records are DNS-only: proxying them would hide the CNAME ACM looks for.
		rec, err := cloudflare.NewRecord(ctx, name+"-cert-validation-"+base, &cloudflare.RecordArgs{
			ZoneId:  pulumi.String(a.ZoneId),
			Name:    option(func(o acm.CertificateDomainValidationOption) *string { return o.ResourceRecordName }),
			Type:    pulumi.String("CNAME"),
			Content: option(func(o acm.CertificateDomainValidationOption) *string { return o.ResourceRecordValue }),
			Proxied: pulumi.Bool(false),
			Ttl:     pulumi.Int(60),
			Comment: pulumi.String(truncate("ACM DNS validation for "+base+" ("+name+", Pulumi)", 100)), // Free plans: 100 characters
		}, parent)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		fqdns = append(fqdns, rec.Hostname)
	}
	validation, err := acm.NewCertificateValidation(ctx, name+"-cert", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: fqdns,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return validation.CertificateArn, nil
}

// validationNames returns the distinct names ACM validates for a certificate's names: a wildcard shares its
// base name's record, so "example.com" and "*.example.com" need one.
func validationNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		base := strings.TrimPrefix(n, "*.")
		if !seen[base] {
			seen[base] = true
			out = append(out, base)
		}
	}
	return out
}

// originPulls stores Cloudflare's origin-pull CA, builds the ALB trust store from it and turns the zone's
// Authenticated Origin Pulls on; it returns the listener's mutual-authentication block and the zone setting.
func originPulls(ctx *pulumi.Context, name string, a Args, parent pulumi.ResourceOrInvokeOption) (lb.ListenerMutualAuthenticationPtrInput, pulumi.Resource, error) {
	obj, err := caBundle(ctx, name, parent)
	if err != nil {
		return nil, nil, err
	}
	// The trust store pins the object version, so a new CA bundle updates the store instead of going unseen.
	// Auto-named within 32 characters like the target group, hence the component's name as logical name.
	store, err := lb.NewTrustStore(ctx, name, &lb.TrustStoreArgs{
		CaCertificatesBundleS3Bucket:        obj.Bucket,
		CaCertificatesBundleS3Key:           obj.Key,
		CaCertificatesBundleS3ObjectVersion: obj.VersionId,
		Tags:                                pulumi.StringMap{"Name": pulumi.String(name + "-cloudflare-origin-pull")},
	}, parent, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name + "-aop")}}))
	if err != nil {
		return nil, nil, err
	}
	// Cloudflare presents its origin-pull client certificate to every origin of the zone.
	zoneAop, err := cloudflare.NewAuthenticatedOriginPulls(ctx, name+"-aop", &cloudflare.AuthenticatedOriginPullsArgs{
		ZoneId:  pulumi.String(a.ZoneId),
		Enabled: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return &lb.ListenerMutualAuthenticationArgs{
		Mode:                          pulumi.String("verify"),
		TrustStoreArn:                 store.Arn,
		IgnoreClientCertificateExpiry: pulumi.Bool(false),
	}, zoneAop, nil
}

// cidrLabel turns "173.245.48.0/20" into "173-245-48-0-20" for logical names.
func cidrLabel(cidr string) string {
	return strings.NewReplacer(".", "-", "/", "-", ":", "-").Replace(cidr)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
