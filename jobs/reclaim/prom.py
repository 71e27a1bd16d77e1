"""Prometheus HTTP API (v1) queries: instant and range, returning the `result` list."""
import json
import urllib.parse
import urllib.request


class PrometheusError(Exception):
    pass


def _urlopen_json(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


class Prometheus:
    def __init__(self, base_url, fetch=_urlopen_json):
        self.base_url = base_url.rstrip("/")
        self.fetch = fetch

    def _get(self, endpoint, params):
        body = self.fetch("%s/api/v1/%s?%s" % (self.base_url, endpoint, urllib.parse.urlencode(params)))
        if body.get("status") != "success":
            raise PrometheusError("%s: %s %s" % (endpoint, body.get("errorType"), body.get("error")))
        return body["data"]["result"]

    def query(self, query):
        """Instant vector: [{"metric": {...}, "value": [t, "v"]}]."""
        return self._get("query", {"query": query})

    def query_range(self, query, start, end, step):
        """Range matrix: [{"metric": {...}, "values": [[t, "v"], ...]}]."""
        return self._get("query_range", {"query": query, "start": "%d" % start, "end": "%d" % end, "step": "%ds" % step})
