package plan

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type box struct{ pulumi.ResourceState }

// program registers a component with two children, one with a secret input and protect set.
func program(ctx *pulumi.Context) error {
	c := &box{}
	if err := ctx.RegisterComponentResource("test:index:Box", "box", c); err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, "role", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
		Description:      pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput),
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketV2(ctx, "logs", &s3.BucketV2Args{Bucket: pulumi.String("my-logs")},
		pulumi.Parent(c), pulumi.Protect(true), pulumi.DependsOn([]pulumi.Resource{role})); err != nil {
		return err
	}
	return ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

func record(t *testing.T) *Recorder {
	t.Helper()
	rec := NewRecorder("proj", "dev", "ap-southeast-2")
	require.NoError(t, pulumi.RunErr(program, rec.RunOptions(nil, nil)...))
	return rec
}

func TestRecorderKeepsTheTreeAsTheEngineWould(t *testing.T) {
	rec := record(t)
	require.Len(t, rec.Resources(), 3)
	box := rec.ByType("test:index:Box")[0]
	assert.Equal(t, "urn:pulumi:dev::proj::test:index:Box::box", box.URN)
	role := rec.Find("aws:iam/role:Role", "role")
	require.NotNil(t, role)
	assert.Equal(t, "urn:pulumi:dev::proj::test:index:Box$aws:iam/role:Role::role", role.URN)
	assert.Equal(t, box.URN, role.Parent)
	bucket := rec.Find("aws:s3/bucketV2:BucketV2", "logs")
	assert.True(t, bucket.Protect)
	assert.Contains(t, bucket.Dependencies, role.URN)
	assert.Len(t, rec.Children(box.URN), 2)
}

func TestOutputsLookLikeTheProvidersAndSecretsAreBlinded(t *testing.T) {
	rec := record(t)
	role := rec.Find("aws:iam/role:Role", "role")
	assert.Equal(t, "[secret]", role.Inputs["description"])
	assert.Regexp(t, `^arn:aws:iam::123456789012:role/role-[0-9a-f]{7}$`, role.Outputs["arn"])
	bucket := rec.Find("aws:s3/bucketV2:BucketV2", "logs")
	assert.Equal(t, "arn:aws:s3:::my-logs", bucket.Outputs["arn"])
	assert.Equal(t, "my-logs", bucket.ID)
}

func TestExportRoundTrips(t *testing.T) {
	rec := record(t)
	var buf bytes.Buffer
	require.NoError(t, rec.WriteJSON(&buf, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)))
	assert.Contains(t, buf.String(), `"version": 3`)
	assert.Contains(t, buf.String(), `"type": "pulumi:pulumi:Stack"`)
	assert.NotContains(t, buf.String(), "hunter2")

	back, err := ReadExport(&buf)
	require.NoError(t, err)
	assert.Equal(t, "proj", back.Project)
	assert.Equal(t, "dev", back.Stack)
	require.Len(t, back.Resources(), 3)
	assert.True(t, back.Find("aws:s3/bucketV2:BucketV2", "logs").Protect)
	assert.Equal(t, "", back.Find("test:index:Box", "box").Parent, "top-level parent is the stack")
}

func TestTreeIndentsChildrenAndCountsTypes(t *testing.T) {
	var buf bytes.Buffer
	record(t).WriteTree(&buf)
	out := buf.String()
	assert.Contains(t, out, "  test:index:Box  box\n    aws:iam/role:Role  role\n")
	assert.Contains(t, out, "aws:s3/bucketV2:BucketV2  logs  [protected]")
	assert.Contains(t, out, "     1  aws:iam/role:Role")
}

func TestUnknownDataSourceFailsLoudly(t *testing.T) {
	rec := NewRecorder("proj", "dev", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := iam.LookupRole(ctx, &iam.LookupRoleArgs{Name: "x"})
		return err
	}, rec.RunOptions(nil, nil)...)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "no mock answer for data source aws:iam/getRole:getRole"), err.Error())
}

func TestDuplicateNamesAreRefused(t *testing.T) {
	rec := NewRecorder("proj", "dev", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for i := 0; i < 2; i++ {
			if _, err := s3.NewBucketV2(ctx, "same", &s3.BucketV2Args{}); err != nil {
				return err
			}
		}
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.Error(t, err)
}

func TestOrderIsStableAndTopological(t *testing.T) {
	first := record(t).Ordered()
	for i := 0; i < 5; i++ {
		again := record(t).Ordered()
		require.Len(t, again, len(first))
		for j := range first {
			assert.Equal(t, first[j].URN, again[j].URN)
		}
	}
	pos := map[string]int{}
	for i, r := range first {
		pos[r.URN] = i
	}
	for _, r := range first {
		if p, recorded := pos[r.Parent]; recorded { // top-level resources hang off the root stack
			assert.Less(t, p, pos[r.URN], "%s before its parent", r.URN)
		}
		for _, d := range r.Dependencies {
			assert.Less(t, pos[d], pos[r.URN], "%s before its dependency", r.URN)
		}
	}
}

func TestStraysNamesWhatEscapesTheComponent(t *testing.T) {
	rec := record(t)
	assert.Empty(t, rec.Strays("test:index:Box", ""))
	assert.Len(t, rec.Strays("test:index:Box", "role"), 1, "the bucket is not named from the prefix")
	assert.Equal(t, []string{"0 components of type test:index:Nope, want 1"}, rec.Strays("test:index:Nope", ""))
}
