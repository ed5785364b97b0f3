package service

import (
	"encoding/json"
	"fmt"
	"regexp"
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
}

// PortMapping is a container port (awsvpc: host port equals container port).
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
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
	env        []KeyValue // Args.Environment, resolved
	secrets    []SecretRef
}

// logGroupName is a task's log group.
func logGroupName(prefix, task string) string { return prefix + "/ecs/" + task }

// taskContainers lays out one task's containers. It is pure: New calls it once with empty values to
// derive the task's volumes, and again inside an apply with the resolved values for the JSON.
func taskContainers(task string, a Args, v values) []ContainerDefinition {
	appEnv := append([]KeyValue{{Name: "RAILS_ENV", Value: a.RailsEnv}, {Name: "RAILS_LOG_TO_STDOUT", Value: "1"}},
		v.env...)
	app := func(name string, command []string, cpu, memory int) ContainerDefinition {
		return hardened(ContainerDefinition{
			Name:        name,
			Image:       v.appImage,
			Essential:   true,
			Command:     command,
			User:        a.AppUser,
			Cpu:         cpu,
			Memory:      memory,
			Environment: appEnv,
			Secrets:     v.secrets,
		}, task, a, v, a.AppWritablePaths)
	}
	switch task {
	case taskWeb:
		rails := app(RailsContainer, a.WebCommand, a.Web.Cpu-a.NginxCpu, a.Web.Memory-a.NginxMemory)
		rails.PortMappings = []PortMapping{{ContainerPort: RailsPort, Protocol: "tcp"}}
		rails.HealthCheck = &HealthCheck{
			Command:  []string{"CMD-SHELL", fmt.Sprintf("curl -fsS -o /dev/null http://localhost:%d%s || exit 1", RailsPort, a.HealthCheckPath)},
			Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 60,
		}
		nginx := hardened(ContainerDefinition{
			Name:         NginxContainer,
			Image:        v.nginxImage,
			Essential:    true,
			User:         NginxUser,
			Cpu:          a.NginxCpu,
			Memory:       a.NginxMemory,
			PortMappings: []PortMapping{{ContainerPort: NginxPort, Protocol: "tcp"}},
			Environment: []KeyValue{
				{Name: "BACKEND_HOST", Value: "localhost"},
				{Name: "BACKEND_PORT", Value: fmt.Sprint(RailsPort)},
				{Name: "NGINX_PORT", Value: fmt.Sprint(NginxPort)},
				{Name: "REAL_IP_FROM", Value: v.vpcCidr},
				{Name: "REAL_IP_HEADER", Value: a.RealIpHeader},
				{Name: "CLIENT_MAX_BODY_SIZE", Value: a.ClientMaxBodySize},
				{Name: "HEALTH_CHECK_PATH", Value: a.HealthCheckPath},
			},
			// nginx is checked through itself to Rails: healthy means the path the load balancer uses works.
			HealthCheck: &HealthCheck{
				Command:  []string{"CMD-SHELL", fmt.Sprintf("curl -fsS -o /dev/null http://localhost:%d%s || exit 1", NginxPort, a.HealthCheckPath)},
				Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 15,
			},
			// nginx starts once Rails answers, so the target group never sees a 502 from a booting task.
			DependsOn: []Dependency{{ContainerName: RailsContainer, Condition: "HEALTHY"}},
		}, task, a, v, NginxWritablePaths)
		return []ContainerDefinition{nginx, rails}
	case taskWorker:
		return []ContainerDefinition{app(WorkerContainer, a.WorkerCommand, a.Worker.Cpu, a.Worker.Memory)}
	case taskMigrate:
		return []ContainerDefinition{app(MigrateContainer, a.MigrateCommand, a.Worker.Cpu, a.Worker.Memory)}
	}
	panic("service: unknown task " + task)
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
