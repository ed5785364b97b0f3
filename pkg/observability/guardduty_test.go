package observability

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdoptedGuardDutyDetectorIsLookedUpNotCreated: one detector per account and Region, so a stack that
// adopts it creates no detector and sets none of its features, and hands on the detector it found.
func TestAdoptedGuardDutyDetectorIsLookedUpNotCreated(t *testing.T) {
	args := baseArgs()
	args.GuardDuty, args.AdoptGuardDutyDetector = true, true
	rec := run(t, args)
	assert.Len(t, rec.ByType("aws:guardduty/detector:Detector"), 0)
	assert.Len(t, rec.ByType("aws:guardduty/detectorFeature:DetectorFeature"), 0)
	assert.Contains(t, rec.Invokes(), "aws:guardduty/getDetector:getDetector")
}

// TestCreatedGuardDutyDetectorIsNotLookedUp: create mode never depends on an existing detector.
func TestCreatedGuardDutyDetectorIsNotLookedUp(t *testing.T) {
	args := baseArgs()
	args.GuardDuty = true
	rec := run(t, args)
	require.Len(t, rec.ByType("aws:guardduty/detector:Detector"), 1)
	assert.NotContains(t, rec.Invokes(), "aws:guardduty/getDetector:getDetector")
}
