// Package fargate holds the task sizes AWS Fargate accepts, the one rule both the stack validation and the
// service component apply.
package fargate

import "fmt"

// span is the memory range (MiB) Fargate allows for one CPU size, in steps.
type span struct{ min, max, step int }

// sizes are Fargate's CPU/memory combinations for Linux tasks (AWS: "Amazon ECS task definition
// parameters for Fargate", Task size). 8 and 16 vCPU need platform version 1.4.0, which LATEST is.
var sizes = map[int]span{
	256:   {512, 2048, 512}, // 512, 1024, 2048 only
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// Size returns "" when Fargate accepts the CPU units and memory (MiB), or a sentence saying what it
// accepts for that CPU.
func Size(cpu, memory int) string {
	s, ok := sizes[cpu]
	if !ok {
		return "Fargate CPU is one of 256, 512, 1024, 2048, 4096, 8192, 16384"
	}
	if cpu == 256 {
		if memory == 512 || memory == 1024 || memory == 2048 {
			return ""
		}
		return "with 256 CPU, memory is 512, 1024 or 2048 MiB"
	}
	if memory >= s.min && memory <= s.max && (memory-s.min)%s.step == 0 {
		return ""
	}
	return fmt.Sprintf("with %d CPU, memory is %d to %d MiB in steps of %d", cpu, s.min, s.max, s.step)
}
