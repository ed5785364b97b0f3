package fargate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSize(t *testing.T) {
	tests := []struct {
		cpu, memory int
		want        string
	}{
		{256, 512, ""}, {256, 2048, ""}, {256, 1536, "with 256 CPU, memory is 512, 1024 or 2048 MiB"},
		{512, 1024, ""}, {512, 4096, ""}, {512, 5120, "with 512 CPU, memory is 1024 to 4096 MiB in steps of 1024"},
		{1024, 2048, ""}, {1024, 8192, ""}, {1024, 1024, "with 1024 CPU, memory is 2048 to 8192 MiB in steps of 1024"},
		{2048, 16384, ""}, {4096, 30720, ""}, {4096, 31744, "with 4096 CPU, memory is 8192 to 30720 MiB in steps of 1024"},
		{8192, 16384, ""}, {8192, 20480, ""}, {8192, 18432, "with 8192 CPU, memory is 16384 to 61440 MiB in steps of 4096"},
		{16384, 122880, ""}, {16384, 40960, ""}, {16384, 36864, "with 16384 CPU, memory is 32768 to 122880 MiB in steps of 8192"},
		{3000, 4096, "Fargate CPU is one of 256, 512, 1024, 2048, 4096, 8192, 16384"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Size(tt.cpu, tt.memory), "%d/%d", tt.cpu, tt.memory)
	}
}
