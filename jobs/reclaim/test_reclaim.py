"""Tests for the idle-GPU reclaimer and the GPU node guard, on recorded-format responses.

testdata/ holds Kubernetes list responses (WorkloadList kueue.x-k8s.io/v1beta2, valid against the
kueue v0.19.2 Workload CRD; PodList) and Prometheus HTTP API v1 responses (a query_range matrix of
DCGM_FI_DEV_GPU_UTIL over the two hours before 2026-12-01T12:00:00Z at a 60 s step, with the labels
the platform's ServiceMonitor gives GPU series; an instant vector of the fatal-XID query). The API
server and Prometheus are fakes that answer from those files and record every write.
"""
import json
import os
import unittest
from datetime import datetime, timezone

import cordon
import reclaim
from prom import Prometheus, PrometheusError

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1796126400  # 2026-12-01T12:00:00Z


def load(name):
    with open(os.path.join(HERE, "testdata", name), encoding="utf-8") as f:
        return json.load(f)


CONFIG = {
    "prometheusUrl": "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
    "utilizationBelowPercent": 5,
    "stepSeconds": 60,
    "workloadApi": "kueue.x-k8s.io/v1beta2",
    "annotations": {
        "optOut": "llm-platform/reclaim-opt-out",
        "decision": "llm-platform/reclaim-decision",
        "reason": "llm-platform/reclaim-reason",
        "decidedAt": "llm-platform/reclaim-decided-at",
    },
    "teams": [
        {"namespace": "research", "mode": "deactivate", "idleGraceMinutes": 120},
        {"namespace": "sales-dialogue", "mode": "dry-run", "idleGraceMinutes": 120},
    ],
}


class FakeKube:
    """Answers GETs from testdata and records patches and creates."""

    def __init__(self, nodes=None):
        self.patches = []
        self.created = []
        self.nodes = nodes or {}

    def list(self, path):
        parts = path.strip("/").split("/")
        namespace, resource = parts[-2], parts[-1]
        return load("%s-%s.json" % (resource, namespace))["items"]

    def get(self, path):
        return self.nodes[path.rsplit("/", 1)[-1]]

    def merge_patch(self, path, patch):
        self.patches.append((path, patch))

    def create(self, path, obj):
        self.created.append((path, obj))


class FakeFetch:
    """Prometheus's HTTP API from testdata, by the namespace in the query (or the one file given)."""

    def __init__(self, fixed=None):
        self.urls = []
        self.fixed = fixed

    def __call__(self, url):
        self.urls.append(url)
        if self.fixed:
            return load(self.fixed)
        namespace = "research" if "research" in url else "sales-dialogue"
        return load("prometheus-%s.json" % namespace)


def run_all():
    kube, fetch = FakeKube(), FakeFetch()
    decisions = reclaim.run(CONFIG, kube, Prometheus(CONFIG["prometheusUrl"], fetch), NOW, log=lambda _: None)
    return {d.workload: d for d in decisions}, kube, fetch


class ReclaimerDecisions(unittest.TestCase):
    def test_deactivates_a_trainjob_whose_gpus_all_idled_through_the_grace_period(self):
        d = run_all()[0]["trainjob-llama-sweep-5f1c2"]
        self.assertEqual(d.action, "deactivate")
        self.assertEqual(d.reason, "all 8 GPUs of 2 pods below 5% for the last 120 minutes (peak 2%): deactivated so its quota returns to the cohort")

    def test_finds_the_pods_of_a_batch_job_by_its_job_name_label(self):
        self.assertEqual(run_all()[0]["job-ablation-6f7a8"].action, "deactivate")

    def test_keeps_a_busy_workload_and_says_its_peak(self):
        d = run_all()[0]["trainjob-llama-finetune-8a3b1"]
        self.assertEqual(d.action, "keep")
        self.assertRegex(d.reason, r"^peak GPU utilization (8[5-9]|9[0-7])% in the last 120 minutes \(idle means below 5%\)$")

    def test_one_sample_at_40_percent_inside_the_window_keeps_the_workload(self):
        d = run_all()[0]["trainjob-tokenizer-probe-1a2b3"]
        self.assertEqual((d.action, d.reason), ("keep", "peak GPU utilization 40% in the last 120 minutes (idle means below 5%)"))

    def test_never_touches_a_workload_that_opted_out(self):
        decisions, kube, _ = run_all()
        d = decisions["trainjob-notebook-kernel-2d4e6"]
        self.assertEqual((d.action, d.reason), ("skip", 'opted out (llm-platform/reclaim-opt-out: "true")'))
        self.assertFalse([p for p, _ in kube.patches if p.endswith("trainjob-notebook-kernel-2d4e6")])

    def test_leaves_a_workload_admitted_within_the_grace_period(self):
        d = run_all()[0]["trainjob-eval-fresh-7b9c0"]
        self.assertEqual((d.action, d.reason), ("keep", "admitted 30 minutes ago, within the team's grace of 120 minutes"))

    def test_skips_a_workload_that_is_not_admitted(self):
        d = run_all()[0]["trainjob-sweep-queued-4e5f6"]
        self.assertEqual((d.action, d.reason), ("skip", "not admitted: it holds no GPUs"))

    def test_skips_a_workload_whose_metrics_do_not_cover_the_grace_period(self):
        # Its pod restarted an hour ago: the new pod's series start at 11:00, so 60 of 120 minutes are unseen.
        d = run_all()[0]["trainjob-restarted-9c8d7"]
        self.assertEqual((d.action, d.reason), ("skip", "GPU metrics of pod restarted-node-0-0-r2s3t miss 60 of the last 120 minutes: not enough evidence"))

    def test_skips_a_workload_already_inactive(self):
        self.assertEqual(run_all()[0]["trainjob-old-stopped-3c4d5"].action, "skip")

    def test_dry_run_team_gets_the_verdict_without_losing_the_workload(self):
        d = run_all()[0]["trainjob-sales-llama8b-src512-0e1f2"]
        self.assertEqual(d.action, "would-deactivate")
        self.assertEqual(d.reason, "all 2 GPUs of 1 pods below 5% for the last 120 minutes (peak 2%): would be deactivated (team policy: dry-run) so its quota returns to the cohort")

    def test_a_workload_busy_again_loses_its_old_verdict(self):
        decisions, kube, _ = run_all()
        self.assertEqual(decisions["trainjob-sales-llama8b-src1024-6a7b8"].action, "keep")
        path, patch = [p for p in kube.patches if p[0].endswith("trainjob-sales-llama8b-src1024-6a7b8")][0]
        self.assertEqual(patch, {"metadata": {"annotations": {"llm-platform/reclaim-decision": None, "llm-platform/reclaim-reason": None, "llm-platform/reclaim-decided-at": None}}})


class ReclaimerWrites(unittest.TestCase):
    def test_deactivation_patches_spec_active_and_annotations_only(self):
        _, kube, _ = run_all()
        patched = {p.rsplit("/", 1)[-1]: body for p, body in kube.patches}
        self.assertEqual(sorted(patched), ["job-ablation-6f7a8", "trainjob-llama-sweep-5f1c2", "trainjob-sales-llama8b-src1024-6a7b8", "trainjob-sales-llama8b-src512-0e1f2"])
        sweep = patched["trainjob-llama-sweep-5f1c2"]
        self.assertEqual(sweep["spec"], {"active": False})
        self.assertEqual(sweep["metadata"]["annotations"]["llm-platform/reclaim-decision"], "deactivate")
        self.assertEqual(sweep["metadata"]["annotations"]["llm-platform/reclaim-decided-at"], "2026-12-01T12:00:00Z")
        self.assertNotIn("spec", patched["trainjob-sales-llama8b-src512-0e1f2"])
        self.assertIn("/apis/kueue.x-k8s.io/v1beta2/namespaces/research/workloads/trainjob-llama-sweep-5f1c2", [p for p, _ in kube.patches])

    def test_each_new_verdict_is_an_event_on_the_workload(self):
        _, kube, _ = run_all()
        events = [(path, e["involvedObject"]["name"], e["reason"], e["type"]) for path, e in kube.created]
        self.assertEqual(events, [
            ("/api/v1/namespaces/research/events", "trainjob-llama-sweep-5f1c2", "IdleGPUsDeactivated", "Warning"),
            ("/api/v1/namespaces/research/events", "job-ablation-6f7a8", "IdleGPUsDeactivated", "Warning"),
            ("/api/v1/namespaces/sales-dialogue/events", "trainjob-sales-llama8b-src512-0e1f2", "IdleGPUsDryRun", "Warning"),
        ])
        self.assertEqual(kube.created[0][1]["involvedObject"]["kind"], "Workload")
        self.assertEqual(kube.created[0][1]["involvedObject"]["uid"], "uid-trainjob-llama-sweep-5f1c2")

    def test_an_unchanged_verdict_is_not_announced_twice(self):
        workload = load("workloads-sales-dialogue.json")["items"][0]
        workload["metadata"]["annotations"] = {"llm-platform/reclaim-decision": "would-deactivate"}
        kube = FakeKube()
        reclaim.apply(reclaim.Decision("sales-dialogue", workload["metadata"]["name"], "would-deactivate", "idle"), workload, kube, CONFIG, NOW)
        self.assertEqual((len(kube.patches), kube.created), (1, []))

    def test_asks_prometheus_for_each_teams_gpus_over_its_grace_period(self):
        _, _, fetch = run_all()
        self.assertEqual(len(fetch.urls), 2)
        self.assertIn("/api/v1/query_range?query=DCGM_FI_DEV_GPU_UTIL%7Bnamespace%3D%22research%22%2C+pod%21%3D%22%22%7D&start=1796119200&end=1796126400&step=60s", fetch.urls[0])

    def test_a_team_with_policy_off_is_not_looked_at(self):
        config = dict(CONFIG, teams=[{"namespace": "research", "mode": "deactivate", "idleGraceMinutes": 120}])
        decisions = reclaim.run(config, FakeKube(), Prometheus("http://p", FakeFetch()), NOW, log=lambda _: None)
        self.assertEqual({d.namespace for d in decisions}, {"research"})


class DecisionBoundaries(unittest.TestCase):
    """decide() on one synthetic workload: the value on, just under and just over each threshold."""

    TEAM = {"namespace": "research", "mode": "deactivate", "idleGraceMinutes": 120}

    def workload(self, admitted_minutes_ago=180, **meta):
        admitted_at = NOW - admitted_minutes_ago * 60
        stamp = datetime.fromtimestamp(admitted_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        metadata = {"namespace": "research", "name": "w", "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "j", "controller": True}]}
        metadata.update(meta)
        return {"metadata": metadata, "status": {"conditions": [{"type": "Admitted", "status": "True", "lastTransitionTime": stamp}]}}

    PODS = [{"metadata": {"name": "p", "labels": {"batch.kubernetes.io/job-name": "j"}}}]

    def decide(self, peak, workload=None, team=None):
        # one GPU, a sample every 60 s over the 120-minute window, the last one at `peak`
        samples = [(float(t), 0.0) for t in range(NOW - 7200, NOW, 60)] + [(float(NOW), peak)]
        return reclaim.decide(workload or self.workload(), self.PODS, {"p": [samples]}, team or self.TEAM, NOW, CONFIG)

    def test_idle_means_strictly_below_the_threshold(self):
        self.assertEqual(self.decide(5.0).action, "keep")  # on the threshold: busy enough
        self.assertEqual(self.decide(5.1).action, "keep")  # just over
        d = self.decide(4.9)  # just under
        self.assertEqual((d.action, d.reason), ("deactivate", "all 1 GPUs of 1 pods below 5% for the last 120 minutes (peak 4.9%): deactivated so its quota returns to the cohort"))

    def test_the_grace_period_ends_on_its_last_minute(self):
        self.assertEqual(self.decide(0.0, self.workload(admitted_minutes_ago=119)).reason, "admitted 119 minutes ago, within the team's grace of 120 minutes")
        self.assertEqual(self.decide(0.0, self.workload(admitted_minutes_ago=120)).action, "deactivate")
        self.assertEqual(self.decide(0.0, self.workload(admitted_minutes_ago=121)).action, "deactivate")

    def test_dry_run_teams_only_hear_the_verdict(self):
        d = self.decide(0.0, team=dict(self.TEAM, mode="dry-run"))
        self.assertEqual(d.action, "would-deactivate")

    def test_a_workload_without_an_owner_or_with_an_unknown_owner_is_skipped_with_the_reason(self):
        self.assertEqual(self.decide(0.0, self.workload(ownerReferences=[])).reason, "no owner: its pods cannot be found")
        unknown = self.workload(ownerReferences=[{"apiVersion": "example.com/v1", "kind": "Thing", "name": "j", "controller": True}])
        self.assertEqual(self.decide(0.0, unknown).reason, "owner kind example.com/Thing is not one the reclaimer knows how to find pods for")

    def test_a_finished_workload_is_skipped(self):
        w = self.workload()
        w["status"]["conditions"].append({"type": "Finished", "status": "True"})
        self.assertEqual(self.decide(0.0, w).reason, "finished")


class Coverage(unittest.TestCase):
    def test_samples_at_every_step_cover_the_window(self):
        self.assertIsNone(reclaim.coverage_gap([(t, 0.0) for t in range(0, 7201, 60)], 0, 7200, 60))

    def test_one_missed_scrape_step_is_tolerated_two_are_not(self):
        times = [t for t in range(0, 7201, 60) if t != 600]
        self.assertIsNone(reclaim.coverage_gap([(t, 0.0) for t in times], 0, 7200, 60))
        # samples at 540 and 720: 600 and 660 are missing, 2 steps of 60 s = 2 minutes
        times = [t for t in range(0, 7201, 60) if t not in (600, 660)]
        self.assertEqual(reclaim.coverage_gap([(t, 0.0) for t in times], 0, 7200, 60), 2.0)

    def test_no_samples_miss_the_whole_window_and_late_or_early_ends_count(self):
        self.assertEqual(reclaim.coverage_gap([], 0, 7200, 60), 120.0)
        # first sample 120 s late: a gap of 2 steps at the start
        self.assertEqual(reclaim.coverage_gap([(t, 0.0) for t in range(120, 7201, 60)], 0, 7200, 60), 2.0)
        # first sample exactly one step late: tolerated
        self.assertIsNone(reclaim.coverage_gap([(t, 0.0) for t in range(60, 7201, 60)], 0, 7200, 60))
        # last sample 120 s early
        self.assertEqual(reclaim.coverage_gap([(t, 0.0) for t in range(0, 7081, 60)], 0, 7200, 60), 2.0)


class PrometheusClient(unittest.TestCase):
    def test_an_error_answer_is_an_error_not_an_empty_result(self):
        prom = Prometheus("http://p", lambda url: {"status": "error", "errorType": "bad_data", "error": "parse error"})
        with self.assertRaisesRegex(PrometheusError, "bad_data parse error"):
            prom.query("up")


class NodeGuard(unittest.TestCase):
    CONFIG = {"prometheusUrl": "http://p", "query": 'DCGM_EXP_XID_ERRORS_COUNT{xid=~"48|64|74|79|95|119|120"} > 0', "nodeLabel": "node", "annotation": "llm-platform/cordon-reason"}

    def test_cordons_each_node_with_a_fatal_xid_once_and_says_which(self):
        kube = FakeKube(nodes={"gpu-a100-07": {"metadata": {"uid": "n7"}, "spec": {}}, "gpu-a800-02": {"metadata": {"uid": "n2"}, "spec": {"unschedulable": True}}})
        outcomes = cordon.run(self.CONFIG, kube, Prometheus("http://p", FakeFetch("prometheus-fatal-xid.json")), NOW, log=lambda _: None)
        self.assertEqual(outcomes, [
            ("gpu-a100-07", "cordoned", "fatal XID on this node (GPU 3: XID 79, GPU 5: XID 48)"),
            ("gpu-a800-02", "already-cordoned", "fatal XID on this node (GPU 0: XID 95)"),
        ])
        self.assertEqual(kube.patches, [("/api/v1/nodes/gpu-a100-07", {"spec": {"unschedulable": True}, "metadata": {"annotations": {"llm-platform/cordon-reason": "fatal XID on this node (GPU 3: XID 79, GPU 5: XID 48)"}}})])
        self.assertEqual([(p, e["involvedObject"]["kind"], e["involvedObject"]["name"], e["reason"]) for p, e in kube.created], [("/api/v1/namespaces/default/events", "Node", "gpu-a100-07", "GPUFatalXidCordoned")])


if __name__ == "__main__":
    unittest.main()
