package edge

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	zone      = "0123456789abcdef0123456789abcdef"
	serviceSg = "sg-0service0000000"
	domain    = "app.example.com"
)

// Resource types the tests look at.
const (
	tListener     = "aws:lb/listener:Listener"
	tTargetGroup  = "aws:lb/targetGroup:TargetGroup"
	tAlb          = "aws:lb/loadBalancer:LoadBalancer"
	tSg           = "aws:ec2/securityGroup:SecurityGroup"
	tIngress      = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress       = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tBucket       = "aws:s3/bucketV2:BucketV2"
	tPolicy       = "aws:s3/bucketPolicy:BucketPolicy"
	tPab          = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tOwnership    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tSse          = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tLifecycle    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tVersioning   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	tObject       = "aws:s3/bucketObjectv2:BucketObjectv2"
	tCert         = "aws:acm/certificate:Certificate"
	tValidation   = "aws:acm/certificateValidation:CertificateValidation"
	tRecord       = "cloudflare:index/record:Record"
	tZoneSettings = "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride"
	tAop          = "cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"
	tTrustStore   = "aws:lb/trustStore:TrustStore"
)

// devArgs and prodArgs are what main passes for each environment.
func devArgs() Args {
	return Args{
		VpcId:                  pulumi.String("vpc-0abc0000000000000"),
		PublicSubnetIds:        pulumi.StringArray{pulumi.String("subnet-0a"), pulumi.String("subnet-0b")},
		ServiceSecurityGroupId: pulumi.String(serviceSg),
		Domain:                 domain,
		ZoneId:                 zone,
		Wildcard:               true,
		CloudflareOnly:         true,
		ManageZoneSettings:     true,
		AccessLogRetentionDays: 30,
		ForceDestroy:           true,
	}
}

func prodArgs() Args {
	a := devArgs()
	a.AccessLogRetentionDays = 365
	a.DeletionProtection, a.Versioning, a.Protect, a.ForceDestroy = true, true, true, false
	return a
}

func with(a Args, change func(*Args)) Args {
	change(&a)
	return a
}

// run plans one Edge under the recording mock in a region.
func run(t *testing.T, args Args, region string) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec
}

func one(t *testing.T, rec *plan.Recorder, typ, name string) *plan.Resource {
	t.Helper()
	r := rec.Find(typ, name)
	require.NotNil(t, r, "%s %s", typ, name)
	return r
}

func TestListeners(t *testing.T) {
	tests := []struct {
		name       string
		give       Args
		wantPolicy string
	}{
		{"default policy", devArgs(), "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"},
		{"TLS 1.3 only", with(devArgs(), func(a *Args) { a.TlsPolicy = "ELBSecurityPolicy-TLS13-1-3-2021-06" }), "ELBSecurityPolicy-TLS13-1-3-2021-06"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give, "ap-southeast-2")
			// HTTPS only: Cloudflare redirects http:// at the edge (Security Hub ELB.18 fails any other listener).
			require.Len(t, rec.ByType(tListener), 1)
			alb := one(t, rec, tAlb, "fp-test-alb")
			tg := one(t, rec, tTargetGroup, "fp-test")
			cert := one(t, rec, tCert, "fp-test-cert")

			https := one(t, rec, tListener, "fp-test-https")
			assert.Equal(t, alb.Outputs["arn"], https.In("loadBalancerArn"))
			assert.Equal(t, float64(443), https.In("port"))
			assert.Equal(t, "HTTPS", https.Str("protocol"))
			assert.Equal(t, tt.wantPolicy, https.Str("sslPolicy"))
			assert.NotEqual(t, "ELBSecurityPolicy-2016-08", https.Str("sslPolicy"))
			assert.Equal(t, cert.Outputs["arn"], https.In("certificateArn"))
			require.Len(t, https.In("defaultActions"), 1)
			assert.Equal(t, "forward", https.Str("defaultActions.0.type"))
			assert.Equal(t, tg.Outputs["arn"], https.In("defaultActions.0.targetGroupArn"))
			assert.Nil(t, https.In("mutualAuthentication"))
			// The certificate ARN comes from the validation, so the listener waits for issuance.
			assert.Contains(t, https.Dependencies, one(t, rec, tValidation, "fp-test-cert").URN)
		})
	}
}

func TestTargetGroupIsIpOnNginxPortWithHealthCheck(t *testing.T) {
	tests := []struct {
		name     string
		give     Args
		wantPath string
		wantPort float64
	}{
		{"defaults", devArgs(), "/up", 8080},
		{"guide's path", with(devArgs(), func(a *Args) { a.HealthCheckPath = "/health" }), "/health", 8080},
		{"other port", with(devArgs(), func(a *Args) { a.ContainerPort = 8081 }), "/up", 8081},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give, "ap-southeast-2")
			tgs := rec.ByType(tTargetGroup)
			require.Len(t, tgs, 1)
			tg := tgs[0]
			assert.Equal(t, "ip", tg.Str("targetType"))
			assert.Equal(t, "HTTP", tg.Str("protocol"))
			assert.Equal(t, tt.wantPort, tg.In("port"))
			assert.Equal(t, "vpc-0abc0000000000000", tg.Str("vpcId"))
			assert.Equal(t, float64(30), tg.In("deregistrationDelay"))
			assert.Equal(t, true, tg.In("healthCheck.enabled"))
			assert.Equal(t, tt.wantPath, tg.Str("healthCheck.path"))
			assert.Equal(t, "HTTP", tg.Str("healthCheck.protocol"))
			assert.Equal(t, "traffic-port", tg.Str("healthCheck.port"))
			assert.Equal(t, "200", tg.Str("healthCheck.matcher"))
			assert.Equal(t, float64(2), tg.In("healthCheck.healthyThreshold"))
			assert.Equal(t, float64(3), tg.In("healthCheck.unhealthyThreshold"))
			assert.Equal(t, float64(15), tg.In("healthCheck.interval"))
			assert.Equal(t, float64(5), tg.In("healthCheck.timeout"))
			assert.LessOrEqual(t, len(tg.Outputs["name"].(string)), 32)
		})
	}
}

// albIngress returns the ALB group's ingress rules as "cidr:port".
func albIngress(t *testing.T, rec *plan.Recorder) []string {
	t.Helper()
	sgID := one(t, rec, tSg, "fp-test-alb").ID
	var got []string
	for _, r := range rec.ByType(tIngress) {
		if r.Str("securityGroupId") != sgID {
			continue
		}
		assert.Equal(t, "tcp", r.Str("ipProtocol"))
		assert.Equal(t, r.In("fromPort"), r.In("toPort"))
		assert.NotEmpty(t, r.Str("description"))
		assert.Nil(t, r.In("referencedSecurityGroupId"))
		got = append(got, fmt.Sprintf("%s:%v", r.Str("cidrIpv4"), r.In("fromPort")))
	}
	sort.Strings(got)
	return got
}

func TestAlbAdmitsOnlyCloudflareRanges(t *testing.T) {
	rec := run(t, devArgs(), "ap-southeast-2")
	var want []string
	for _, cidr := range plan.CloudflareIPv4 {
		want = append(want, cidr+":443")
	}
	sort.Strings(want)
	got := albIngress(t, rec)
	assert.Equal(t, want, got)
	for _, g := range got {
		assert.False(t, strings.HasPrefix(g, "0.0.0.0/0"), g)
	}
	assert.Contains(t, rec.Invokes(), "cloudflare:index/getIpRanges:getIpRanges")
}

func TestAlbOpenToTheWorldOnlyWhenCloudflareOnlyIsOff(t *testing.T) {
	rec := run(t, with(devArgs(), func(a *Args) { a.CloudflareOnly = false }), "ap-southeast-2")
	assert.Equal(t, []string{"0.0.0.0/0:443"}, albIngress(t, rec))
	assert.NotContains(t, rec.Invokes(), "cloudflare:index/getIpRanges:getIpRanges")
}

func TestServiceGroupAdmitsNginxFromTheAlbOnly(t *testing.T) {
	rec := run(t, devArgs(), "ap-southeast-2")
	albSg := one(t, rec, tSg, "fp-test-alb")

	var onService []*plan.Resource
	for _, r := range rec.ByType(tIngress) {
		if r.Str("securityGroupId") == serviceSg {
			onService = append(onService, r)
		}
	}
	require.Len(t, onService, 1)
	assert.Equal(t, "tcp", onService[0].Str("ipProtocol"))
	assert.Equal(t, float64(8080), onService[0].In("fromPort"))
	assert.Equal(t, float64(8080), onService[0].In("toPort"))
	assert.Equal(t, albSg.ID, onService[0].Str("referencedSecurityGroupId"))
	assert.Nil(t, onService[0].In("cidrIpv4"))

	egress := rec.ByType(tEgress)
	require.Len(t, egress, 1)
	assert.Equal(t, albSg.ID, egress[0].Str("securityGroupId"))
	assert.Equal(t, serviceSg, egress[0].Str("referencedSecurityGroupId"))
	assert.Equal(t, float64(8080), egress[0].In("fromPort"))
	assert.Equal(t, float64(8080), egress[0].In("toPort"))
	assert.Nil(t, egress[0].In("cidrIpv4"))
	assert.Nil(t, albSg.In("ingress"))
	assert.Nil(t, albSg.In("egress"))
}

func TestAlbAttributesPerEnvironment(t *testing.T) {
	tests := []struct {
		name               string
		give               Args
		wantDeletionProtec bool
		wantIdle           float64
	}{
		{"dev", devArgs(), false, 60},
		{"prod", with(prodArgs(), func(a *Args) { a.IdleTimeoutSeconds = 120 }), true, 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give, "ap-southeast-2")
			albs := rec.ByType(tAlb)
			require.Len(t, albs, 1)
			alb := albs[0]
			logs := one(t, rec, tBucket, "fp-test-alb-logs")

			assert.Equal(t, "fp-test", alb.Str("name"))
			assert.Equal(t, false, alb.In("internal"))
			assert.Equal(t, "application", alb.Str("loadBalancerType"))
			assert.Equal(t, "ipv4", alb.Str("ipAddressType"))
			assert.Equal(t, []any{"subnet-0a", "subnet-0b"}, alb.In("subnets"))
			assert.Equal(t, []any{one(t, rec, tSg, "fp-test-alb").ID}, alb.In("securityGroups"))
			assert.Equal(t, true, alb.In("dropInvalidHeaderFields"))
			assert.Equal(t, tt.wantDeletionProtec, alb.In("enableDeletionProtection"))
			assert.Equal(t, tt.wantIdle, alb.In("idleTimeout"))
			assert.Equal(t, logs.ID, alb.Str("accessLogs.bucket"))
			assert.Equal(t, true, alb.In("accessLogs.enabled"))
			assert.Equal(t, "alb", alb.Str("accessLogs.prefix"))
			// Access logs are enabled only once ELB may write to the bucket.
			assert.Contains(t, alb.Dependencies, one(t, rec, tPolicy, "fp-test-alb-logs").URN)
		})
	}
}

func TestAccessLogBucketPolicyNamesTheRegionsLogDelivery(t *testing.T) {
	tests := []struct {
		name          string
		region        string
		wantPrincipal iampolicy.Principal
		wantInvoke    bool
	}{
		{"region before August 2022: the ELB account", "ap-southeast-2",
			iampolicy.Principal{AWS: []string{"arn:aws:iam::783225319266:root"}}, true},
		{"newer region: the log delivery service", "ap-southeast-4",
			iampolicy.Principal{Service: []string{"logdelivery.elasticloadbalancing.amazonaws.com"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, devArgs(), tt.region)
			bucketArn := one(t, rec, tBucket, "fp-test-alb-logs").Outputs["arn"].(string)
			doc, err := iampolicy.Parse(one(t, rec, tPolicy, "fp-test-alb-logs").Str("policy"))
			require.NoError(t, err)
			require.Len(t, doc.Statement, 2)

			write := doc.Statement[0]
			assert.Equal(t, "Allow", write.Effect)
			assert.Equal(t, tt.wantPrincipal, *write.Principal)
			assert.Equal(t, []string{"s3:PutObject"}, write.Action)
			assert.Equal(t, []string{bucketArn + "/alb/AWSLogs/" + plan.Account + "/*"}, write.Resource)
			assert.Empty(t, write.Condition)

			assertDeniesInsecureTransport(t, doc.Statement[1], bucketArn)
			assert.Equal(t, tt.wantInvoke, contains(rec.Invokes(), "aws:elb/getServiceAccount:getServiceAccount"))
		})
	}
}

func assertDeniesInsecureTransport(t *testing.T, s iampolicy.Statement, bucketArn string) {
	t.Helper()
	assert.Equal(t, "Deny", s.Effect)
	assert.Equal(t, []string{"*"}, s.Principal.AWS)
	assert.Equal(t, []string{"s3:*"}, s.Action)
	assert.Equal(t, []string{bucketArn, bucketArn + "/*"}, s.Resource)
	assert.Equal(t, iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, s.Condition)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestAccessLogBucketIsPrivateEncryptedAndExpiring(t *testing.T) {
	tests := []struct {
		name             string
		give             Args
		wantDays         float64
		wantVersioning   int
		wantForceDestroy bool
		wantProtect      bool
	}{
		{"dev", devArgs(), 30, 0, true, false},
		{"prod", prodArgs(), 365, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give, "ap-southeast-2")
			require.Len(t, rec.ByType(tBucket), 1, "no CA bucket without Authenticated Origin Pulls")
			b := one(t, rec, tBucket, "fp-test-alb-logs")
			assert.Equal(t, tt.wantForceDestroy, b.In("forceDestroy"))
			assert.Equal(t, tt.wantProtect, b.Protect)

			pab := one(t, rec, tPab, "fp-test-alb-logs")
			assert.Equal(t, b.ID, pab.Str("bucket"))
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				assert.Equal(t, true, pab.In(k), k)
			}
			assert.Equal(t, "BucketOwnerEnforced", one(t, rec, tOwnership, "fp-test-alb-logs").Str("rule.objectOwnership"))

			sse := one(t, rec, tSse, "fp-test-alb-logs")
			require.Len(t, sse.In("rules"), 1)
			assert.Equal(t, "AES256", sse.Str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
			assert.Nil(t, sse.In("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"))

			lc := one(t, rec, tLifecycle, "fp-test-alb-logs")
			require.Len(t, lc.In("rules"), 1)
			assert.Equal(t, "Enabled", lc.Str("rules.0.status"))
			assert.Equal(t, tt.wantDays, lc.In("rules.0.expiration.days"))
			assert.Equal(t, float64(7), lc.In("rules.0.abortIncompleteMultipartUpload.daysAfterInitiation"))

			versioning := rec.ByType(tVersioning)
			require.Len(t, versioning, tt.wantVersioning)
			if tt.wantVersioning == 1 {
				assert.Equal(t, "Enabled", versioning[0].Str("versioningConfiguration.status"))
				assert.Equal(t, float64(30), lc.In("rules.0.noncurrentVersionExpiration.noncurrentDays"))
			} else {
				assert.Nil(t, lc.In("rules.0.noncurrentVersionExpiration"))
			}
		})
	}
}

func TestCertificateAndOneValidationRecordPerName(t *testing.T) {
	tests := []struct {
		name     string
		wildcard bool
		wantSans any
	}{
		{"domain and wildcard", true, []any{"*.app.example.com"}},
		{"domain only", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, with(devArgs(), func(a *Args) { a.Wildcard = tt.wildcard }), "ap-southeast-2")
			certs := rec.ByType(tCert)
			require.Len(t, certs, 1)
			cert := certs[0]
			assert.Equal(t, domain, cert.Str("domainName"))
			assert.Equal(t, "DNS", cert.Str("validationMethod"))
			if tt.wantSans == nil {
				assert.Nil(t, cert.In("subjectAlternativeNames"))
			} else {
				assert.Equal(t, tt.wantSans, cert.In("subjectAlternativeNames"))
			}

			// ACM's answer for the domain (the wildcard's is the same record).
			opts := cert.Outputs["domainValidationOptions"].([]any)
			want := opts[0].(map[string]any)
			require.Equal(t, domain, want["domainName"])

			var validation []*plan.Resource
			for _, r := range rec.ByType(tRecord) {
				if strings.HasPrefix(r.Name, "fp-test-cert-validation-") {
					validation = append(validation, r)
				}
			}
			require.Len(t, validation, 1, "a wildcard shares its base name's record")
			r := validation[0]
			assert.Equal(t, zone, r.Str("zoneId"))
			assert.Equal(t, "CNAME", r.Str("type"))
			assert.Equal(t, strings.TrimSuffix(want["resourceRecordName"].(string), "."), r.Str("name"))
			assert.Equal(t, strings.TrimSuffix(want["resourceRecordValue"].(string), "."), r.Str("content"))
			assert.False(t, strings.HasSuffix(r.Str("content"), "."))
			assert.Equal(t, false, r.In("proxied"))
			assert.Equal(t, float64(60), r.In("ttl"))

			v := rec.ByType(tValidation)
			require.Len(t, v, 1)
			assert.Equal(t, cert.Outputs["arn"], v[0].In("certificateArn"))
			assert.Equal(t, []any{r.Outputs["hostname"]}, v[0].In("validationRecordFqdns"))
		})
	}
}

func TestValidationNames(t *testing.T) {
	tests := []struct {
		give []string
		want []string
	}{
		{[]string{"example.com", "*.example.com"}, []string{"example.com"}},
		{[]string{"app.example.com"}, []string{"app.example.com"}},
		{[]string{"example.com", "*.example.com", "www.example.org"}, []string{"example.com", "www.example.org"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, validationNames(tt.give))
	}
}

func TestAppRecordIsAProxiedCnameToTheAlb(t *testing.T) {
	rec := run(t, devArgs(), "ap-southeast-2")
	r := one(t, rec, tRecord, "fp-test-app")
	alb := one(t, rec, tAlb, "fp-test-alb")
	assert.Equal(t, zone, r.Str("zoneId"))
	assert.Equal(t, domain, r.Str("name"))
	assert.Equal(t, "CNAME", r.Str("type"))
	assert.Equal(t, alb.Outputs["dnsName"], r.In("content"))
	assert.Equal(t, true, r.In("proxied"))
	assert.Equal(t, float64(1), r.In("ttl"))
	// Live only once HTTPS answers and the zone verifies the origin certificate.
	assert.Contains(t, r.Dependencies, one(t, rec, tListener, "fp-test-https").URN)
	assert.Contains(t, r.Dependencies, one(t, rec, tZoneSettings, "fp-test-zone-tls").URN)
}

func TestZoneSettings(t *testing.T) {
	tests := []struct {
		name string
		give bool
		want int
	}{
		{"managed", true, 1},
		{"shared zone left alone", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, with(devArgs(), func(a *Args) { a.ManageZoneSettings = tt.give }), "ap-southeast-2")
			zs := rec.ByType(tZoneSettings)
			require.Len(t, zs, tt.want)
			if tt.want == 0 {
				return
			}
			assert.Equal(t, zone, zs[0].Str("zoneId"))
			assert.Equal(t, "strict", zs[0].Str("settings.ssl"))
			assert.Equal(t, "on", zs[0].Str("settings.alwaysUseHttps"))
			assert.Equal(t, "1.2", zs[0].Str("settings.minTlsVersion"))
			assert.Equal(t, "on", zs[0].Str("settings.tls13"))
		})
	}
}

func TestAuthenticatedOriginPulls(t *testing.T) {
	t.Run("off: no trust store, no CA bucket, no client certificates asked", func(t *testing.T) {
		rec := run(t, devArgs(), "ap-southeast-2")
		assert.Len(t, rec.ByType(tTrustStore), 0)
		assert.Len(t, rec.ByType(tObject), 0)
		assert.Len(t, rec.ByType(tAop), 0)
		assert.Nil(t, one(t, rec, tListener, "fp-test-https").In("mutualAuthentication"))
	})
	t.Run("on: the ALB verifies Cloudflare's client certificate", func(t *testing.T) {
		rec := run(t, with(prodArgs(), func(a *Args) { a.AuthenticatedOriginPulls = true }), "ap-southeast-2")
		bucket := one(t, rec, tBucket, "fp-test-aop-ca")
		assert.Equal(t, true, bucket.In("forceDestroy"))
		assert.False(t, bucket.Protect)
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			assert.Equal(t, true, one(t, rec, tPab, "fp-test-aop-ca").In(k), k)
		}
		assert.Equal(t, "AES256", one(t, rec, tSse, "fp-test-aop-ca").Str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
		assert.Equal(t, "Enabled", one(t, rec, tVersioning, "fp-test-aop-ca").Str("versioningConfiguration.status"))
		doc, err := iampolicy.Parse(one(t, rec, tPolicy, "fp-test-aop-ca").Str("policy"))
		require.NoError(t, err)
		require.Len(t, doc.Statement, 1)
		assertDeniesInsecureTransport(t, doc.Statement[0], bucket.Outputs["arn"].(string))

		objects := rec.ByType(tObject)
		require.Len(t, objects, 1)
		obj := objects[0]
		assert.Equal(t, bucket.ID, obj.Str("bucket"))
		assert.Equal(t, "cloudflare/origin-pull-ca.pem", obj.Str("key"))
		assert.Equal(t, originPullCA, obj.Str("content"))

		stores := rec.ByType(tTrustStore)
		require.Len(t, stores, 1)
		assert.Equal(t, bucket.ID, stores[0].Str("caCertificatesBundleS3Bucket"))
		assert.Equal(t, "cloudflare/origin-pull-ca.pem", stores[0].Str("caCertificatesBundleS3Key"))
		assert.Equal(t, obj.Outputs["versionId"], stores[0].In("caCertificatesBundleS3ObjectVersion"))

		aop := rec.ByType(tAop)
		require.Len(t, aop, 1)
		assert.Equal(t, zone, aop[0].Str("zoneId"))
		assert.Equal(t, true, aop[0].In("enabled"))
		assert.Nil(t, aop[0].In("hostname"))

		https := one(t, rec, tListener, "fp-test-https")
		assert.Equal(t, "verify", https.Str("mutualAuthentication.mode"))
		assert.Equal(t, stores[0].Outputs["arn"], https.In("mutualAuthentication.trustStoreArn"))
		assert.Equal(t, false, https.In("mutualAuthentication.ignoreClientCertificateExpiry"))
		assert.Contains(t, https.Dependencies, aop[0].URN, "Cloudflare presents its certificate before the ALB demands it")
	})
}

func TestOriginPullCAIsCloudflares(t *testing.T) {
	block, rest := pem.Decode([]byte(originPullCA))
	require.NotNil(t, block)
	assert.Empty(t, strings.TrimSpace(string(rest)))
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, "origin-pull.cloudflare.net", cert.Subject.CommonName)
	assert.Equal(t, []string{"CloudFlare, Inc."}, cert.Subject.Organization)
	assert.True(t, cert.IsCA)
	// A changed byte breaks the self-signature.
	require.NoError(t, cert.CheckSignatureFrom(cert))
	assert.Equal(t, time.Date(2029, 11, 1, 17, 0, 0, 0, time.UTC), cert.NotAfter.UTC())
	assert.True(t, time.Now().Before(cert.NotAfter), "Cloudflare's origin-pull CA has expired: replace origin-pull-ca.pem")
}

func TestTargetGroupArnWaitsForTheHttpsListener(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	args := devArgs()
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		e, err := New(ctx, "fp-test", &args)
		if err != nil {
			return err
		}
		// Stand-ins for the web service and the scaling policy, which take these values.
		for n, v := range map[string]pulumi.StringOutput{"tg": e.TargetGroupArn, "label": e.AlbResourceLabel, "url": e.Url} {
			if _, err := ssm.NewParameter(ctx, "consumer-"+n, &ssm.ParameterArgs{
				Type: pulumi.String("String"), Value: pulumi.String("-"), Description: v}); err != nil {
				return err
			}
		}
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)

	tg := one(t, rec, tTargetGroup, "fp-test")
	alb := one(t, rec, tAlb, "fp-test-alb")
	consumer := one(t, rec, "aws:ssm/parameter:Parameter", "consumer-tg")
	assert.Equal(t, tg.Outputs["arn"], consumer.In("description"))
	assert.Contains(t, consumer.Dependencies, one(t, rec, tListener, "fp-test-https").URN)

	label := one(t, rec, "aws:ssm/parameter:Parameter", "consumer-label")
	assert.Equal(t, fmt.Sprintf("%s/%s", alb.Outputs["arnSuffix"], tg.Outputs["arnSuffix"]), label.Str("description"))
	assert.Regexp(t, `^app/fp-test/[0-9a-f]+/targetgroup/fp-test-[0-9a-f]+/[0-9a-f]+$`, label.Str("description"))
	assert.Equal(t, "https://app.example.com", one(t, rec, "aws:ssm/parameter:Parameter", "consumer-url").Str("description"))
}

func TestEveryChildBelongsToItsEdgeAndTwoEdgesCoexist(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for _, n := range []string{"fp-blue", "fp-green"} {
			a := with(prodArgs(), func(a *Args) {
				a.AuthenticatedOriginPulls = true
				a.Domain = strings.TrimPrefix(n, "fp-") + ".example.com"
			})
			if _, err := New(ctx, n, &a); err != nil {
				return err
			}
		}
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err, "children of two edges must not share a name")
	components := rec.ByType("fargate-platform:edge:Edge")
	require.Len(t, components, 2)
	for _, r := range rec.Resources() {
		if r.Type == "fargate-platform:edge:Edge" {
			continue
		}
		assert.True(t, r.Parent == components[0].URN || r.Parent == components[1].URN, "%s %s", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "fp-blue") || strings.HasPrefix(r.Name, "fp-green"), r.Name)
	}
}

func TestBadArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		give    Args
		compo   string
		wantErr string
	}{
		{"guide's outdated policy", with(devArgs(), func(a *Args) { a.TlsPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01" }), "fp-test", "TlsPolicy"},
		{"API default policy", with(devArgs(), func(a *Args) { a.TlsPolicy = "ELBSecurityPolicy-2016-08" }), "fp-test", "TlsPolicy"},
		{"TLS 1.3 policy that still accepts TLS 1.0", with(devArgs(), func(a *Args) { a.TlsPolicy = "ELBSecurityPolicy-TLS13-1-0-2021-06" }), "fp-test", "TlsPolicy"},
		{"no domain", with(devArgs(), func(a *Args) { a.Domain = "" }), "fp-test", "Domain"},
		{"upper-case domain", with(devArgs(), func(a *Args) { a.Domain = "App.example.com" }), "fp-test", "Domain"},
		{"wildcard domain", with(devArgs(), func(a *Args) { a.Domain = "*.example.com" }), "fp-test", "Domain"},
		{"trailing dot", with(devArgs(), func(a *Args) { a.Domain = "app.example.com." }), "fp-test", "Domain"},
		{"zone id", with(devArgs(), func(a *Args) { a.ZoneId = "example.com" }), "fp-test", "ZoneId"},
		{"relative health path", with(devArgs(), func(a *Args) { a.HealthCheckPath = "up" }), "fp-test", "HealthCheckPath"},
		{"idle timeout", with(devArgs(), func(a *Args) { a.IdleTimeoutSeconds = 4001 }), "fp-test", "IdleTimeoutSeconds"},
		{"port", with(devArgs(), func(a *Args) { a.ContainerPort = 70000 }), "fp-test", "ContainerPort"},
		{"retention", with(devArgs(), func(a *Args) { a.AccessLogRetentionDays = -1 }), "fp-test", "AccessLogRetentionDays"},
		{"no VPC", with(devArgs(), func(a *Args) { a.VpcId = nil }), "fp-test", "VpcId"},
		{"no service group", with(devArgs(), func(a *Args) { a.ServiceSecurityGroupId = nil }), "fp-test", "ServiceSecurityGroupId"},
		{"long name", devArgs(), "fargate-platform-production", "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, tt.compo, &tt.give)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources())
		})
	}
}
