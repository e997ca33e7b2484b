module coflow.local/pause

go 1.22
