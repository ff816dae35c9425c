package obs

import (
	"fmt"
	"math/rand/v2"
	"os"
)

// ProcessID names this process where replicas record who holds something
// (the bridge's final-reply claims, the writer's ledger claims): host, pid
// and a random part, since two processes in two containers may share a host
// name pattern and a pid.
func ProcessID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%08x", host, os.Getpid(), rand.Uint32())
}
