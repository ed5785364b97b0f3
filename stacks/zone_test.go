package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestZoneNameDefaultsToTheDomainsLastTwoLabels: the zone the edge certificate rule measures depth from.
func TestZoneNameDefaultsToTheDomainsLastTwoLabels(t *testing.T) {
	tests := []struct {
		domain, zone, want string
	}{
		{"app.example.com", "", "example.com"},
		{"dev.app.example.com", "", "example.com"},
		{"example.com", "", "example.com"},
		{"shop.example.co.uk", "example.co.uk", "example.co.uk"}, // two labels would be co.uk: set the key
		{"dev.app.example.com", "app.example.com", "app.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			cfg := valid("dev")
			cfg[project+":domain"] = tt.domain
			if tt.zone != "" {
				cfg[project+":cloudflareZoneName"] = tt.zone
			}
			c, err := Load(project, "dev", input(cfg))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Edge.ZoneName)
			assert.False(t, c.Edge.AdvancedCertificateManager)
		})
	}
}

func TestGuardDutyCreatesTheDetectorUnlessAdopting(t *testing.T) {
	cfg := valid("prod")
	cfg[project+":enableGuardDuty"] = "true"
	c, err := Load(project, "prod", input(cfg))
	require.NoError(t, err)
	assert.Equal(t, GuardDutyCreate, c.Alarms.GuardDutyDetector)

	cfg[project+":guardDutyDetector"] = "adopt"
	c, err = Load(project, "prod", input(cfg))
	require.NoError(t, err)
	assert.Equal(t, GuardDutyAdopt, c.Alarms.GuardDutyDetector)
}
