module coflow.local/version-app

go 1.22
