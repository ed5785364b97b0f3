package queuelatency

import "syscall"

// dieWithParent makes a child process get SIGKILL when the test binary dies, so a test killed by
// `go test -timeout` leaves no redis-server behind.
func dieWithParent() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
