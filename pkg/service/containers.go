package service

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Container and task names, ports and users the rest of the program and the operators rely on.
const (
	// NginxContainer is the web task's entry container: the target group sends traffic to it.
	NginxContainer = "nginx"
	// NginxPort is nginx's listening port: above 1024, because nginx runs as a non-root user and Fargate
	// lets a task add no capability but SYS_PTRACE (so no NET_BIND_SERVICE for port 80).
	NginxPort = 8080
	// NginxUser is the non-root user of the nginx image.
	NginxUser = "101"
	// RailsContainer serves the app behind nginx; it is also the container ECS Exec sessions target.
	RailsContainer = "rails"
	// RailsPort is Puma's port, reached by nginx over the task's localhost.
	RailsPort = 3000
	// WorkerContainer runs Sidekiq.
	WorkerContainer = "sidekiq"
	// MigrateContainer runs the one-off migration.
	MigrateContainer = "migrate"
)

// The three tasks, also the last segment of their log group names and their awslogs stream prefixes.
const (
	taskWeb     = "web"
	taskWorker  = "worker"
	taskMigrate = "migrate"
)

// NginxWritablePaths are nginx's writable task-storage mounts: its cache, its pid file and the conf.d its
// template step writes at start. Fargate has no tmpfs, so each is a task-storage volume. The nginx image
// must declare each as a VOLUME owned by NginxUser, or the empty mount stays root's and nginx cannot write.
var NginxWritablePaths = []string{"/var/cache/nginx", "/var/run", "/etc/nginx/conf.d"}

// ExecAgentPaths are where the ECS Exec (SSM) agent writes inside every container. AWS documents ECS Exec
// as unsupported with a read-only root file system; these writable mounts are the community's working
// arrangement (aws/containers-roadmap#1359, aws-containers/amazon-ecs-exec-checker#71). See docs/service.md.
var ExecAgentPaths = []string{"/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"}

// ContainerDefinition is one entry of a task definition's containerDefinitions, with ECS's field names.
type ContainerDefinition struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	Essential              bool              `json:"essential"`
	EntryPoint             []string          `json:"entryPoint,omitempty"`
	Command                []string          `json:"command,omitempty"`
	User                   string            `json:"user,omitempty"`
	Cpu                    int               `json:"cpu,omitempty"`
	Memory                 int               `json:"memory,omitempty"`
	PortMappings           []PortMapping     `json:"portMappings,omitempty"`
	Environment            []KeyValue        `json:"environment,omitempty"`
	Secrets                []SecretRef       `json:"secrets,omitempty"`
	LogConfiguration       *LogConfiguration `json:"logConfiguration,omitempty"`
	HealthCheck            *HealthCheck      `json:"healthCheck,omitempty"`
	DependsOn              []Dependency      `json:"dependsOn,omitempty"`
	ReadonlyRootFilesystem bool              `json:"readonlyRootFilesystem"`
	Privileged             bool              `json:"privileged"`
	LinuxParameters        *LinuxParameters  `json:"linuxParameters,omitempty"`
	MountPoints            []MountPoint      `json:"mountPoints,omitempty"`
	// StopTimeout is written only when it is not ECS's own 30 seconds.
	StopTimeout int `json:"stopTimeout,omitempty"`
}

// PortMapping is a container port (awsvpc: host port equals container port).
type PortMapping struct {
	// Name and AppProtocol are what Service Connect needs of an internal service's port.
	Name          string `json:"name,omitempty"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	AppProtocol   string `json:"appProtocol,omitempty"`
}

// KeyValue is a plain environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SecretRef is an ECS secret: ECS reads ValueFrom with the execution role at start.
type SecretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// LogConfiguration is the container's log driver.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// HealthCheck is a container health check; times are seconds.
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// Dependency orders container start-up.
type Dependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

// LinuxParameters holds initProcessEnabled: an init process reaps the ECS Exec agent's children.
type LinuxParameters struct {
	InitProcessEnabled bool `json:"initProcessEnabled"`
}

// MountPoint mounts a task volume into a container.
type MountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

// values are what the container definitions hold that only resolve at deploy time.
type values struct {
	region     string
	appImage   string
	nginxImage string
	vpcCidr    string
	env        []KeyValue  // Args.Environment, resolved
	secrets    []SecretRef // the ones the service receives
	// sidecarImage is the queue-latency sidecar's, for a worker that scales on it.
	sidecarImage string
}

// logGroupName is a task's log group.
func logGroupName(prefix, task string) string { return prefix + "/ecs/" + task }

// taskContainers lays out one service's containers (the queue-latency sidecar aside: see
// containerDefinitions). It is pure: New calls it once with empty values to derive the task's volumes, and
// again inside an apply with the resolved values for the JSON.
func taskContainers(spec Spec, a Args, v values) []ContainerDefinition {
	var appEnv []KeyValue
	if spec.Rails {
		appEnv = []KeyValue{{Name: "RAILS_ENV", Value: a.RailsEnv}, {Name: "RAILS_LOG_TO_STDOUT", Value: "1"}}
	}
	appEnv = append(append(appEnv, v.env...), spec.Environment...)
	cpu, memory := spec.Cpu, spec.Memory
	if spec.Nginx {
		cpu, memory = cpu-spec.NginxCpu, memory-spec.NginxMemory
	}
	if q := spec.QueueLatency; q != nil {
		qd, _ := q.WithDefaults() // validated in withDefaults
		cpu, memory = cpu-qd.Cpu, memory-qd.Memory
	}
	image := v.appImage
	app := hardened(ContainerDefinition{
		Name:        spec.Container,
		Image:       image,
		Essential:   true,
		EntryPoint:  spec.Entrypoint,
		Command:     spec.Command,
		User:        spec.User,
		Cpu:         cpu,
		Memory:      memory,
		Environment: appEnv,
		Secrets:     v.secrets,
	}, spec.Name, a, v, spec.WritablePaths)
	if spec.StopTimeout != 0 && spec.StopTimeout != 30 {
		app.StopTimeout = spec.StopTimeout
	}
	for _, m := range spec.Mounts {
		app.MountPoints = append(app.MountPoints, MountPoint{SourceVolume: m.Volume, ContainerPath: m.Path, ReadOnly: m.ReadOnly})
	}
	if spec.Role == RoleWeb || spec.Role == RoleInternal {
		pm := PortMapping{ContainerPort: spec.Port, Protocol: "tcp"}
		if spec.Role == RoleInternal {
			pm.Name, pm.AppProtocol = spec.Name, "http"
		}
		app.PortMappings = []PortMapping{pm}
	}
	switch {
	case len(spec.HealthCheckCommand) > 0:
		app.HealthCheck = &HealthCheck{Command: spec.HealthCheckCommand, Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 60}
	case spec.HealthCheckPath != "" && (spec.Role == RoleWeb || spec.Role == RoleInternal):
		app.HealthCheck = &HealthCheck{
			Command:  []string{"CMD-SHELL", fmt.Sprintf("curl -fsS -o /dev/null http://localhost:%d%s || exit 1", spec.Port, spec.HealthCheckPath)},
			Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 60,
		}
	}
	if !spec.Nginx {
		return []ContainerDefinition{app}
	}
	nginx := hardened(ContainerDefinition{
		Name:         NginxContainer,
		Image:        v.nginxImage,
		Essential:    true,
		User:         NginxUser,
		Cpu:          spec.NginxCpu,
		Memory:       spec.NginxMemory,
		PortMappings: []PortMapping{{ContainerPort: NginxPort, Protocol: "tcp"}},
		Environment: []KeyValue{
			{Name: "BACKEND_HOST", Value: "localhost"},
			{Name: "BACKEND_PORT", Value: fmt.Sprint(spec.Port)},
			{Name: "NGINX_PORT", Value: fmt.Sprint(NginxPort)},
			{Name: "REAL_IP_FROM", Value: v.vpcCidr},
			{Name: "REAL_IP_HEADER", Value: a.RealIpHeader},
			{Name: "CLIENT_MAX_BODY_SIZE", Value: a.ClientMaxBodySize},
			{Name: "HEALTH_CHECK_PATH", Value: spec.HealthCheckPath},
		},
		// nginx is checked through itself to the app: healthy means the path the load balancer uses works.
		HealthCheck: &HealthCheck{
			Command:  []string{"CMD-SHELL", fmt.Sprintf("curl -fsS -o /dev/null http://localhost:%d%s || exit 1", NginxPort, spec.HealthCheckPath)},
			Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 15,
		},
		// nginx starts once the app answers, so the target group never sees a 502 from a booting task.
		DependsOn: []Dependency{{ContainerName: spec.Container, Condition: "HEALTHY"}},
	}, spec.Name, a, v, NginxWritablePaths)
	return []ContainerDefinition{nginx, app}
}

// queueLatencySidecarFor is a worker's queue-latency sidecar, with the job system's variables and
// nothing else of the app's.
func queueLatencySidecarFor(spec Spec, a Args, v values) (ContainerDefinition, error) {
	q, err := spec.QueueLatency.WithDefaults()
	if err != nil {
		return ContainerDefinition{}, err
	}
	envs, secrets := QueueLatencyVariables(q.JobSystem)
	qv := QueueLatencyValues{Image: v.sidecarImage, Region: v.region,
		LogGroup: logGroupName(a.LogGroupPrefix, spec.Name), StreamPrefix: spec.Name}
	for _, e := range v.env {
		if slices.Contains(envs, e.Name) {
			qv.Environment = append(qv.Environment, e)
		}
	}
	for _, s := range v.secrets {
		if slices.Contains(secrets, s.Name) {
			qv.Secrets = append(qv.Secrets, s)
		}
	}
	return QueueLatencySidecar(q, qv)
}

// taskVolumes are the task-storage volumes of a service's containers: not its shared volumes, which are
// EFS, and with the sidecar's when it has one.
func taskVolumes(spec Spec, a Args) []string {
	shared := map[string]bool{}
	for _, m := range spec.Mounts {
		shared[m.Volume] = true
	}
	var out []string
	for _, v := range volumesOf(taskContainers(spec, a, values{})) {
		if !shared[v] {
			out = append(out, v)
		}
	}
	if spec.QueueLatency != nil {
		for _, p := range ExecAgentPaths {
			out = append(out, volumeName(QueueLatencyContainer, p))
		}
	}
	return out
}

// hardened applies what every container gets: logs to its task's group, a read-only root with writable
// task-storage mounts for its own paths and the ECS Exec agent's, an init process, no privileges.
func hardened(c ContainerDefinition, task string, a Args, v values, writable []string) ContainerDefinition {
	c.LogConfiguration = &LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-group":         logGroupName(a.LogGroupPrefix, task),
		"awslogs-region":        v.region,
		"awslogs-stream-prefix": task,
	}}
	c.ReadonlyRootFilesystem = true
	c.Privileged = false
	c.LinuxParameters = &LinuxParameters{InitProcessEnabled: true}
	for _, p := range append(append([]string{}, writable...), ExecAgentPaths...) {
		c.MountPoints = append(c.MountPoints, MountPoint{SourceVolume: volumeName(c.Name, p), ContainerPath: p})
	}
	return c
}

// volumeCharRe matches what a volume name may not hold (letters, digits, _ and - only).
var volumeCharRe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// volumeName is a container's own task-storage volume for a path ("rails-rails-tmp"): per container, so
// two containers' ECS Exec agents never share state.
func volumeName(containerName, path string) string {
	return containerName + "-" + volumeCharRe.ReplaceAllString(strings.Trim(path, "/"), "-")
}

// volumesOf lists the task-storage volumes the containers mount.
func volumesOf(defs []ContainerDefinition) []string {
	var out []string
	for _, d := range defs {
		for _, m := range d.MountPoints {
			out = append(out, m.SourceVolume)
		}
	}
	return out
}

// containerJSON marshals the definitions. It cannot fail for these types.
func containerJSON(defs []ContainerDefinition) string {
	b, err := json.Marshal(defs)
	if err != nil {
		panic(fmt.Sprintf("service: %v", err))
	}
	return string(b)
}

// databaseURL is Spec.DatabaseUrl's value, postgres://<user>@<host>:<port>/<db>?sslmode=...&sslrootcert=...,
// from the data tier's variables, and the reference PGPASSWORD takes (DB_PASSWORD's).
func databaseURL(env []KeyValue, secrets []SecretRef) (string, string, error) {
	get := map[string]string{}
	for _, e := range env {
		get[e.Name] = e.Value
	}
	for _, n := range []string{"DB_USER", "DB_HOST", "DB_PORT", "DB_NAME"} {
		if get[n] == "" {
			return "", "", fmt.Errorf("the stack's environment has no %s to build the URL from", n)
		}
	}
	ref := ""
	for _, s := range secrets {
		if s.Name == "DB_PASSWORD" {
			ref = s.ValueFrom
		}
	}
	if ref == "" {
		return "", "", fmt.Errorf("the service does not receive DB_PASSWORD, which PGPASSWORD passes on")
	}
	u := url.URL{Scheme: "postgres", User: url.User(get["DB_USER"]), Host: get["DB_HOST"] + ":" + get["DB_PORT"], Path: "/" + get["DB_NAME"]}
	q := url.Values{}
	if m := get["DB_SSLMODE"]; m != "" {
		q.Set("sslmode", m)
	}
	if c := get["DB_SSLROOTCERT"]; c != "" {
		q.Set("sslrootcert", c)
	}
	u.RawQuery = q.Encode()
	return u.String(), ref, nil
}
