package service

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// specArgs is a dev-like tier with declared services.
func specArgs(specs ...Spec) Args {
	a := devArgs()
	a.VpcId = pulumi.String("vpc-0test")
	a.Services = specs
	return a
}

var (
	webSpec = Spec{Name: "web", Role: RoleWeb, Rails: true, AllSecrets: true, Cpu: 512, Memory: 1024, Port: 3000,
		HealthCheckPath: "/up", User: "1000:1000", Desired: 1, Min: 1, Max: 2, Nginx: true}
	nodeWorker = Spec{Name: "node", Role: RoleWorker, Image: pulumi.String("ghcr.io/o/node@sha256:" + strings.Repeat("a", 64)),
		Command: []string{"node", "worker.js"}, Secrets: []string{"REDIS_PASSWORD"}, Cpu: 256, Memory: 512,
		User: "1000", Desired: 1, Min: 1, Max: 3, StopTimeout: 90,
		Environment: []KeyValue{{Name: "NODE_ENV", Value: "production"}}}
)

func TestAServiceWithoutThePresetGetsNothingOfRails(t *testing.T) {
	rec := run(t, specArgs(webSpec, nodeWorker))
	c := containers(t, rec, "fp-test-node")["node"]
	assert.Equal(t, []string{"node", "worker.js"}, c.Command)
	assert.True(t, strings.HasPrefix(c.Image, "ghcr.io/o/node@sha256:"))
	assert.Equal(t, 90, c.StopTimeout)
	var env []string
	for _, e := range c.Environment {
		env = append(env, e.Name)
	}
	assert.NotContains(t, env, "RAILS_ENV")
	assert.Contains(t, env, "NODE_ENV")
	require.Len(t, c.Secrets, 1)
	assert.Equal(t, "REDIS_PASSWORD", c.Secrets[0].Name, "it receives only the secret it lists")
	for _, m := range c.MountPoints {
		assert.NotContains(t, m.ContainerPath, "/rails", "no Rails paths")
	}
	// Its own execution role reads the Redis secret and nothing else.
	doc := policyDoc(t, rec, "fp-test-node-execution")
	var reads []string
	for _, s := range doc.Statement {
		if s.Sid == "ReadSecrets" || s.Sid == "ReadParameters" {
			reads = append(reads, s.Resource...)
		}
	}
	assert.Equal(t, []string{redisArn}, reads)
	assert.NotNil(t, rec.Find("aws:iam/role:Role", "fp-test-execution"), "web receives every secret through the shared role")
}

func TestReleaseTasksAreOutputInTheirOrderWithTheirGroups(t *testing.T) {
	seed := Spec{Name: "seed", Role: RoleRelease, Rails: true, AllSecrets: true, Cpu: 256, Memory: 512, User: "1000", Order: 2}
	migrate := Spec{Name: "migrate", Role: RoleRelease, Rails: true, AllSecrets: true, Cpu: 256, Memory: 512, User: "1000", Order: 1,
		Mounts: []Mount{{Volume: "files", Path: "/files", FileSystemArn: pulumi.String("arn:aws:elasticfilesystem:ap-southeast-2:123456789012:file-system/fs-1"),
			AccessPointArn:        pulumi.String("arn:aws:elasticfilesystem:ap-southeast-2:123456789012:access-point/fsap-1"),
			ClientSecurityGroupId: pulumi.String("sg-0files"), Statement: nil}}}
	migrate.Mounts[0].Statement = clientStatementForTest
	_, release, services := runDelivery(t, specArgs(webSpec, seed, migrate))
	require.Len(t, release, 2)
	assert.Equal(t, []string{"migrate", "seed"}, []string{release[0]["name"], release[1]["name"]}, "order, not declaration")
	assert.Equal(t, "sg-0service,sg-0files", release[0]["securityGroups"], "the migration wears the volume's client group")
	assert.Equal(t, "sg-0service", release[1]["securityGroups"])
	require.Len(t, services, 1, "release tasks are never rolled as services")
	assert.Equal(t, "web", services[0]["name"])
}

func TestSpecsItCannotBuildAreRefused(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"web without port", Spec{Name: "a", Role: RoleWeb, Cpu: 256, Memory: 512, User: "1", Desired: 1, Max: 1, HealthCheckPath: "/"}, "Services[a].Port"},
		{"root", Spec{Name: "a", Role: RoleWorker, Cpu: 256, Memory: 512, User: "0:0", Desired: 1, Max: 1}, "Services[a].User"},
		{"bad pair", Spec{Name: "a", Role: RoleWorker, Cpu: 256, Memory: 4096, User: "1", Desired: 1, Max: 1}, "Services[a].Cpu/Memory"},
		{"nginx on a worker", Spec{Name: "a", Role: RoleWorker, Cpu: 512, Memory: 1024, User: "1", Desired: 1, Max: 1, Nginx: true}, "Services[a].Nginx"},
		{"unknown secret", Spec{Name: "a", Role: RoleWorker, Cpu: 256, Memory: 512, User: "1", Desired: 1, Max: 1, Secrets: []string{"NOPE"}}, "Services[a].Secrets NOPE"},
		{"calls a worker", Spec{Name: "a", Role: RoleWorker, Cpu: 256, Memory: 512, User: "1", Desired: 1, Max: 1, Calls: []string{"web"}}, "Services[a].Calls web"},
		{"scheduled without cron", Spec{Name: "a", Role: RoleScheduled, Cpu: 256, Memory: 512, User: "1"}, "Services[a].Cron"},
		{"queue latency without image", Spec{Name: "a", Role: RoleWorker, Cpu: 512, Memory: 1024, User: "1", Desired: 1, Min: 1, Max: 2,
			QueueLatency: &QueueLatencyArgs{}}, "QueueLatencyImage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", region)
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				a := specArgs(webSpec, tt.spec)
				_, err := New(ctx, "fp-test", &a)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, rec.Resources(), "nothing is registered")
		})
	}
}

func clientStatementForTest(fs, ap string, readOnly bool) iampolicy.Statement {
	st := iampolicy.Allow("VolumeFiles", []string{"elasticfilesystem:ClientMount"}, fs)
	st.Condition = iampolicy.Condition{"StringEquals": {"elasticfilesystem:AccessPointArn": {ap}}}
	return st
}

// TestDatabaseUrlKeepsThePasswordOutOfTheURL: an app that reads one DATABASE_URL gets it without the
// password, and the password as PGPASSWORD from the very reference DB_PASSWORD uses, so whatever characters
// RDS puts in a rotated password, nothing needs escaping and the URL never holds it.
func TestDatabaseUrlKeepsThePasswordOutOfTheURL(t *testing.T) {
	a := specArgs(webSpec, Spec{Name: "django", Role: RoleWorker, Cpu: 256, Memory: 512, User: "1000", Desired: 1, Min: 1, Max: 1,
		Secrets: []string{"DB_PASSWORD"}, DatabaseUrl: "DATABASE_URL"})
	a.Environment = append(a.Environment, []container.Env{
		{Name: "DB_USER", Value: out("app")}, {Name: "DB_NAME", Value: out("app")},
		{Name: "DB_SSLMODE", Value: out("verify-full")}, {Name: "DB_SSLROOTCERT", Value: out("/etc/ssl/certs/rds-global-bundle.pem")},
	}...)
	c := containers(t, run(t, a), "fp-test-django")["django"]
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "postgres://app@fp-test.cabc.ap-southeast-2.rds.amazonaws.com:5432/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Frds-global-bundle.pem",
		env["DATABASE_URL"])
	refs := map[string]string{}
	for _, s := range c.Secrets {
		refs[s.Name] = s.ValueFrom
	}
	assert.Equal(t, refs["DB_PASSWORD"], refs["PGPASSWORD"], "PGPASSWORD reads the database secret's password key")
	assert.Equal(t, dbSecretArn+":password::", refs["PGPASSWORD"])
	assert.Len(t, refs, 2)
}
