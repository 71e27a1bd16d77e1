"""Idle-GPU reclaimer: Kueue Workloads whose GPUs have all been idle for the team's grace period.

For each team whose policy is not `off` (config from the platform, infra/monitoring/reclaim.ts):
list the team's Workloads and pods, fetch the utilization of every GPU its pods hold
(DCGM_FI_DEV_GPU_UTIL, attributed to pods by the DCGM exporter) over the grace period, and decide.
An idle workload is annotated with the decision and its reason and gets an Event; with mode
`deactivate` its spec.active is set to false, so Kueue evicts it and its quota returns to the cohort.
A workload annotated with the opt-out annotation is never touched.
"""
import datetime
import json
import sys
from dataclasses import dataclass

# The label that ties a workload's pods to the object that owns the Workload. Kubeflow Trainer names
# the JobSet after the TrainJob; JobSet labels its pods with jobset.sigs.k8s.io/jobset-name; the Job
# controller labels pods with batch.kubernetes.io/job-name.
OWNER_POD_LABELS = {
    ("trainer.kubeflow.org", "TrainJob"): "jobset.sigs.k8s.io/jobset-name",
    ("jobset.x-k8s.io", "JobSet"): "jobset.sigs.k8s.io/jobset-name",
    ("batch", "Job"): "batch.kubernetes.io/job-name",
}

DEACTIVATE = "deactivate"
WOULD_DEACTIVATE = "would-deactivate"
KEEP = "keep"
SKIP = "skip"
EVENT_REASONS = {DEACTIVATE: "IdleGPUsDeactivated", WOULD_DEACTIVATE: "IdleGPUsDryRun"}


@dataclass(frozen=True)
class Decision:
    namespace: str
    workload: str
    action: str
    reason: str

    def as_json(self):
        return json.dumps({"namespace": self.namespace, "workload": self.workload, "action": self.action, "reason": self.reason})


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpu_util_query(namespace):
    return 'DCGM_FI_DEV_GPU_UTIL{namespace="%s", pod!=""}' % namespace


def series_by_pod(result):
    """Prometheus matrix -> {pod: [[(t, value), ...] per GPU series]}."""
    pods = {}
    for series in result:
        pod = series["metric"].get("pod")
        if pod:
            pods.setdefault(pod, []).append([(float(t), float(v)) for t, v in series["values"]])
    return pods


def coverage_gap(samples, start, end, step):
    """None if the samples cover [start, end] at the query's step, else the minutes they miss."""
    if not samples:
        return (end - start) / 60
    times = [t for t, _ in samples]
    # A range query has a sample at each step where the series existed; allow one missed step.
    gaps = [times[0] - start, end - times[-1]] + [b - a - step for a, b in zip(times, times[1:])]
    missing = sum(g for g in gaps if g > step)
    return None if missing == 0 else missing / 60


def decide(workload, pods, util_by_pod, team, now, config):
    """The decision on one Workload (pure): its state, its owner's pods' GPU series, the team's policy."""
    meta = workload["metadata"]
    namespace, name = meta["namespace"], meta["name"]
    annotations = meta.get("annotations") or {}
    grace_minutes = team["idleGraceMinutes"]
    threshold = config["utilizationBelowPercent"]
    step = config["stepSeconds"]

    def out(action, reason):
        return Decision(namespace, name, action, reason)

    if annotations.get(config["annotations"]["optOut"]) == "true":
        return out(SKIP, "opted out (%s: \"true\")" % config["annotations"]["optOut"])
    if workload.get("spec", {}).get("active") is False:
        return out(SKIP, "already inactive (spec.active is false)")
    conditions = {c["type"]: c for c in workload.get("status", {}).get("conditions", [])}
    if conditions.get("Finished", {}).get("status") == "True":
        return out(SKIP, "finished")
    admitted = conditions.get("Admitted", {})
    if admitted.get("status") != "True":
        return out(SKIP, "not admitted: it holds no GPUs")
    admitted_minutes = (now - parse_time(admitted["lastTransitionTime"])) / 60
    if admitted_minutes < grace_minutes:
        return out(KEEP, "admitted %d minutes ago, within the team's grace of %d minutes" % (admitted_minutes, grace_minutes))

    owners = meta.get("ownerReferences") or []
    owner = next((o for o in owners if o.get("controller")), owners[0] if owners else None)
    if owner is None:
        return out(SKIP, "no owner: its pods cannot be found")
    group = owner["apiVersion"].split("/")[0] if "/" in owner["apiVersion"] else ""
    label = OWNER_POD_LABELS.get((group, owner["kind"]))
    if label is None:
        return out(SKIP, "owner kind %s/%s is not one the reclaimer knows how to find pods for" % (group, owner["kind"]))
    own_pods = sorted(p["metadata"]["name"] for p in pods if (p["metadata"].get("labels") or {}).get(label) == owner["name"])
    gpu_series = {pod: util_by_pod[pod] for pod in own_pods if pod in util_by_pod}
    if not gpu_series:
        return out(SKIP, "no GPU utilization series for its %d pods (not running yet, or not seen by the DCGM exporter)" % len(own_pods))

    start = now - grace_minutes * 60
    values = []
    for pod, per_gpu in sorted(gpu_series.items()):
        for samples in per_gpu:
            window = [(t, v) for t, v in samples if start <= t <= now]
            missing = coverage_gap(window, start, now, step)
            if missing is not None:
                return out(SKIP, "GPU metrics of pod %s miss %d of the last %d minutes: not enough evidence" % (pod, round(missing), grace_minutes))
            values.extend(v for _, v in window)
    gpus = sum(len(s) for s in gpu_series.values())
    peak = max(values)
    if peak >= threshold:
        return out(KEEP, "peak GPU utilization %g%% in the last %d minutes (idle means below %g%%)" % (peak, grace_minutes, threshold))
    action = DEACTIVATE if team["mode"] == DEACTIVATE else WOULD_DEACTIVATE
    verb = "deactivated" if action == DEACTIVATE else "would be deactivated (team policy: dry-run)"
    return out(action, "all %d GPUs of %d pods below %g%% for the last %d minutes (peak %g%%): %s so its quota returns to the cohort" % (gpus, len(gpu_series), threshold, grace_minutes, peak, verb))


def workload_path(config, namespace, name):
    return "/apis/%s/namespaces/%s/workloads/%s" % (config["workloadApi"], namespace, name)


def apply(decision, workload, api, config, now):
    """Writes the decision: annotations (and spec.active false) on the Workload, an Event when it changes."""
    keys = config["annotations"]
    previous = (workload["metadata"].get("annotations") or {}).get(keys["decision"])
    path = workload_path(config, decision.namespace, decision.workload)
    if decision.action in (DEACTIVATE, WOULD_DEACTIVATE):
        patch = {"metadata": {"annotations": {keys["decision"]: decision.action, keys["reason"]: decision.reason, keys["decidedAt"]: iso(now)}}}
        if decision.action == DEACTIVATE:
            patch["spec"] = {"active": False}
        api.merge_patch(path, patch)
        if previous != decision.action:
            api.create("/api/v1/namespaces/%s/events" % decision.namespace, event(decision, workload, config, now))
    elif previous is not None and decision.action == KEEP:
        # The workload is busy again: the old verdict no longer holds.
        api.merge_patch(path, {"metadata": {"annotations": {keys["decision"]: None, keys["reason"]: None, keys["decidedAt"]: None}}})


def event(decision, workload, config, now):
    meta = workload["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"generateName": meta["name"] + ".", "namespace": meta["namespace"]},
        "involvedObject": {"apiVersion": config["workloadApi"], "kind": "Workload", "name": meta["name"], "namespace": meta["namespace"], "uid": meta.get("uid", "")},
        "reason": EVENT_REASONS[decision.action],
        "message": decision.reason,
        "type": "Warning",
        "source": {"component": "llm-platform-gpu-reclaimer"},
        "firstTimestamp": iso(now),
        "lastTimestamp": iso(now),
        "count": 1,
    }


def run(config, api, prometheus, now, log=print):
    """One pass over every reclaiming team; returns the decisions."""
    decisions = []
    for team in config["teams"]:
        namespace = team["namespace"]
        workloads = api.list("/apis/%s/namespaces/%s/workloads" % (config["workloadApi"], namespace))
        pods = api.list("/api/v1/namespaces/%s/pods" % namespace)
        start = now - team["idleGraceMinutes"] * 60
        util = series_by_pod(prometheus.query_range(gpu_util_query(namespace), start, now, config["stepSeconds"]))
        for workload in workloads:
            decision = decide(workload, pods, util, team, now, config)
            log(decision.as_json())
            apply(decision, workload, api, config, now)
            decisions.append(decision)
    return decisions


def main(argv=None):
    from entry import main_in_cluster

    return main_in_cluster(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
