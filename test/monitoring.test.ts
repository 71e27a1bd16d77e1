import { problemsOf } from "./helpers/problems";
import * as fs from "fs";
import * as path from "path";
import { parseSpec } from "../infra/config/spec";
import type { PlatformSpec } from "../infra/config/types";
import { alertRules, exprOf, faultRules, gpuPrometheusRule, idleRule, REQUIRED_ALERTS } from "../infra/monitoring/alerts";
import { dashboardJson, dashboards } from "../infra/monitoring/dashboards";
import { ADDED_COUNTERS, DCGM_COUNTERS, dcgmCountersCsv, DEFAULT_COUNTERS } from "../infra/monitoring/dcgmCounters";
import { dcgmRelabelings, dcgmServiceMonitor, kueueServiceMonitor } from "../infra/monitoring/monitors";
import { kubePrometheusStackValues, monitoringNamespace, monitorLabels, prometheusQueryUrl } from "../infra/monitoring/prometheus";
import { reclaimerConfig, reclaimerRoleRules, nodeGuardConfig } from "../infra/monitoring/reclaim";
import { FATAL_XIDS } from "../infra/monitoring/xid";
import { gpuOperatorValues } from "../infra/gpu/operatorValues";
import { kueueManagerConfig, kueueValues } from "../infra/queues/kueue";
import type * as gpuReclaimerModule from "../components/monitoring/gpuReclaimer";
// Required where used: the module loads the whole program (Pulumi SDKs), seconds per test file.
const gpuReclaimer = () => require("../components/monitoring/gpuReclaimer") as typeof gpuReclaimerModule;
import type * as planMarkdownModule from "../infra/plan/markdown";
const planMarkdown = () => require("../infra/plan/markdown") as typeof planMarkdownModule;
import { RecordedResource } from "../infra/plan/record";
import { runPolicies } from "../policies/run";
import { dashboardsNotExposed, gpuAlertRulesPresent, gpuMonitoringPresent, grafanaExposedAdvisory, prometheusRetentionShort } from "../policies/monitoring";
import { evaluate, extrapolatedIncrease, firstFiring, sampled, Series } from "./helpers/alertEval";
import { crdValidator } from "./helpers/crds";
import { named, ofType, referencePlan, itWithPlan } from "./helpers/plan";
import { referenceConfig, withValues } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml, SHARED_UPSTREAM, unknownValueKeys } from "./helpers/upstream";
import { parse } from "yaml";
import { parser as promql } from "@prometheus-io/lezer-promql";

/** Syntax errors in a PromQL expression, by Prometheus's own grammar (@prometheus-io/lezer-promql). */
function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  promql.parse(expr).iterate({ enter: (node) => { if (node.type.isError) errors.push(node.from); } });
  return errors;
}

const prod = parseSpec(referenceConfig("prod"));
const dev = parseSpec(referenceConfig("dev"));
const onprem = parseSpec(referenceConfig("onprem"));
const rule = (spec: PlatformSpec, alert: string, index = 0) => alertRules(spec).filter((r) => r.alert === alert)[index];

const prodTeams = JSON.parse(referenceConfig("prod").values["llm-platform:teams"]);

describe("monitoring config", () => {
  it("defaults to the platform's Prometheus, 15 days on 100 GiB of the default class, Grafana on, idle below 5 % for 30 minutes, dry-run after 120 minutes", () => {
    expect(dev.monitoring).toEqual({
      prometheus: { kind: "platform", retentionDays: 15, storageGiB: 100 },
      grafana: { enabled: true },
      gpuIdle: { utilizationBelowPercent: 5, forMinutes: 30 },
    });
    expect(prod.teams.map((t) => [t.name, t.reclaim])).toEqual([
      ["sales-dialogue", { mode: "dry-run", idleGraceMinutes: 120 }],
      ["research", { mode: "deactivate", idleGraceMinutes: 120 }],
    ]);
  });

  it("reads an existing Prometheus and turns Grafana off with it (onprem)", () => {
    expect(onprem.monitoring.prometheus).toEqual({ kind: "existing", url: "http://prometheus-operated.monitoring.svc:9090", namespace: "monitoring", selectorLabels: { release: "cluster-monitoring" } });
    expect(onprem.monitoring.grafana.enabled).toBe(false);
  });

  it("refuses platform-Prometheus keys beside an existing Prometheus, naming each", () => {
    const raw = withValues(referenceConfig("onprem"), { "llm-platform:monitoring": { prometheus: { retentionDays: 30, storageClassName: "ceph-rbd", existing: { url: "http://prometheus-operated.monitoring.svc:9090", namespace: "monitoring" } }, grafana: { enabled: true } } });
    expect(problemsOf(raw)).toEqual([
      "llm-platform:monitoring.grafana.enabled: true installs Grafana only beside the platform's own Prometheus; with prometheus.existing the cluster's Grafana shows the dashboards (its sidecar reads ConfigMaps labelled grafana_dashboard)",
      "llm-platform:monitoring.prometheus.retentionDays: is only used when the platform installs Prometheus; the existing Prometheus keeps its own (remove it, or remove prometheus.existing)",
      "llm-platform:monitoring.prometheus.storageClassName: is only used when the platform installs Prometheus; the existing Prometheus keeps its own (remove it, or remove prometheus.existing)",
    ]);
  });

  it("requires a StorageClass on an existing cluster when the platform installs Prometheus", () => {
    expect(problemsOf(withValues(referenceConfig("onprem"), { "llm-platform:monitoring": undefined }))).toEqual([
      "llm-platform:monitoring.prometheus.storageClassName: is required on an existing cluster when the platform installs Prometheus (a ReadWriteOnce StorageClass the cluster has, e.g. ceph-rbd); or set monitoring.prometheus.existing to use the cluster's own Prometheus",
    ]);
    const spec = parseSpec(withValues(referenceConfig("onprem"), { "llm-platform:monitoring": { prometheus: { storageClassName: "ceph-rbd" } } }));
    expect(spec.monitoring.prometheus).toEqual({ kind: "platform", retentionDays: 15, storageGiB: 100, storageClassName: "ceph-rbd" });
  });

  it("refuses a grace period shorter than the idle alert's, or longer than the retention", () => {
    const teams = [{ ...prodTeams[0], reclaim: { mode: "deactivate", idleGraceMinutes: 45 } }, { ...prodTeams[1], reclaim: { mode: "dry-run", idleGraceMinutes: 3000 } }];
    const raw = withValues(referenceConfig("prod"), { "llm-platform:teams": teams, "llm-platform:monitoring": { prometheus: { retentionDays: 2 }, gpuIdle: { forMinutes: 60 } } });
    expect(problemsOf(raw)).toEqual([
      "llm-platform:teams[0].reclaim.idleGraceMinutes: 45 is shorter than monitoring.gpuIdle.forMinutes (60): the team's workloads would be reclaimed before the GPUAllocatedIdle alert warns them (use ≥ 60)",
      // 2 days = 2 × 24 × 60 = 2880 minutes
      "llm-platform:teams[1].reclaim.idleGraceMinutes: 3000 minutes is longer than Prometheus keeps metrics (monitoring.prometheus.retentionDays 2); the reclaimer could never see a whole grace period",
    ]);
  });

  it("accepts a grace of exactly the idle alert's time, and ignores the grace of a team whose policy is off", () => {
    const teams = [{ ...prodTeams[0], reclaim: { mode: "deactivate", idleGraceMinutes: 60 } }, { ...prodTeams[1], reclaim: { mode: "off", idleGraceMinutes: 30 } }];
    expect(() => parseSpec(withValues(referenceConfig("prod"), { "llm-platform:teams": teams, "llm-platform:monitoring": { gpuIdle: { forMinutes: 60 } } }))).not.toThrow();
  });

  it("refuses bad values with what would be valid", () => {
    const teams = [{ ...prodTeams[0], reclaim: { mode: "deactive", idleGraceMinutes: 29 } }];
    const raw = withValues(referenceConfig("prod"), {
      "llm-platform:teams": teams,
      "llm-platform:monitoring": { prometheus: { retension: 10, storageGiB: 5, existing: undefined }, gpuIdle: { utilizationBelowPercent: 0 } },
    });
    expect(problemsOf(raw)).toEqual([
      "llm-platform:monitoring.gpuIdle.utilizationBelowPercent: 0 is not a percentage in (0, 100]",
      'llm-platform:monitoring.prometheus: unknown key "retension" (valid keys: retentionDays, storageGiB, storageClassName, existing)',
      "llm-platform:monitoring.prometheus.storageGiB: 5 GiB is too small for a Prometheus volume (≥ 10)",
      "llm-platform:teams[0].reclaim.idleGraceMinutes: 29 is shorter than 30 minutes (loading a model or writing a checkpoint idles GPUs for minutes; use ≥ 30)",
      'llm-platform:teams[0].reclaim.mode: "deactive" is not a reclaim mode (valid: off, dry-run, deactivate) (did you mean deactivate?)',
    ]);
  });

  it("refuses an existing Prometheus URL that is not http(s)", () => {
    const raw = withValues(referenceConfig("onprem"), { "llm-platform:monitoring": { prometheus: { existing: { url: "prometheus:9090", namespace: "monitoring" } } } });
    expect(problemsOf(raw)).toEqual(['llm-platform:monitoring.prometheus.existing.url: "prometheus:9090" is not an http(s) URL (e.g. "http://prometheus-operated.monitoring.svc:9090")']);
  });
});

describe("where Prometheus is", () => {
  it("queries the platform's release Service, or the configured existing URL (without a trailing slash)", () => {
    expect(prometheusQueryUrl(prod)).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    expect(prometheusQueryUrl({ stack: "prod" })).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    expect(prometheusQueryUrl(onprem)).toBe("http://prometheus-operated.monitoring.svc:9090");
    const slash = { ...onprem, monitoring: { ...onprem.monitoring, prometheus: { ...onprem.monitoring.prometheus, url: "http://p.example:9090/" } } } as PlatformSpec;
    expect(prometheusQueryUrl(slash)).toBe("http://p.example:9090");
  });

  it("labels monitors for the Prometheus that must select them, in its own namespace", () => {
    expect([monitoringNamespace(prod), monitorLabels(prod)]).toEqual(["monitoring", { release: "kube-prometheus-stack" }]);
    expect([monitoringNamespace(onprem), monitorLabels(onprem)]).toEqual(["monitoring", { release: "cluster-monitoring" }]);
  });
});

describe("kube-prometheus-stack values", () => {
  it("size retention from config: prod keeps 30 days on 200 GiB and stops at 180 GiB (90 %)", () => {
    const values = kubePrometheusStackValues(prod);
    expect(values.prometheus.prometheusSpec).toMatchObject({
      retention: "30d",
      retentionSize: "180GiB",
      storageSpec: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } } } },
    });
    // No class named on AWS: the cluster's default one.
    expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).not.toHaveProperty("storageClassName");
  });

  it("select every ServiceMonitor, PodMonitor and rule, not only the release's own (the release-label gotcha)", () => {
    expect(kubePrometheusStackValues(dev).prometheus.prometheusSpec).toMatchObject({ serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false, ruleSelectorNilUsesHelmValues: false });
  });

  it("give Grafana the generated admin Secret, no Ingress, and the grafana_dashboard sidecar", () => {
    expect(kubePrometheusStackValues(dev).grafana).toEqual({
      enabled: true,
      admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
      ingress: { enabled: false },
      sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
    });
  });

  it("name the configured StorageClass on-prem", () => {
    const spec = parseSpec(withValues(referenceConfig("onprem"), { "llm-platform:monitoring": { prometheus: { storageClassName: "ceph-rbd" } } }));
    expect(kubePrometheusStackValues(spec).prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("ceph-rbd");
  });
});

describe("DCGM exporter", () => {
  it("collects the default set plus ECC, retired pages, throttling, NVLink errors and XID counts", () => {
    expect(ADDED_COUNTERS.map((c) => c.field)).toEqual([
      "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL",
      "DCGM_FI_DEV_RETIRED_DBE", "DCGM_FI_DEV_RETIRED_PENDING", "DCGM_FI_DEV_POWER_VIOLATION", "DCGM_FI_DEV_THERMAL_VIOLATION",
      "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL", "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL",
      "DCGM_EXP_XID_ERRORS_COUNT",
    ]);
    const csv = dcgmCountersCsv();
    expect(csv).toContain("\nDCGM_FI_DEV_ECC_DBE_VOL_TOTAL, counter, Total number of double-bit volatile ECC errors.\n");
    // the upstream default file's counters (checked against it below) plus the 13 added above, each once
    const fields = csv.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(",")[0]);
    expect(fields).toEqual([...DEFAULT_COUNTERS.map((c) => c.field), ...ADDED_COUNTERS.map((c) => c.field)]);
    expect(new Set(fields).size).toBe(DEFAULT_COUNTERS.length + 13);
  });

  it("is configured with the platform's counters file and without the operator's own ServiceMonitor", () => {
    expect(gpuOperatorValues(prod).dcgmExporter).toEqual({ enabled: true, config: { name: "llm-platform-dcgm-metrics" }, serviceMonitor: { enabled: false } });
  });

  it("is scraped with the holding pod's labels, the node and the pool (on-prem pools by their configured selector)", () => {
    const sm = dcgmServiceMonitor(prod, "monitoring", { release: "kube-prometheus-stack" });
    expect(sm.spec).toMatchObject({ namespaceSelector: { matchNames: ["gpu-operator"] }, selector: { matchLabels: { app: "nvidia-dcgm-exporter" } }, attachMetadata: { node: true } });
    expect(sm.spec.endpoints[0]).toMatchObject({ port: "gpu-metrics", honorLabels: true, interval: "30s" });
    expect(dcgmRelabelings(prod)).toEqual([
      { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node" },
      { action: "replace", sourceLabels: ["__meta_kubernetes_node_label_llm_platform_pool"], separator: ";", regex: "train-h100", targetLabel: "pool", replacement: "train-h100" },
      { action: "replace", sourceLabels: ["__meta_kubernetes_node_label_llm_platform_pool"], separator: ";", regex: "train-h200", targetLabel: "pool", replacement: "train-h200" },
      { action: "replace", sourceLabels: ["__meta_kubernetes_node_label_llm_platform_pool"], separator: ";", regex: "infer-l40s", targetLabel: "pool", replacement: "infer-l40s" },
      { action: "labeldrop", regex: "pod|namespace|container" },
    ]);
    const custom = parseSpec(withValues(referenceConfig("onprem"), { "llm-platform:nodePools": [{ name: "train-a100", gpu: "A100", gpusPerNode: 8, fabric: "infiniband", networkGbpsPerNode: 800, cpusPerNode: 128, memoryGiBPerNode: 1024, purpose: "training", minNodes: 4, maxNodes: 4, nodeSelector: { "node.example.com/gpu": "a100", rack: "r1.2" } }], "llm-platform:teams": undefined, "llm-platform:datasets": undefined, "llm-platform:trainingJobs": undefined, "llm-platform:inferenceEndpoints": undefined }));
    expect(dcgmRelabelings(custom)[1]).toEqual({ action: "replace", sourceLabels: ["__meta_kubernetes_node_label_node_example_com_gpu", "__meta_kubernetes_node_label_rack"], separator: ";", regex: "a100;r1\\.2", targetLabel: "pool", replacement: "train-a100" });
  });
});

describe("Kueue metrics and KueueViz", () => {
  it("reports ClusterQueue quota and usage series", () => {
    expect(parse(kueueManagerConfig(parseSpec(referenceConfig("prod")))).metrics).toEqual({ bindAddress: ":8443", enableClusterQueueResources: true });
  });

  it("runs KueueViz without Ingresses, its frontend talking to the port-forwarded backend", () => {
    expect(kueueValues(parseSpec(referenceConfig("prod")))).toMatchObject({
      enableKueueViz: true,
      kueueViz: {
        backend: { env: [{ name: "KUEUEVIZ_ALLOWED_ORIGINS", value: "http://localhost:8080" }], ingress: { enabled: false, tlsEnabled: false, tlsSecretName: "", host: "localhost:8081" } },
        frontend: { ingress: { enabled: false, tlsEnabled: false, tlsSecretName: "" } },
      },
    });
  });

  it("is scraped over TLS with Prometheus's token", () => {
    expect(kueueServiceMonitor("monitoring", {}).spec.endpoints).toEqual([{ port: "https", scheme: "https", path: "/metrics", bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token", tlsConfig: { insecureSkipVerify: true } }]);
  });
});

describe("alert rules: PromQL", () => {
  it("renders each rule's condition as the expected PromQL", () => {
    const exprs = Object.fromEntries(alertRules(prod).map((r) => [r.alert, exprOf(r.condition)]));
    expect(exprs).toEqual({
      GpuFatalXid: 'DCGM_EXP_XID_ERRORS_COUNT{xid=~"48|64|74|79|95|119|120"} > 0',
      GpuXidError: 'DCGM_EXP_XID_ERRORS_COUNT{xid!~"48|64|74|79|95|119|120"} > 0',
      GpuEccDoubleBitError: "increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) > 0",
      GpuRowRemapFailure: "DCGM_FI_DEV_ROW_REMAP_FAILURE > 0",
      GpuThermalThrottling: "rate(DCGM_FI_DEV_THERMAL_VIOLATION[5m]) / 1e9 > 0.01",
      GpuPowerThrottling: "rate(DCGM_FI_DEV_POWER_VIOLATION[5m]) / 1e9 > 0.5",
      GpuPcieReplays: "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100",
      GpuNvlinkErrors: "increase(DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL[10m]) > 0",
      // the last of prod's three GPU pools (one rule each)
      GpuMissing: 'count by (node, pool) (DCGM_FI_DEV_GPU_TEMP{pool="infer-l40s"}) < 4',
      GpuNodeUnmonitored: '(kube_node_status_capacity{resource="nvidia_com_gpu"} > 0) unless on (node) (up{job="nvidia-dcgm-exporter"} == 1)',
      NcclAcceptanceFailed: 'kube_job_failed{condition="true", job_name=~"nccl-allreduce-.+"} == 1',
      GPUAllocatedIdle: 'DCGM_FI_DEV_GPU_UTIL{pod!=""} < 5',
    });
    expect(alertRules(prod).filter((r) => r.alert === "GpuMissing").map((r) => exprOf(r.condition))).toEqual([
      'count by (node, pool) (DCGM_FI_DEV_GPU_TEMP{pool="train-h100"}) < 8',
      'count by (node, pool) (DCGM_FI_DEV_GPU_TEMP{pool="train-h200"}) < 8',
      'count by (node, pool) (DCGM_FI_DEV_GPU_TEMP{pool="infer-l40s"}) < 4',
    ]);
  });

  it("every rule and dashboard expression parses with Prometheus's PromQL grammar (which rejects a broken one)", () => {
    const exprs = [...alertRules(prod), ...alertRules(onprem)].map((r) => exprOf(r.condition)).concat(dashboards(prod, true).flatMap((d) => d.panels.flatMap((p) => p.exprs.map((e) => e.expr))));
    expect(exprs.filter((e) => promqlErrors(e).length > 0)).toEqual([]);
    expect(promqlErrors("sum by (pool) (rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m])").length).toBeGreaterThan(0);
  });

  it("treats exactly the XIDs NVIDIA's catalog says need a reset or replacement as fatal", () => {
    // 48 DBE, 64 row-remap failure, 74 NVLink, 79 fallen off the bus, 95 uncontained ECC, 119/120 GSP
    expect(FATAL_XIDS).toEqual([48, 64, 74, 79, 95, 119, 120]);
  });

  it("takes the idle threshold and time from config", () => {
    const spec = parseSpec(withValues(referenceConfig("dev"), { "llm-platform:monitoring": { gpuIdle: { utilizationBelowPercent: 10, forMinutes: 45 } } }));
    expect([exprOf(idleRule(spec).condition), idleRule(spec).forMinutes]).toEqual(['DCGM_FI_DEV_GPU_UTIL{pod!=""} < 10', 45]);
  });

  it("every series the rules and dashboards read is one the platform scrapes", () => {
    const text = [...alertRules(prod).map((r) => exprOf(r.condition)), ...dashboards(prod, true).flatMap((d) => d.panels.flatMap((p) => p.exprs.map((e) => e.expr)))].join("\n");
    const dcgm = new Set(text.match(/\bDCGM_[A-Z_]+\b/g));
    expect([...dcgm].filter((m) => !DCGM_COUNTERS.some((c) => c.field === m))).toEqual([]);
    // Kueue v0.19.2 pkg/metrics/metrics.go names (subsystem kueue_); kube-state-metrics job and node metrics.
    expect(new Set(text.match(/\bkueue_[a-z_]+\b/g))).toEqual(new Set(["kueue_cluster_queue_resource_usage", "kueue_cluster_queue_nominal_quota", "kueue_pending_workloads", "kueue_admitted_active_workloads"]));
    expect(new Set(text.match(/\bkube_[a-z_]+\b/g))).toEqual(new Set(["kube_node_status_capacity", "kube_job_failed"]));
  });
});

describe("alert rules on golden series", () => {
  const T0 = 1_796_126_400;
  const gpuLabels = { node: "ip-10-30-1-17", pool: "train-h100", gpu: "0", UUID: "GPU-1" };
  const series = (name: string, extra: Record<string, string>, f: (t: number) => number | undefined, to = T0 + 7200) => sampled({ __name__: name, ...gpuLabels, ...extra }, T0 - 3600, to, f);
  const fires = (alert: string, s: Series[], spec: PlatformSpec = prod) => firstFiring(rule(spec, alert), s, T0, T0 + 7200);

  it("GpuFatalXid fires at once on XID 79, not on XID 13 (which GpuXidError reports) nor on a zero count", () => {
    const xid = (code: string, count: number) => series("DCGM_EXP_XID_ERRORS_COUNT", { xid: code }, (t) => (t >= T0 + 600 ? count : 0));
    expect(fires("GpuFatalXid", [xid("79", 1)])).toBe(T0 + 600);
    expect(fires("GpuFatalXid", [xid("13", 1)])).toBeUndefined();
    expect(fires("GpuXidError", [xid("13", 1)])).toBe(T0 + 600);
    expect(fires("GpuFatalXid", [xid("79", 0)])).toBeUndefined();
  });

  it("GpuEccDoubleBitError fires on one new error, not on a flat counter or a counter reset by a driver reload", () => {
    expect(fires("GpuEccDoubleBitError", [series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", {}, (t) => (t >= T0 + 900 ? 6 : 5))])).toBe(T0 + 900);
    expect(fires("GpuEccDoubleBitError", [series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", {}, () => 5)])).toBeUndefined();
    expect(fires("GpuEccDoubleBitError", [series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", {}, (t) => (t >= T0 + 900 ? 0 : 5))])).toBeUndefined();
  });

  it("GpuRowRemapFailure fires when the flag is 1, not when it is 0", () => {
    expect(fires("GpuRowRemapFailure", [series("DCGM_FI_DEV_ROW_REMAP_FAILURE", {}, (t) => (t >= T0 + 60 ? 1 : 0))])).toBe(T0 + 60);
    expect(fires("GpuRowRemapFailure", [series("DCGM_FI_DEV_ROW_REMAP_FAILURE", {}, () => 0)])).toBeUndefined();
  });

  // A counter of throttled nanoseconds growing by share × 1e9 per second from T0 (before: flat).
  const throttled = (name: string, share: number) => series(name, {}, (t) => 5e12 + Math.max(0, t - T0) * share * 1e9);

  it("GpuThermalThrottling: 1.1 % of the time fires after its 10 minutes, 0.9 % never", () => {
    // From T0 the 5-minute rate climbs; it passes 1 % when (t - T0)/300 × 1.1 % > 1 %, i.e. at T0 + 300 s
    // (the window is then fully inside the throttling), so pending from T0 + 300 s (rate 1.1 %) and firing 600 s later.
    const first = fires("GpuThermalThrottling", [throttled("DCGM_FI_DEV_THERMAL_VIOLATION", 0.011)]);
    expect(first).toBeDefined();
    expect(first! - T0).toBeGreaterThanOrEqual(600);
    expect(first! - T0).toBeLessThanOrEqual(900);
    expect(fires("GpuThermalThrottling", [throttled("DCGM_FI_DEV_THERMAL_VIOLATION", 0.009)])).toBeUndefined();
  });

  it("GpuPowerThrottling: 51 % of the time fires only after 30 minutes, 49 % never", () => {
    const first = fires("GpuPowerThrottling", [throttled("DCGM_FI_DEV_POWER_VIOLATION", 0.51)]);
    expect(first! - T0).toBeGreaterThanOrEqual(1800);
    expect(first! - T0).toBeLessThanOrEqual(1800 + 300);
    expect(fires("GpuPowerThrottling", [throttled("DCGM_FI_DEV_POWER_VIOLATION", 0.49)])).toBeUndefined();
  });

  it("the evaluator's increase matches Prometheus's extrapolation by hand", () => {
    // +5 every 30 s: (t-600, t] holds 20 samples, 19 × 5 = 95 over 570 s; the gap to the window's start
    // (30 s) is under 1.1 × the 30 s spacing, so it extrapolates to 600 s: 95 × 600 / 570 = 100.
    const samples = Array.from({ length: 40 }, (_, i) => [i * 30, 1000 + i * 5] as const);
    expect(extrapolatedIncrease(samples, 39 * 30, 600, false)).toBeCloseTo(100, 10);
  });

  it("GpuPcieReplays: 100 replays in 10 minutes is not enough, 110 is, and only after 10 minutes", () => {
    const replays = (per30s: number) => series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", {}, (t) => 1000 + Math.floor(Math.max(0, t - T0) / 30) * per30s);
    expect(fires("GpuPcieReplays", [replays(5)])).toBeUndefined(); // 5 per 30 s = 100 per 10 minutes: on the threshold
    const first = fires("GpuPcieReplays", [replays(5.5)]); // 110 per 10 minutes
    expect(first! - T0).toBeGreaterThanOrEqual(600 + 600 - 60);
    expect(first! - T0).toBeLessThanOrEqual(600 + 600 + 60);
  });

  it("GpuNvlinkErrors fires on one recovery error", () => {
    expect(fires("GpuNvlinkErrors", [series("DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", {}, (t) => (t >= T0 + 300 ? 1 : 0))])).toBe(T0 + 300);
  });

  it("GpuMissing: a train-h100 node showing 7 of its 8 GPUs fires after 5 minutes; 8 of 8 never", () => {
    const gpus = (n: number) => Array.from({ length: 8 }, (_, g) => sampled({ __name__: "DCGM_FI_DEV_GPU_TEMP", ...gpuLabels, gpu: String(g) }, T0 - 3600, T0 + 7200, (t) => (g < n || t < T0 ? 45 : undefined)));
    // The 8th GPU's last sample is at T0 − 30 s; the 5-minute lookback (left-open) shows it until
    // T0 + 270 s, so the count is 7 from T0 + 270 s and the alert fires 5 minutes later.
    expect(fires("GpuMissing", gpus(7))).toBe(T0 + 270 + 300);
    expect(fires("GpuMissing", gpus(8))).toBeUndefined();
  });

  it("GpuNodeUnmonitored: a GPU node whose exporter is down or absent fires after 15 minutes; with a healthy exporter never", () => {
    const capacity = sampled({ __name__: "kube_node_status_capacity", node: "ip-10-30-1-17", resource: "nvidia_com_gpu", unit: "integer" }, T0 - 3600, T0 + 7200, () => 8);
    const up = (v: number) => sampled({ __name__: "up", job: "nvidia-dcgm-exporter", node: "ip-10-30-1-17", instance: "10.30.1.17:9400" }, T0 - 3600, T0 + 7200, () => v);
    expect(fires("GpuNodeUnmonitored", [capacity, up(1)])).toBeUndefined();
    expect(fires("GpuNodeUnmonitored", [capacity, up(0)])).toBe(T0 + 900);
    expect(fires("GpuNodeUnmonitored", [capacity])).toBe(T0 + 900);
  });

  it("NcclAcceptanceFailed: a failed acceptance Job fires after 5 minutes; another team Job's failure does not", () => {
    const failed = (job: string) => sampled({ __name__: "kube_job_failed", namespace: "research", job_name: job, condition: "true" }, T0, T0 + 7200, () => 1);
    expect(fires("NcclAcceptanceFailed", [failed("nccl-allreduce-train-h100-x7k2p-launcher-0")])).toBe(T0 + 300);
    expect(fires("NcclAcceptanceFailed", [failed("sales-llama8b-src512-node-0")])).toBeUndefined();
  });

  describe("GPUAllocatedIdle (prod: below 5 % for 30 minutes)", () => {
    const util = (f: (t: number) => number, extra: Record<string, string> = { namespace: "research", pod: "llama-sweep-node-0-0-k8d2x" }) => [series("DCGM_FI_DEV_GPU_UTIL", extra, f)];
    it("fires after exactly 30 minutes at 4.9 %", () => {
      expect(fires("GPUAllocatedIdle", util((t) => (t >= T0 ? 4.9 : 90)))).toBe(T0 + 1800);
    });
    it("does not fire at 5 % (on the threshold) nor above", () => {
      expect(fires("GPUAllocatedIdle", util((t) => (t >= T0 ? 5 : 90)))).toBeUndefined();
    });
    it("restarts its 30 minutes after a burst of work", () => {
      // idle from T0, one sample at 60 % at T0 + 20 min, idle again: fires 30 minutes after the next sample
      expect(fires("GPUAllocatedIdle", util((t) => (t === T0 + 1200 ? 60 : t >= T0 ? 1 : 90)))).toBe(T0 + 1230 + 1800);
    });
    it("ignores a GPU no pod holds", () => {
      expect(fires("GPUAllocatedIdle", util(() => 0, {}))).toBeUndefined();
    });
    it("labels the alert with the holding pod, its namespace, node and pool", () => {
      const firing = evaluate(rule(prod, "GPUAllocatedIdle").condition, util(() => 0), T0);
      expect(firing[0].labels).toMatchObject({ namespace: "research", pod: "llama-sweep-node-0-0-k8d2x", node: "ip-10-30-1-17", pool: "train-h100" });
    });
  });
});

describe("dashboards", () => {
  it("ship GPU health for every stack and the team quota view where Kueue runs", () => {
    expect(dashboards(prod, true).map((d) => [d.configMapName, d.panels.length])).toEqual([["llm-platform-dashboard-gpu-health", 12], ["llm-platform-dashboard-team-gpus", 7]]);
    expect(dashboards(prod, false).map((d) => d.uid)).toEqual(["llm-platform-gpu-health"]);
  });

  it("compute borrowed and lent GPUs from Kueue's quota and usage, and pick the Prometheus by variable", () => {
    const json = dashboardJson(dashboards(prod, true)[1]) as any;
    const exprs = json.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    expect(exprs).toContain('sum by (cluster_queue) (clamp_min(kueue_cluster_queue_resource_usage{cluster_queue=~"$team", resource="nvidia.com/gpu"} - kueue_cluster_queue_nominal_quota{cluster_queue=~"$team", resource="nvidia.com/gpu"}, 0))');
    expect(json.templating.list[0]).toEqual({ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus" });
    for (const p of json.panels) expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
  });
});

describe("reclaimer and node guard config", () => {
  it("lists only teams whose policy is not off, with the Prometheus to ask", () => {
    const spec = parseSpec(withValues(referenceConfig("prod"), { "llm-platform:teams": [{ ...prodTeams[0], reclaim: { mode: "off" } }, prodTeams[1]] }));
    expect(reclaimerConfig(spec)).toEqual({
      prometheusUrl: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
      utilizationBelowPercent: 5,
      stepSeconds: 60,
      workloadApi: "kueue.x-k8s.io/v1beta2",
      annotations: { optOut: "llm-platform/reclaim-opt-out", decision: "llm-platform/reclaim-decision", reason: "llm-platform/reclaim-reason", decidedAt: "llm-platform/reclaim-decided-at" },
      teams: [{ namespace: "research", mode: "deactivate", idleGraceMinutes: 120 }],
    });
  });

  it("hold the reclaimer to get/list/patch on Workloads, get/list on pods and creating Events: no wildcard", () => {
    const rules = reclaimerRoleRules();
    expect(rules).toEqual([
      { apiGroups: ["kueue.x-k8s.io"], resources: ["workloads"], verbs: ["get", "list", "patch"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["events"], verbs: ["create"] },
    ]);
    expect(JSON.stringify(rules)).not.toContain("*");
  });

  it("cordons on the fatal-XID alert's own PromQL, against the existing Prometheus on-prem", () => {
    expect(nodeGuardConfig(onprem)).toEqual({ prometheusUrl: "http://prometheus-operated.monitoring.svc:9090", query: 'DCGM_EXP_XID_ERRORS_COUNT{xid=~"48|64|74|79|95|119|120"} > 0', nodeLabel: "node", annotation: "llm-platform/cordon-reason" });
  });

  itWithPlan("ships every Python source of jobs/reclaim except its tests", () => {
    const dir = path.resolve(__dirname, "..", "jobs", "reclaim");
    expect(Object.keys(gpuReclaimer().reclaimSources()).sort()).toEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".py") && !f.startsWith("test_")).sort());
  });
});

describe("monitoring in the plan", () => {
  itWithPlan("prod installs pinned kube-prometheus-stack after its node pools and the Grafana Secret", async () => {
    const plan = await referencePlan("prod");
    const release = named(plan, "kubernetes:helm.sh/v3:Release", "prod-monitoring");
    expect(release.inputs).toMatchObject({ name: "kube-prometheus-stack", chart: "kube-prometheus-stack", version: "88.5.3", repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" }, namespace: "monitoring" });
    const nodeGroups = ofType(plan, "aws:eks/nodeGroup:NodeGroup").map((r) => r.parent);
    const secret = named(plan, "kubernetes:core/v1:Secret", "prod-monitoring-grafana-admin");
    expect(release.options.dependsOn).toEqual(expect.arrayContaining([...nodeGroups, secret.urn]));
    expect(secret.inputs).toMatchObject({ metadata: { name: "grafana-admin", namespace: "monitoring" }, stringData: "[secret]" });
    expect(named(plan, "random:index/randomPassword:RandomPassword", "prod-monitoring-grafana-admin").inputs).toMatchObject({ length: 32 });
  });

  itWithPlan("creates monitors, rules and dashboards after the release (its CRDs), in the monitoring namespace", async () => {
    const plan = await referencePlan("prod");
    const release = named(plan, "kubernetes:helm.sh/v3:Release", "prod-monitoring");
    for (const [type, name] of [["ServiceMonitor", "prod-monitoring-dcgm"], ["ServiceMonitor", "prod-monitoring-kueue"], ["PrometheusRule", "prod-monitoring-gpu-rules"]]) {
      const r = named(plan, `kubernetes:monitoring.coreos.com/v1:${type}`, name);
      expect([name, r.options.dependsOn, (r.inputs as any).metadata.namespace, (r.inputs as any).metadata.labels]).toEqual([name, [release.urn], "monitoring", { release: "kube-prometheus-stack" }]);
    }
    const boards = ofType(plan, "kubernetes:core/v1:ConfigMap").filter((c) => (c.inputs as any).metadata.labels?.grafana_dashboard === "1");
    expect(boards.map((c) => (c.inputs as any).metadata.name)).toEqual(["llm-platform-dashboard-gpu-health", "llm-platform-dashboard-team-gpus"]);
  });

  itWithPlan("onprem creates only monitors, rules and dashboards, labelled for the cluster's Prometheus", async () => {
    const plan = await referencePlan("onprem");
    expect(ofType(plan, "kubernetes:helm.sh/v3:Release").map((r) => r.name)).not.toContain("onprem-monitoring");
    expect(ofType(plan, "kubernetes:core/v1:Namespace").map((r) => (r.inputs as any).metadata.name)).not.toContain("monitoring");
    const sm = named(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "onprem-monitoring-dcgm");
    expect((sm.inputs as any).metadata).toEqual({ name: "llm-platform-dcgm-exporter", namespace: "monitoring", labels: { release: "cluster-monitoring" } });
    expect(sm.options.dependsOn).toEqual([]);
  });

  itWithPlan("ships the DCGM counters file before the GPU operator release", async () => {
    const plan = await referencePlan("prod");
    const cm = named(plan, "kubernetes:core/v1:ConfigMap", "prod-gpu-operator-dcgm-metrics");
    expect((cm.inputs as any).metadata).toEqual({ name: "llm-platform-dcgm-metrics", namespace: "gpu-operator" });
    expect((cm.inputs as any).data["dcgm-metrics.csv"]).toBe(dcgmCountersCsv());
    // …and after its namespace, labelled for Pod Security and fenced by NetworkPolicies.
    const namespace = named(plan, "kubernetes:core/v1:Namespace", "prod-gpu-operator");
    expect(named(plan, "kubernetes:helm.sh/v3:Release", "prod-gpu-operator").options.dependsOn).toEqual([namespace.urn, cm.urn]);
  });

  itWithPlan("gives the reclaimer a Role only in the namespaces of teams it may act on, and a pinned image", async () => {
    const plan = await referencePlan("prod");
    expect(ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) => (r.inputs as any).metadata.name === "gpu-reclaimer").map((r) => (r.inputs as any).metadata.namespace)).toEqual(["sales-dialogue", "research"]);
    const binding = named(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "prod-reclaimer-research");
    expect((binding.inputs as any).subjects).toEqual([{ kind: "ServiceAccount", name: "gpu-reclaimer", namespace: "llm-platform" }]);
    const cron = named(plan, "kubernetes:batch/v1:CronJob", "prod-reclaimer").inputs as any;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect([cron.spec.schedule, cron.spec.concurrencyPolicy, pod.containers[0].image, pod.serviceAccountName]).toEqual(["*/10 * * * *", "Forbid", "docker.io/library/python:3.13-slim@sha256:9662417aace5ae7b8e2609cce472b72a8958e134ba372808abe9cc1a0c0125e6", "gpu-reclaimer"]);
    expect(pod.containers[0].command).toEqual(["python3", "/opt/llm-platform/reclaim/reclaim.py", "--config", "/etc/llm-platform/config.json"]);
    expect(pod.containers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } });
    expect(JSON.parse((named(plan, "kubernetes:core/v1:ConfigMap", "prod-reclaimer-config").inputs as any).data["config.json"]).teams).toEqual([
      { namespace: "sales-dialogue", mode: "dry-run", idleGraceMinutes: 120 },
      { namespace: "research", mode: "deactivate", idleGraceMinutes: 120 },
    ]);
  });

  itWithPlan("repairs GPU nodes with the EKS node monitoring agent on AWS, and cordons them with the node guard on-prem", async () => {
    const plan = await referencePlan("prod");
    expect(ofType(plan, "aws:eks/addon:Addon").map((a) => a.inputs.addonName)).toContain("eks-node-monitoring-agent");
    expect(ofType(plan, "aws:eks/nodeGroup:NodeGroup").map((n) => [n.name, n.inputs.nodeRepairConfig])).toEqual([
      ["prod-system", undefined],
      ["prod-train-h100", { enabled: true }],
      ["prod-train-h200", { enabled: true }],
      ["prod-infer-l40s", { enabled: true }],
    ]);
    expect(ofType(plan, "kubernetes:batch/v1:CronJob").map((c) => c.name)).toEqual(["prod-reclaimer"]);
    const onpremPlan = await referencePlan("onprem");
    expect(ofType(onpremPlan, "kubernetes:batch/v1:CronJob").map((c) => c.name).sort()).toEqual(["onprem-gpu-node-health", "onprem-reclaimer"]);
    expect((named(onpremPlan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "onprem-gpu-node-health").inputs as any).rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] }]);
  });

  itWithPlan("reports the Monitoring section with alerts, dashboards and each team's policy", async () => {
    const md = planMarkdown().renderMarkdown([await referencePlan("prod")]);
    expect(md).toContain("### Monitoring");
    expect(md).toContain("kube-prometheus-stack 88.5.3 in `monitoring`: 30 days on a 200 GiB volume (the cluster's default StorageClass)");
    expect(md).toContain("| GPUAllocatedIdle | warning | a GPU held by a pod below 5 % utilization for 30 minutes |");
    expect(md).toContain("| sales-dialogue | dry-run: annotated and reported after 120 min idle, never deactivated |");
    expect(md).toContain("| research | deactivated after 120 min idle (quota returns to the cohort) |");
  });
});

describe("monitoring policies", () => {
  type Policy = Parameters<typeof runPolicies>[0][number];
  const messages = async (policy: Policy, resources: readonly RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);
  const edited = async (stack: string, edit: (rs: RecordedResource[]) => RecordedResource[] | void) => {
    const rs = structuredClone((await referencePlan(stack)).resources) as RecordedResource[];
    return edit(rs) ?? rs;
  };
  const release = (rs: RecordedResource[], name: string) => rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === name)!.inputs as any;

  itWithPlan("all pass on every reference stack", async () => {
    for (const stack of ["dev", "staging", "prod", "onprem"]) {
      const rs = (await referencePlan(stack)).resources;
      for (const p of [gpuMonitoringPresent, gpuAlertRulesPresent, dashboardsNotExposed, grafanaExposedAdvisory, prometheusRetentionShort]) expect([stack, p.name, await messages(p, rs)]).toEqual([stack, p.name, []]);
    }
  });

  it("gpu-monitoring-present fails a GPU stack without a DCGM monitor, without a Prometheus, or with the exporter off", async () => {
    const rs = await edited("prod", (r) => {
      release(r, "prod-gpu-operator").values.dcgmExporter.enabled = false;
      return r.filter((x) => !x.type.endsWith(":ServiceMonitor") && x.name !== "prod-monitoring");
    });
    expect(await messages(gpuMonitoringPresent, rs)).toEqual([
      "mandatory: the GPU operator's DCGM exporter is disabled (dcgmExporter.enabled: false): no GPU metrics exist to scrape",
      "mandatory: no ServiceMonitor or PodMonitor scrapes the DCGM exporter (namespace gpu-operator, app: nvidia-dcgm-exporter): GPU faults and idle GPUs would go unseen",
      "mandatory: no Prometheus: neither a kube-prometheus-stack release nor llm-platform:monitoring.prometheus.existing",
    ]);
  });

  it("gpu-monitoring-present accepts a PodMonitor in the operator's namespace and an existing Prometheus without a release (onprem)", async () => {
    const rs = await edited("onprem", (r) => {
      const sm = r.find((x) => x.name === "onprem-monitoring-dcgm")! as any;
      sm.type = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
    });
    expect(await messages(gpuMonitoringPresent, rs)).toEqual([]);
  });

  it("gpu-alert-rules-present names every missing fault alert", async () => {
    const rs = await edited("dev", (r) => {
      const rule = r.find((x) => x.type.endsWith(":PrometheusRule"))!.inputs as any;
      rule.spec.groups[0].rules = rule.spec.groups[0].rules.filter((x: any) => !["GpuFatalXid", "GpuMissing"].includes(x.alert));
    });
    expect(await messages(gpuAlertRulesPresent, rs)).toEqual(["mandatory: no PrometheusRule defines GpuFatalXid, GpuMissing: those GPU faults would not page anyone"]);
    expect(REQUIRED_ALERTS.every((a) => gpuPrometheusRule(dev, "monitoring", {}).spec.groups.some((g) => g.rules.some((r: any) => r.alert === a)))).toBe(true);
  });

  it("dashboards-not-exposed refuses a KueueViz Ingress (no login) and an anonymous exposed Grafana; grafana-exposed advises on a Grafana LoadBalancer", async () => {
    const rs = await edited("prod", (r) => {
      delete release(r, "prod-kueue").values.kueueViz.frontend.ingress.enabled;
      const grafana = release(r, "prod-monitoring").values.grafana;
      grafana.service = { type: "LoadBalancer" };
      grafana["grafana.ini"] = { "auth.anonymous": { enabled: true } };
    });
    expect(await messages(dashboardsNotExposed, rs)).toEqual([
      "mandatory: KueueViz frontend is exposed by an Ingress (kueueViz.frontend.ingress.enabled is not false) and KueueViz has no login: anyone reaching it sees every team's workloads",
      "mandatory: Grafana is exposed outside the cluster with anonymous access: GPU and team data without any login",
    ]);
    expect(await messages(grafanaExposedAdvisory, rs)).toEqual(["advisory: Grafana's Service is a LoadBalancer: put it behind the organisation's single sign-on, or use kubectl port-forward"]);
  });

  it("dashboards-not-exposed allows a KueueViz Ingress once KueueViz authenticates (TokenReview)", async () => {
    const rs = await edited("prod", (r) => {
      const values = release(r, "prod-kueue").values;
      values.kueueViz.frontend.ingress.enabled = true;
      values.kueueViz.backend.auth = { mode: "TokenReview" };
    });
    expect(await messages(dashboardsNotExposed, rs)).toEqual([]);
  });

  it("prometheus-retention-short advises below 7 days, not at 7", async () => {
    const at = async (days: number) => {
      const plan = await edited("dev", () => undefined);
      const platform = plan.find((r) => r.type === "llm-platform:index:Platform")!.inputs as any;
      platform.monitoring.retentionDays = days;
      return messages(prometheusRetentionShort, plan);
    };
    expect(await at(6)).toEqual(["advisory: Prometheus keeps 6 days of metrics (llm-platform:monitoring.prometheus.retentionDays); fewer than 7 cannot compare an incident with last week's baseline"]);
    expect(await at(7)).toEqual([]);
  });
});

describeWithUpstream("monitoring contracts (../shared/upstream: kube-prometheus-stack 88.5.3, prometheus-operator v0.93.1, dcgm-exporter 4.5.3-4.8.2, gpu-operator v26.7.0, kueue v0.19.2)", () => {
  const crd = (kind: string) => crdValidator(`prometheus-operator/v0.93.1/crds/crd-${kind}.yaml`, "v1");

  it("pins the chart whose values and CRDs these are", () => {
    const chart = readUpstreamYaml("charts/kube-prometheus-stack/88.5.3/Chart.yaml");
    expect([chart.version, chart.appVersion]).toEqual(["88.5.3", "v0.93.1"]);
    expect(chart.dependencies.find((d: any) => d.name === "crds")).toMatchObject({ condition: "crds.enabled" });
  });

  it("sets only kube-prometheus-stack keys the pinned values.yaml defines, and relies on its defaults as read", () => {
    const defaults = readUpstreamYaml("charts/kube-prometheus-stack/88.5.3/values.yaml");
    for (const spec of [dev, prod]) expect(unknownValueKeys(kubePrometheusStackValues(spec), defaults)).toEqual([]);
    // Without these three flags false the Prometheus would select only release-labelled objects.
    expect([defaults.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues, defaults.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues]).toEqual([true, true]);
    expect(defaults.grafana.admin).toEqual({ existingSecret: "", userKey: "admin-user", passwordKey: "admin-password" });
    expect(defaults.grafana.sidecar.dashboards).toMatchObject({ label: "grafana_dashboard", labelValue: "1" });
  });

  it("every ServiceMonitor and PrometheusRule validates against the pinned CRDs", () => {
    for (const spec of [dev, prod, onprem]) {
      expect(crd("servicemonitors")(dcgmServiceMonitor(spec, "monitoring", monitorLabels(spec)))).toEqual([]);
      expect(crd("prometheusrules")(gpuPrometheusRule(spec, "monitoring", monitorLabels(spec)))).toEqual([]);
    }
    expect(crd("servicemonitors")(kueueServiceMonitor("monitoring", {}))).toEqual([]);
  });

  it("the CRD validator rejects what the CRD forbids (a rule with a bad `for`)", () => {
    const bad = gpuPrometheusRule(prod, "monitoring", {}) as any;
    bad.spec.groups[0].rules[4].for = "10 minutes";
    expect(crd("prometheusrules")(bad)).toEqual(['/spec/groups/0/rules/4/for must match pattern "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"']);
  });

  it("keeps every default DCGM counter and adds only fields the default file comments out", () => {
    const text = fs.readFileSync(path.join(SHARED_UPSTREAM, "dcgm-exporter/4.5.3-4.8.2/etc/default-counters.csv"), "utf8");
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    expect(lines.map((l) => l.split(",")[0].trim())).toEqual(DEFAULT_COUNTERS.map((c) => c.field));
    for (const c of ADDED_COUNTERS) expect([c.field, new RegExp(`^#\\s*${c.field}\\s*,\\s*${c.type === "gauge" && c.field.startsWith("DCGM_EXP") ? "\\w+" : c.type}\\s*,`, "m").test(text)]).toEqual([c.field, true]);
  });

  it("reads the GPU operator's documented dcgmExporter.config and serviceMonitor keys", () => {
    const text = fs.readFileSync(path.join(SHARED_UPSTREAM, "charts/gpu-operator/v26.7.0/values.yaml"), "utf8");
    // dcgmExporter.config exists only as a documented comment ("# config:\n    # name: custom-dcgm-exporter-metrics").
    expect(text).toMatch(/# config:\n\s+# name: custom-dcgm-exporter-metrics/);
    const defaults = readUpstreamYaml("charts/gpu-operator/v26.7.0/values.yaml");
    expect(defaults.dcgmExporter.serviceMonitor).toMatchObject({ enabled: true, honorLabels: false });
  });

  it("sets only Kueue chart keys the pinned values.yaml defines, and the manager config key it documents", () => {
    const defaults = readUpstreamYaml("kueue/v0.19.2/charts/kueue/values.yaml");
    expect(unknownValueKeys(kueueValues(parseSpec(referenceConfig("prod"))), defaults)).toEqual([]);
    expect([defaults.enableKueueViz, defaults.kueueViz.backend.ingress.enabled, defaults.kueueViz.frontend.ingress.enabled, defaults.kueueViz.backend.auth.mode]).toEqual([false, true, true, "Disabled"]);
    expect(defaults.managerConfig.controllerManagerConfigYaml).toContain("# enableClusterQueueResources: true");
  });

  it("the DCGM metrics the rules read appear in NVIDIA's own dashboard or counters file", () => {
    const board = fs.readFileSync(path.join(SHARED_UPSTREAM, "dcgm-exporter/4.5.3-4.8.2/grafana/dcgm-exporter-dashboard.json"), "utf8");
    expect(board).toContain("DCGM_FI_DEV_GPU_UTIL");
    expect(board).toContain("DCGM_FI_DEV_GPU_TEMP");
    expect(faultRules(prod).length).toBeGreaterThan(0);
  });
});
