//go:build unix && !linux

package queuelatency

import "syscall"

// dieWithParent has no portable equivalent outside Linux: the cleanup kills the child instead.
func dieWithParent() *syscall.SysProcAttr { return nil }
