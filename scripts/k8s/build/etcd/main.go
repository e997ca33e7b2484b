// Command etcd is etcd's own server main, built from the module proxy as part
// of coflow's test cluster (Debian's etcd 3.4 is too old for Kubernetes 1.34).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
