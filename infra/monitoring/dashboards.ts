/**
 * Grafana dashboards as JSON (pure), shipped as ConfigMaps that Grafana's dashboard sidecar loads:
 * per-GPU health and utilization by pool, node and team, and per-team quota against use from
 * Kueue — "who holds the GPUs, and are they busy". Queries pick the Prometheus through a datasource
 * variable, so the same JSON works in the platform's Grafana and in a cluster's own.
 */
import type { PlatformSpec } from "../config/types";
import { GPU_RESOURCE } from "../fabric/profile";
import { NODE_LABEL, POOL_SERIES_LABEL } from "./monitors";

export interface DashboardPanel {
  readonly title: string;
  readonly type: "timeseries" | "table" | "stat";
  readonly exprs: readonly { readonly expr: string; readonly legend: string }[];
  readonly unit?: string;
  readonly description?: string;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly configMapName: string;
  readonly variables: readonly { readonly name: string; readonly query: string; readonly label: string }[];
  readonly panels: readonly DashboardPanel[];
}

const gpu = (filters: string) => `{${filters}}`;
const POOL_NODE = `${POOL_SERIES_LABEL}=~"$pool", ${NODE_LABEL}=~"$node"`;
const GPU_Q = `resource="${GPU_RESOURCE}"`;

function gpuHealthDashboard(spec: Pick<PlatformSpec, "monitoring">): Dashboard {
  const idleBelow = spec.monitoring.gpuIdle.utilizationBelowPercent;
  const f = gpu(POOL_NODE);
  return {
    uid: "llm-platform-gpu-health",
    title: "llm-platform / GPU health and utilization",
    configMapName: "llm-platform-dashboard-gpu-health",
    variables: [
      { name: "pool", label: "Pool", query: `label_values(DCGM_FI_DEV_GPU_TEMP, ${POOL_SERIES_LABEL})` },
      { name: "node", label: "Node", query: `label_values(DCGM_FI_DEV_GPU_TEMP{${POOL_SERIES_LABEL}=~"$pool"}, ${NODE_LABEL})` },
    ],
    panels: [
      { title: "GPU utilization (each GPU, with the pod holding it)", type: "timeseries", unit: "percent", exprs: [{ expr: `DCGM_FI_DEV_GPU_UTIL${f}`, legend: "{{node}} GPU {{gpu}} {{namespace}}/{{pod}}" }] },
      { title: "Utilization by team (GPUs held by pods)", type: "timeseries", unit: "percent", exprs: [{ expr: `avg by (namespace) (DCGM_FI_DEV_GPU_UTIL{${POOL_NODE}, pod!=""})`, legend: "{{namespace}}" }] },
      { title: `GPUs held but idle (< ${idleBelow} %) by team`, type: "timeseries", exprs: [{ expr: `count by (namespace) (DCGM_FI_DEV_GPU_UTIL{${POOL_NODE}, pod!=""} < ${idleBelow})`, legend: "{{namespace}}" }] },
      { title: "Tensor core activity", type: "timeseries", unit: "percentunit", exprs: [{ expr: `DCGM_FI_PROF_PIPE_TENSOR_ACTIVE${f}`, legend: "{{node}} GPU {{gpu}}" }] },
      { title: "GPU temperature", type: "timeseries", unit: "celsius", exprs: [{ expr: `DCGM_FI_DEV_GPU_TEMP${f}`, legend: "{{node}} GPU {{gpu}}" }] },
      { title: "Power draw", type: "timeseries", unit: "watt", exprs: [{ expr: `DCGM_FI_DEV_POWER_USAGE${f}`, legend: "{{node}} GPU {{gpu}}" }] },
      { title: "Framebuffer used", type: "timeseries", unit: "percent", exprs: [{ expr: `100 * DCGM_FI_DEV_FB_USED${f} / (DCGM_FI_DEV_FB_USED${f} + DCGM_FI_DEV_FB_FREE${f})`, legend: "{{node}} GPU {{gpu}}" }] },
      { title: "Share of time throttled (thermal, power)", type: "timeseries", unit: "percentunit", exprs: [
        { expr: `rate(DCGM_FI_DEV_THERMAL_VIOLATION${f}[5m]) / 1e9`, legend: "thermal {{node}} GPU {{gpu}}" },
        { expr: `rate(DCGM_FI_DEV_POWER_VIOLATION${f}[5m]) / 1e9`, legend: "power {{node}} GPU {{gpu}}" },
      ] },
      { title: "XIDs in the exporter's window", type: "table", exprs: [{ expr: `DCGM_EXP_XID_ERRORS_COUNT${f} > 0`, legend: "{{node}} GPU {{gpu}} XID {{xid}}" }] },
      { title: "ECC errors (last hour)", type: "timeseries", exprs: [
        { expr: `increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL${f}[1h])`, legend: "double-bit {{node}} GPU {{gpu}}" },
        { expr: `increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL${f}[1h])`, legend: "single-bit {{node}} GPU {{gpu}}" },
      ] },
      { title: "Row remapping (A100 and later) and retired pages (V100)", type: "table", exprs: [
        { expr: `DCGM_FI_DEV_ROW_REMAP_FAILURE${f}`, legend: "remap failed {{node}} GPU {{gpu}}" },
        { expr: `DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS${f}`, legend: "uncorrectable rows {{node}} GPU {{gpu}}" },
        { expr: `DCGM_FI_DEV_RETIRED_DBE${f}`, legend: "retired pages {{node}} GPU {{gpu}}" },
      ] },
      { title: "PCIe replays and NVLink errors (per minute)", type: "timeseries", exprs: [
        { expr: `60 * rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER${f}[5m])`, legend: "PCIe replays {{node}} GPU {{gpu}}" },
        { expr: `60 * rate(DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL${f}[5m])`, legend: "NVLink CRC {{node}} GPU {{gpu}}" },
        { expr: `60 * rate(DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL${f}[5m])`, legend: "NVLink recovery {{node}} GPU {{gpu}}" },
      ] },
    ],
  };
}

/** Per-team quota against use (Kueue's ClusterQueue metrics need enableClusterQueueResources) and who holds which GPUs. */
function teamGpuDashboard(spec: Pick<PlatformSpec, "monitoring">): Dashboard {
  const idleBelow = spec.monitoring.gpuIdle.utilizationBelowPercent;
  const cq = `cluster_queue=~"$team", ${GPU_Q}`;
  const usage = `kueue_cluster_queue_resource_usage{${cq}}`;
  const nominal = `kueue_cluster_queue_nominal_quota{${cq}}`;
  return {
    uid: "llm-platform-team-gpus",
    title: "llm-platform / Team GPU quota and use",
    configMapName: "llm-platform-dashboard-team-gpus",
    variables: [{ name: "team", label: "Team (ClusterQueue)", query: "label_values(kueue_cluster_queue_nominal_quota, cluster_queue)" }],
    panels: [
      { title: "Who holds the GPUs, and are they busy", type: "table", description: "Each pod holding GPUs: how many, and their mean utilization now.", exprs: [
        { expr: `count by (namespace, pod, ${NODE_LABEL}) (DCGM_FI_DEV_GPU_UTIL{namespace=~"$team", pod!=""})`, legend: "GPUs" },
        { expr: `avg by (namespace, pod, ${NODE_LABEL}) (DCGM_FI_DEV_GPU_UTIL{namespace=~"$team", pod!=""})`, legend: "utilization %" },
      ] },
      { title: "Guaranteed GPUs (nominal quota) and GPUs in use", type: "timeseries", exprs: [
        { expr: `sum by (cluster_queue) (${nominal})`, legend: "{{cluster_queue}} guaranteed" },
        { expr: `sum by (cluster_queue) (${usage})`, legend: "{{cluster_queue}} in use" },
      ] },
      { title: "GPUs borrowed from the cohort (use above quota)", type: "timeseries", exprs: [{ expr: `sum by (cluster_queue) (clamp_min(${usage} - ${nominal}, 0))`, legend: "{{cluster_queue}}" }] },
      { title: "Guaranteed GPUs lent or free for the cohort (quota not in use)", type: "timeseries", exprs: [{ expr: `sum by (cluster_queue) (clamp_min(${nominal} - ${usage}, 0))`, legend: "{{cluster_queue}}" }] },
      { title: "Pending workloads", type: "timeseries", exprs: [{ expr: `sum by (cluster_queue, status) (kueue_pending_workloads{cluster_queue=~"$team"})`, legend: "{{cluster_queue}} {{status}}" }] },
      { title: "Admitted workloads", type: "timeseries", exprs: [{ expr: `sum by (cluster_queue) (kueue_admitted_active_workloads{cluster_queue=~"$team"})`, legend: "{{cluster_queue}}" }] },
      { title: `GPUs held but idle (< ${idleBelow} %)`, type: "timeseries", exprs: [{ expr: `count by (namespace) (DCGM_FI_DEV_GPU_UTIL{namespace=~"$team", pod!=""} < ${idleBelow})`, legend: "{{namespace}}" }] },
    ],
  };
}

export function dashboards(spec: Pick<PlatformSpec, "monitoring">, withKueue: boolean): Dashboard[] {
  return [gpuHealthDashboard(spec), ...(withKueue ? [teamGpuDashboard(spec)] : [])];
}

/** Grafana's dashboard JSON model (schemaVersion 39) for a dashboard. */
export function dashboardJson(d: Dashboard): Record<string, unknown> {
  const datasource = { type: "prometheus", uid: "${datasource}" };
  return {
    uid: d.uid,
    title: d.title,
    tags: ["llm-platform", "gpu"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: {
      list: [
        { name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus" },
        ...d.variables.map((v) => ({ name: v.name, label: v.label, type: "query", datasource, query: v.query, multi: true, includeAll: true, current: { text: "All", value: "$__all" }, refresh: 2 })),
      ],
    },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.type,
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      ...(p.unit ? { fieldConfig: { defaults: { unit: p.unit }, overrides: [] } } : {}),
      targets: p.exprs.map((e, j) => ({ refId: String.fromCharCode(65 + j), expr: e.expr, legendFormat: e.legend, ...(p.type === "table" ? { instant: true, format: "table" } : {}) })),
    })),
  };
}
