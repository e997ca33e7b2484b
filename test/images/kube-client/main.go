// Command kube-client calls the API server from inside a Pod the way in-cluster
// clients do (client-go's rest.InClusterConfig, @kubernetes/client-node's
// loadFromCluster): the service account's token and CA bundle, and verified
// TLS. Each argument is a base URL, or "env" for
// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT. For each it prints
// one JSON line: the URL and the user the API server took the token for (a
// SelfSubjectReview), or the error.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

const account = "/var/run/secrets/kubernetes.io/serviceaccount/"

type result struct {
	URL   string `json:"url"`
	User  string `json:"user,omitempty"`
	Error string `json:"error,omitempty"`
}

func main() {
	caPEM, err := os.ReadFile(account + "ca.crt")
	if err != nil {
		fail(err)
	}
	token, err := os.ReadFile(account + "token")
	if err != nil {
		fail(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		fail(fmt.Errorf("no certificate in %sca.crt", account))
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
	}
	out := json.NewEncoder(os.Stdout)
	for _, base := range os.Args[1:] {
		if base == "env" {
			base = "https://" + net.JoinHostPort(os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT"))
		}
		user, err := whoAmI(client, base, strings.TrimSpace(string(token)))
		r := result{URL: base, User: user}
		if err != nil {
			r.Error = err.Error()
		}
		_ = out.Encode(r)
	}
}

func whoAmI(client *http.Client, base, token string) (string, error) {
	body := []byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	req, err := http.NewRequest(http.MethodPost, base+"/apis/authentication.k8s.io/v1/selfsubjectreviews", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%s: %s", res.Status, data)
	}
	var review struct {
		Status struct {
			UserInfo struct {
				Username string `json:"username"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	if err := json.Unmarshal(data, &review); err != nil {
		return "", err
	}
	return review.Status.UserInfo.Username, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kube-client:", err)
	os.Exit(1)
}
