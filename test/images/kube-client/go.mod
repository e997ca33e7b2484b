module coflow.local/kube-client

go 1.22
