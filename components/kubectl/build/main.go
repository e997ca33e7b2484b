// kubectl for the library/kubectl component, built from the published
// k8s.io/kubectl module (the Kubernetes repository's own go.mod has `replace`
// directives that `go install` refuses). The same main as cmd/kubectl.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	os.Exit(cli.Run(cmd.NewDefaultKubectlCommand()))
}
