import { PLATFORM_TYPE } from "../infra/manifest";
import { REQUIRED_ALERTS } from "../infra/monitoring/alerts";
import type { RecordedResource } from "../infra/recorded";
import { dashboardsNotExposed, gpuAlertRulesPresent, gpuMonitoringPresent, grafanaExposedAdvisory, prometheusRetentionShort } from "../policies/monitoring";
import { runPolicies } from "../policies/run";
import { recorded } from "./helpers/resources";

// The monitoring policies on hand-built resources, each branch both ways (monitoring.test.ts runs
// them on the reference plans).
type Policy = Parameters<typeof runPolicies>[0][number];
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);
const platform = (gpusPerNode: number, monitoring: Record<string, unknown> = { prometheus: "platform", retentionDays: 30 }) =>
  recorded(PLATFORM_TYPE, "platform", { target: "aws", gpuStack: {}, nodePools: [{ name: "p", gpusPerNode }], monitoring });
const release = (chart: string, values: Record<string, unknown> = {}) => recorded("kubernetes:helm.sh/v3:Release", chart, { chart, values });
const monitor = (kind: "ServiceMonitor" | "PodMonitor", spec: Record<string, unknown>, namespace = "monitoring") =>
  recorded(`kubernetes:monitoring.coreos.com/v1:${kind}`, `${kind}-${namespace}`, { metadata: { namespace }, spec });
const dcgmSelector = { selector: { matchLabels: { app: "nvidia-dcgm-exporter" } } };
const prometheus = release("kube-prometheus-stack");

describe("policy gpu-monitoring-present (mandatory)", () => {
  const noScrape = "mandatory: no ServiceMonitor or PodMonitor scrapes the DCGM exporter (namespace gpu-operator, app: nvidia-dcgm-exporter): GPU faults and idle GPUs would go unseen";

  it.each([
    ["a ServiceMonitor naming the operator's namespace", monitor("ServiceMonitor", { namespaceSelector: { matchNames: ["kube-system", "gpu-operator"] }, ...dcgmSelector })],
    ["a PodMonitor in any namespace", monitor("PodMonitor", { namespaceSelector: { any: true }, ...dcgmSelector })],
    ["a ServiceMonitor living in the operator's namespace", monitor("ServiceMonitor", dcgmSelector, "gpu-operator")],
  ])("passes %s", async (_what, scrape) => {
    expect(await messages(gpuMonitoringPresent, [platform(8), prometheus, scrape])).toEqual([]);
  });

  it.each([
    ["in another namespace", monitor("ServiceMonitor", { namespaceSelector: { matchNames: ["kube-system"] }, ...dcgmSelector })],
    ["of its own namespace, which is not the operator's", monitor("ServiceMonitor", dcgmSelector, "monitoring")],
    ["with any: false", monitor("PodMonitor", { namespaceSelector: { any: false }, ...dcgmSelector }, "monitoring")],
    ["of another app", monitor("ServiceMonitor", { namespaceSelector: { any: true }, selector: { matchLabels: { app: "node-exporter" } } })],
    ["without a selector", monitor("ServiceMonitor", { namespaceSelector: { any: true } })],
    ["that is a PrometheusRule", recorded("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "r", { metadata: { namespace: "gpu-operator" }, spec: dcgmSelector })],
  ])("fails a monitor %s", async (_what, scrape) => {
    expect(await messages(gpuMonitoringPresent, [platform(8), prometheus, scrape])).toEqual([noScrape]);
  });

  it("fails a disabled DCGM exporter and a missing Prometheus, unless an existing one is configured", async () => {
    const scrape = monitor("ServiceMonitor", dcgmSelector, "gpu-operator");
    expect(await messages(gpuMonitoringPresent, [platform(8), release("gpu-operator", { dcgmExporter: { enabled: false } }), scrape])).toEqual([
      "mandatory: the GPU operator's DCGM exporter is disabled (dcgmExporter.enabled: false): no GPU metrics exist to scrape",
      "mandatory: no Prometheus: neither a kube-prometheus-stack release nor llm-platform:monitoring.prometheus.existing",
    ]);
    expect(await messages(gpuMonitoringPresent, [platform(8, { prometheus: "existing" }), release("gpu-operator", { dcgmExporter: { enabled: true } }), scrape])).toEqual([]);
  });

  it("asks nothing of a stack without GPUs", async () => {
    expect(await messages(gpuMonitoringPresent, [platform(0)])).toEqual([]);
  });
});

describe("policy gpu-alert-rules-present (mandatory)", () => {
  const rule = (alerts: readonly string[]) =>
    recorded("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "rules", { spec: { groups: [{ rules: alerts.slice(0, 2).map((alert) => ({ alert })) }, { rules: alerts.slice(2).map((alert) => ({ alert })) }, {}] } });

  it("passes every required alert across groups, and names the missing ones", async () => {
    expect(await messages(gpuAlertRulesPresent, [platform(8), rule(REQUIRED_ALERTS)])).toEqual([]);
    expect(await messages(gpuAlertRulesPresent, [platform(8), rule(REQUIRED_ALERTS.filter((a) => a !== "GpuFatalXid" && a !== "GpuRowRemapFailure"))])).toEqual([
      "mandatory: no PrometheusRule defines GpuFatalXid, GpuRowRemapFailure: those GPU faults would not page anyone",
    ]);
  });

  it("asks nothing of a stack without GPUs", async () => {
    expect(await messages(gpuAlertRulesPresent, [platform(0)])).toEqual([]);
  });
});

describe("policies dashboards-not-exposed (mandatory) and grafana-exposed (advisory)", () => {
  const kueue = (kueueViz: Record<string, unknown> | undefined, enableKueueViz = true) => release("oci://registry.k8s.io/kueue/charts/kueue", { enableKueueViz, ...(kueueViz ? { kueueViz } : {}) });
  const off = { ingress: { enabled: false } };

  it("refuses KueueViz on the chart's default Ingresses, part by part", async () => {
    expect(await messages(dashboardsNotExposed, [kueue(undefined)])).toEqual([
      "mandatory: KueueViz backend is exposed by an Ingress (kueueViz.backend.ingress.enabled is not false) and KueueViz has no login: anyone reaching it sees every team's workloads",
      "mandatory: KueueViz frontend is exposed by an Ingress (kueueViz.frontend.ingress.enabled is not false) and KueueViz has no login: anyone reaching it sees every team's workloads",
    ]);
    expect(await messages(dashboardsNotExposed, [kueue({ backend: off })])).toHaveLength(1);
    expect(await messages(dashboardsNotExposed, [kueue({ backend: off, frontend: off })])).toEqual([]);
  });

  it("lets KueueViz be exposed once it has a login, and ignores it when off", async () => {
    expect(await messages(dashboardsNotExposed, [kueue({ backend: { auth: { mode: "OIDC" } } })])).toEqual([]);
    expect(await messages(dashboardsNotExposed, [kueue(undefined, false)])).toEqual([]);
  });

  const grafana = (grafanaValues: Record<string, unknown>) => release("kube-prometheus-stack", { grafana: grafanaValues });
  const anonymous = { "grafana.ini": { "auth.anonymous": { enabled: true } } };

  it("refuses anonymous Grafana outside the cluster, and only outside", async () => {
    const refusal = "mandatory: Grafana is exposed outside the cluster with anonymous access: GPU and team data without any login";
    expect(await messages(dashboardsNotExposed, [grafana({ ingress: { enabled: true }, ...anonymous })])).toEqual([refusal]);
    expect(await messages(dashboardsNotExposed, [grafana({ service: { type: "NodePort" }, ...anonymous })])).toEqual([refusal]);
    expect(await messages(dashboardsNotExposed, [grafana({ service: { type: "ClusterIP" }, ...anonymous })])).toEqual([]);
    expect(await messages(dashboardsNotExposed, [grafana({ ingress: { enabled: true } })])).toEqual([]);
    expect(await messages(dashboardsNotExposed, [grafana({ enabled: false, ingress: { enabled: true }, ...anonymous })])).toEqual([]);
  });

  it("advises on Grafana behind an Ingress, a LoadBalancer or a NodePort", async () => {
    expect(await messages(grafanaExposedAdvisory, [grafana({ ingress: { enabled: true }, service: { type: "LoadBalancer" } })])).toEqual([
      "advisory: Grafana has an Ingress: put it behind the organisation's single sign-on, or use kubectl port-forward",
    ]);
    expect(await messages(grafanaExposedAdvisory, [grafana({ service: { type: "LoadBalancer" } })])).toEqual([
      "advisory: Grafana's Service is a LoadBalancer: put it behind the organisation's single sign-on, or use kubectl port-forward",
    ]);
    expect(await messages(grafanaExposedAdvisory, [grafana({ service: { type: "NodePort" } })])).toHaveLength(1);
    expect(await messages(grafanaExposedAdvisory, [grafana({ service: { type: "ClusterIP" }, ingress: { enabled: false } }), grafana({ enabled: false, service: { type: "NodePort" } })])).toEqual([]);
  });
});

describe("policy prometheus-retention-short (advisory)", () => {
  it("advises under 7 days of the platform's Prometheus: 6 warns, 7 does not", async () => {
    expect(await messages(prometheusRetentionShort, [platform(8, { prometheus: "platform", retentionDays: 6 })])).toEqual([
      "advisory: Prometheus keeps 6 days of metrics (llm-platform:monitoring.prometheus.retentionDays); fewer than 7 cannot compare an incident with last week's baseline",
    ]);
    expect(await messages(prometheusRetentionShort, [platform(8, { prometheus: "platform", retentionDays: 7 })])).toEqual([]);
  });

  it("says nothing of an existing Prometheus it does not run", async () => {
    expect(await messages(prometheusRetentionShort, [platform(8, { prometheus: "existing", retentionDays: 1 })])).toEqual([]);
    expect(await messages(prometheusRetentionShort, [platform(8, { prometheus: "platform" })])).toEqual([]);
  });
});
