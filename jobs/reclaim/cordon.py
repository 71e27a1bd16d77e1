"""GPU node guard: cordons the nodes whose GPUs report a fatal XID.

Runs the GpuFatalXid alert's own PromQL (config from infra/monitoring/reclaim.ts), and for each node
it names that is still schedulable: sets spec.unschedulable, records the XIDs in an annotation and
writes an Event. It never drains and never uncordons: a person decides whether the GPU is reset or
replaced (docs/monitoring.md, "Node health").
"""
import datetime
import json
import sys

NODE_EVENTS_NAMESPACE = "default"


def fatal_xids_by_node(result, node_label):
    """Instant vector -> {node: sorted "gpu G: XID X" strings}."""
    nodes = {}
    for series in result:
        metric = series["metric"]
        node = metric.get(node_label)
        if node:
            nodes.setdefault(node, set()).add("GPU %s: XID %s" % (metric.get("gpu", "?"), metric.get("xid", "?")))
    return {node: sorted(found) for node, found in nodes.items()}


def run(config, api, prometheus, now, log=print):
    """Cordons every named node not yet cordoned; returns [(node, action, reason)]."""
    outcomes = []
    stamp = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for node, xids in sorted(fatal_xids_by_node(prometheus.query(config["query"]), config["nodeLabel"]).items()):
        reason = "fatal XID on this node (%s)" % ", ".join(xids)
        current = api.get("/api/v1/nodes/%s" % node)
        if current.get("spec", {}).get("unschedulable"):
            outcomes.append((node, "already-cordoned", reason))
        else:
            api.merge_patch("/api/v1/nodes/%s" % node, {"spec": {"unschedulable": True}, "metadata": {"annotations": {config["annotation"]: reason}}})
            api.create("/api/v1/namespaces/%s/events" % NODE_EVENTS_NAMESPACE, {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"generateName": node + ".", "namespace": NODE_EVENTS_NAMESPACE},
                "involvedObject": {"apiVersion": "v1", "kind": "Node", "name": node, "uid": current.get("metadata", {}).get("uid", "")},
                "reason": "GPUFatalXidCordoned",
                "message": "cordoned: " + reason,
                "type": "Warning",
                "source": {"component": "llm-platform-gpu-node-guard"},
                "firstTimestamp": stamp,
                "lastTimestamp": stamp,
                "count": 1,
            })
            outcomes.append((node, "cordoned", reason))
        log(json.dumps({"node": node, "action": outcomes[-1][1], "reason": reason}))
    return outcomes


def main(argv=None):
    from entry import main_in_cluster

    return main_in_cluster(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
