package tests

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// fakeEngine stands in for the Pulumi engine and resource monitor a `pulumi up` starts the program
// against: it answers the calls a run makes before and around the program's body, and records the
// diagnostics the program logs and the resources it registers.
type fakeEngine struct {
	pulumirpc.UnimplementedEngineServer
	pulumirpc.UnimplementedResourceMonitorServer

	mu         sync.Mutex
	logs       []*pulumirpc.LogRequest
	registered []string
}

func (e *fakeEngine) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs = append(e.logs, req)
	return &emptypb.Empty{}, nil
}

func (e *fakeEngine) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	return &pulumirpc.GetRootResourceResponse{}, nil
}

func (e *fakeEngine) SetRootResource(context.Context, *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	return &pulumirpc.SetRootResourceResponse{}, nil
}

func (e *fakeEngine) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	return &pulumirpc.DeploymentInfo{}, nil
}

func (e *fakeEngine) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.registered = append(e.registered, req.GetType())
	return &pulumirpc.RegisterResourceResponse{
		Urn:    "urn:pulumi:dev::fargate-platform::" + req.GetType() + "::" + req.GetName(),
		Object: &structpb.Struct{},
	}, nil
}

func (e *fakeEngine) RegisterResourceOutputs(context.Context, *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (e *fakeEngine) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// runUnderEngine runs the built program as the Go language host does for `pulumi up`: no arguments,
// the engine's addresses and the stack config in the environment (PULUMI_CONFIG, and
// PULUMI_CONFIG_SECRET_KEYS for the keys whose values are secure).
func runUnderEngine(t *testing.T, cfg map[string]string, secretKeys []string) (*fakeEngine, int) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	engine := &fakeEngine{}
	pulumirpc.RegisterEngineServer(srv, engine)
	pulumirpc.RegisterResourceMonitorServer(srv, engine)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	config, err := json.Marshal(cfg)
	require.NoError(t, err)
	secrets, err := json.Marshal(secretKeys)
	require.NoError(t, err)
	cmd := exec.Command(binary)
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"PULUMI_MONITOR="+lis.Addr().String(), "PULUMI_ENGINE="+lis.Addr().String(),
		"PULUMI_PROJECT=fargate-platform", "PULUMI_STACK=dev", "PULUMI_DRY_RUN=true",
		"PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secrets))
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, string(out))
	}
	return engine, code
}

// TestBadConfigUnderPulumiUpIsReportedOnce: the checks `plan` makes hold when the engine runs the
// program, the problems reach the engine once, as one list without the SDK's "1 error occurred"
// wrapper, and the run ends before any resource but the stack itself.
func TestBadConfigUnderPulumiUpIsReportedOnce(t *testing.T) {
	cfg := map[string]string{
		"aws:region":                        "ap-southeast-2",
		"fargate-platform:environment":      "dev",
		"fargate-platform:domain":           "app.example.com",
		"fargate-platform:cloudflareZoneId": "023e105f4ecef8ad9ca31a8372d0c353",
		"fargate-platform:appImageTag":      "3f9c2a1",
		"fargate-platform:nginxImageTag":    "3f9c2a1",
		"fargate-platform:webcpu":           "4096",
		"fargate-platform:appSecrets":       `{"SECRET_KEY_BASE":"plaintext-7d1f0c9a"}`,
		"fargate-platform:alarmWebhookUrl":  "https://hooks.example.com/services/T0/B0/token-5e3b2d4f",
	}
	// The webhook is secure; appSecrets is not, so the engine does not list it.
	engine, code := runUnderEngine(t, cfg, []string{"fargate-platform:alarmWebhookUrl"})

	assert.Equal(t, 32, code, "exit status 32: the program logged its error, the language host adds nothing")
	engine.mu.Lock()
	defer engine.mu.Unlock()
	var errs []string
	for _, l := range engine.logs {
		if l.GetSeverity() == pulumirpc.LogSeverity_ERROR {
			errs = append(errs, l.GetMessage())
		}
	}
	require.Len(t, errs, 1, "one error diagnostic: %q", errs)
	msg := errs[0]
	assert.True(t, strings.HasPrefix(msg, "stack config has 2 problem(s):\n"), msg)
	assert.Contains(t, msg, "  - webcpu: not a key of this project; did you mean webCpu?\n")
	assert.Contains(t, msg, "  - appSecrets.SECRET_KEY_BASE: a secret in clear text; run: pulumi config set --secret --path 'appSecrets.SECRET_KEY_BASE' <value> -s dev")
	for _, wrapper := range []string{"error occurred", "unhandled", "program failed"} {
		assert.NotContains(t, msg, wrapper)
	}
	for _, secret := range []string{"plaintext-7d1f0c9a", "token-5e3b2d4f"} {
		assert.NotContains(t, msg, secret)
	}
	for _, typ := range engine.registered {
		assert.Equal(t, "pulumi:pulumi:Stack", typ, "nothing but the stack is registered on a bad config")
	}
}
