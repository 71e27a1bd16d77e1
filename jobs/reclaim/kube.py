"""Kubernetes API calls over HTTPS with the pod's service-account token.

The stock Python image has no Kubernetes client (and the platform's images pull nothing at run
time), so this is the REST API through urllib. Tests inject a fake with the same methods.
"""
import json
import os
import ssl
import urllib.request

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class KubeError(Exception):
    pass


class KubeApi:
    """get / list / merge_patch / create against the API server the pod runs under."""

    def __init__(self, base_url, token_file, ca_file):
        self.base_url = base_url.rstrip("/")
        self.token_file = token_file
        self.context = ssl.create_default_context(cafile=ca_file)

    @classmethod
    def in_cluster(cls):
        host = os.environ["KUBERNETES_SERVICE_HOST"]
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        if ":" in host:  # IPv6 literal
            host = "[%s]" % host
        return cls("https://%s:%s" % (host, port), os.path.join(SERVICE_ACCOUNT_DIR, "token"), os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"))

    def _request(self, method, path, body=None, content_type="application/json"):
        # Projected tokens rotate: read the file on every call.
        with open(self.token_file, encoding="utf-8") as f:
            token = f.read().strip()
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + token)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            raise KubeError("%s %s: HTTP %d %s" % (method, path, e.code, e.read().decode("utf-8", "replace")[:500])) from e

    def list(self, path):
        return self._request("GET", path).get("items", [])

    def get(self, path):
        return self._request("GET", path)

    def merge_patch(self, path, patch):
        # Custom resources take JSON merge patches, not strategic ones.
        return self._request("PATCH", path, patch, "application/merge-patch+json")

    def create(self, path, obj):
        return self._request("POST", path, obj)
