/**
 * The platform's alert rules as data (pure). Each rule's condition is a small structured form that
 * renders to its PromQL (`exprOf`), so the same form is what the golden-series tests evaluate and
 * what Prometheus runs. Thresholds and their reasons are in docs/monitoring.md.
 */
import type { PlatformSpec } from "../config/types";
import { gpusPerNode, isGpuPool } from "../nodes/labels";
import { NCCL_ACCEPTANCE_NAME_PREFIX } from "../training/ncclAcceptance";
import { XID_COUNT_WINDOW_MINUTES } from "./dcgmCounters";
import { DCGM_JOB, NODE_LABEL, POOL_SERIES_LABEL } from "./monitors";
import { FATAL_XIDS } from "./xid";

export type MatchOp = "=" | "!=" | "=~" | "!~";
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}
export interface Selector {
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}
export type CompareOp = ">" | "<" | "==";

/** The forms the platform's rules take; each renders to one PromQL expression. */
export type Condition =
  /** `selector OP value` */
  | { readonly kind: "value"; readonly series: Selector; readonly op: CompareOp; readonly value: number }
  /** `increase(selector[windowMinutes]) > value` */
  | { readonly kind: "increase"; readonly series: Selector; readonly windowMinutes: number; readonly value: number }
  /** `rate(selector[windowMinutes]) / divisor > value`: a share of time, from a counter of nanoseconds */
  | { readonly kind: "rateShare"; readonly series: Selector; readonly windowMinutes: number; readonly divisor: number; readonly value: number }
  /** `count by (by) (selector) < value` */
  | { readonly kind: "countBelow"; readonly series: Selector; readonly by: readonly string[]; readonly value: number }
  /** `(left > 0) unless on (on) (right == 1)`: a thing that exists without its healthy peer */
  | { readonly kind: "withoutPeer"; readonly left: Selector; readonly right: Selector; readonly on: string };

export interface AlertRule {
  readonly alert: string;
  readonly condition: Condition;
  /** Minutes the condition must hold at every evaluation before the alert fires. */
  readonly forMinutes: number;
  readonly severity: "critical" | "warning";
  /** The threshold in words, for the plan report and docs. */
  readonly threshold: string;
  readonly summary: string;
  /** What the on-call does (docs/monitoring.md has the longer runbook). */
  readonly runbook: string;
  /** Extra labels (e.g. the node guard's `action: cordon`). */
  readonly labels?: Readonly<Record<string, string>>;
}

const ALERT_LABEL_ACTION = "action";
const CORDON_ACTION = "cordon";

const sel = (metric: string, ...matchers: Matcher[]): Selector => ({ metric, matchers });
const m = (label: string, op: MatchOp, value: string): Matcher => ({ label, op, value });

const renderSelector = (s: Selector) => (s.matchers.length === 0 ? s.metric : `${s.metric}{${s.matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(", ")}}`);

/** The PromQL of a condition. */
export function exprOf(c: Condition): string {
  switch (c.kind) {
    case "value":
      return `${renderSelector(c.series)} ${c.op} ${c.value}`;
    case "increase":
      return `increase(${renderSelector(c.series)}[${c.windowMinutes}m]) > ${c.value}`;
    case "rateShare":
      return `rate(${renderSelector(c.series)}[${c.windowMinutes}m]) / ${c.divisor.toExponential().replace("+", "")} > ${c.value}`;
    case "countBelow":
      return `count by (${c.by.join(", ")}) (${renderSelector(c.series)}) < ${c.value}`;
    case "withoutPeer":
      return `(${renderSelector(c.left)} > 0) unless on (${c.on}) (${renderSelector(c.right)} == 1)`;
  }
}

const xidRegex = FATAL_XIDS.join("|");
/** DCGM's throttling counters count nanoseconds (default-counters.csv: "Throttling duration ... (in ns)"). */
const NS_PER_SECOND = 1e9;

/** The fault set: GPU hardware, the exporter that watches it, and the fabric acceptance test. */
export function faultRules(spec: Pick<PlatformSpec, "nodePools">): AlertRule[] {
  const gpuPools = spec.nodePools.filter(isGpuPool);
  return [
    {
      alert: "GpuFatalXid",
      condition: { kind: "value", series: sel("DCGM_EXP_XID_ERRORS_COUNT", m("xid", "=~", xidRegex)), op: ">", value: 0 },
      forMinutes: 0,
      severity: "critical",
      threshold: `any XID ${FATAL_XIDS.join(", ")} in the exporter's ${XID_COUNT_WINDOW_MINUTES}-minute window`,
      summary: "XID {{ $labels.xid }} on GPU {{ $labels.gpu }} of node {{ $labels.node }}: the GPU needs a reset or replacing",
      runbook: "The node is cordoned (EKS auto repair on AWS, the node guard on-prem); drain it, reset or replace the GPU per the XID table, then uncordon.",
      labels: { [ALERT_LABEL_ACTION]: CORDON_ACTION },
    },
    {
      alert: "GpuXidError",
      condition: { kind: "value", series: sel("DCGM_EXP_XID_ERRORS_COUNT", m("xid", "!~", xidRegex)), op: ">", value: 0 },
      forMinutes: 0,
      severity: "warning",
      threshold: `any other XID in the exporter's ${XID_COUNT_WINDOW_MINUTES}-minute window`,
      summary: "XID {{ $labels.xid }} on GPU {{ $labels.gpu }} of node {{ $labels.node }} (pod {{ $labels.namespace }}/{{ $labels.pod }})",
      runbook: "Mostly application faults (13, 31, 43): tell the job's owner; 63/92 announce memory wear: plan a reset or replacement.",
    },
    {
      alert: "GpuEccDoubleBitError",
      condition: { kind: "increase", series: sel("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"), windowMinutes: 10, value: 0 },
      forMinutes: 0,
      severity: "critical",
      threshold: "any new volatile double-bit ECC error in 10 minutes",
      summary: "Double-bit ECC error on GPU {{ $labels.gpu }} of node {{ $labels.node }}",
      runbook: "Uncorrectable memory error: the job on that GPU is corrupt or dead; drain the node and reset the GPU; replace it if it recurs.",
    },
    {
      alert: "GpuRowRemapFailure",
      condition: { kind: "value", series: sel("DCGM_FI_DEV_ROW_REMAP_FAILURE"), op: ">", value: 0 },
      forMinutes: 0,
      severity: "critical",
      threshold: "row remapping has failed (DCGM_FI_DEV_ROW_REMAP_FAILURE > 0)",
      summary: "Row remapping failed on GPU {{ $labels.gpu }} of node {{ $labels.node }}: no spare rows left",
      runbook: "The GPU cannot repair its memory any more: drain the node and replace the GPU (RMA).",
    },
    {
      alert: "GpuThermalThrottling",
      condition: { kind: "rateShare", series: sel("DCGM_FI_DEV_THERMAL_VIOLATION"), windowMinutes: 5, divisor: NS_PER_SECOND, value: 0.01 },
      forMinutes: 10,
      severity: "warning",
      threshold: "thermally throttled more than 1 % of the time (5-minute rate), for 10 minutes",
      summary: "GPU {{ $labels.gpu }} of node {{ $labels.node }} is thermally throttled",
      runbook: "Cooling: check fans, airflow and inlet temperature of the node; a single hot GPU slows every rank of a multi-node job.",
    },
    {
      alert: "GpuPowerThrottling",
      condition: { kind: "rateShare", series: sel("DCGM_FI_DEV_POWER_VIOLATION"), windowMinutes: 5, divisor: NS_PER_SECOND, value: 0.5 },
      forMinutes: 30,
      severity: "warning",
      threshold: "power-capped more than half the time (5-minute rate), for 30 minutes",
      summary: "GPU {{ $labels.gpu }} of node {{ $labels.node }} is held at its power cap",
      runbook: "Brief capping under full load is normal; sustained capping means a lowered power limit (nvidia-smi -q -d POWER) or a power supply problem.",
    },
    {
      alert: "GpuPcieReplays",
      condition: { kind: "increase", series: sel("DCGM_FI_DEV_PCIE_REPLAY_COUNTER"), windowMinutes: 10, value: 100 },
      forMinutes: 10,
      severity: "warning",
      threshold: "more than 100 PCIe replays in 10 minutes, for 10 minutes",
      summary: "GPU {{ $labels.gpu }} of node {{ $labels.node }} keeps retrying PCIe transfers",
      runbook: "A marginal PCIe link (riser, seating, slot): schedule the node for maintenance; host-device copies are slowed.",
    },
    {
      alert: "GpuNvlinkErrors",
      condition: { kind: "increase", series: sel("DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL"), windowMinutes: 10, value: 0 },
      forMinutes: 0,
      severity: "warning",
      threshold: "any NVLink recovery error in 10 minutes",
      summary: "NVLink recovery errors on GPU {{ $labels.gpu }} of node {{ $labels.node }}",
      runbook: "Check the node's NVLink / NVSwitch health (nvidia-smi nvlink -e); a fatal NVLink fault also raises XID 74.",
    },
    ...gpuPools.map((pool): AlertRule => ({
      alert: "GpuMissing",
      condition: { kind: "countBelow", series: sel("DCGM_FI_DEV_GPU_TEMP", m(POOL_SERIES_LABEL, "=", pool.name)), by: [NODE_LABEL, POOL_SERIES_LABEL], value: gpusPerNode(pool) },
      forMinutes: 5,
      severity: "critical",
      threshold: `a node of pool ${pool.name} reports fewer than its ${gpusPerNode(pool)} GPUs, for 5 minutes`,
      summary: "Node {{ $labels.node }} of pool {{ $labels.pool }} reports only {{ $value }} GPUs: one has fallen off the bus or is hidden",
      runbook: "A GPU gone from the bus (XID 79) or from DCGM: drain and reboot the node; replace the GPU if it does not come back.",
    })),
    {
      alert: "GpuNodeUnmonitored",
      condition: { kind: "withoutPeer", left: sel("kube_node_status_capacity", m("resource", "=", "nvidia_com_gpu")), right: sel("up", m("job", "=", DCGM_JOB)), on: NODE_LABEL },
      forMinutes: 15,
      severity: "critical",
      threshold: "a node with GPU capacity has no healthy DCGM exporter target, for 15 minutes",
      summary: "GPU node {{ $labels.node }} is not monitored: its DCGM exporter is down or missing",
      runbook: "kubectl -n gpu-operator get pods -o wide for nvidia-dcgm-exporter on the node; a GPU that DCGM cannot read is often the fault itself.",
    },
    {
      alert: "NcclAcceptanceFailed",
      condition: { kind: "value", series: sel("kube_job_failed", m("condition", "=", "true"), m("job_name", "=~", `${NCCL_ACCEPTANCE_NAME_PREFIX}.+`)), op: "==", value: 1 },
      forMinutes: 5,
      severity: "warning",
      threshold: "an NCCL all-reduce acceptance Job has failed, for 5 minutes (a JobSet restart clears a transient failure sooner)",
      summary: "Fabric acceptance test {{ $labels.namespace }}/{{ $labels.job_name }} failed: bus bandwidth below the pool's floor or NCCL did not connect",
      runbook: "Read the launcher's log (check_busbw.py prints the measured and the floor bandwidth); do not admit multi-node jobs to the pool until it passes.",
    },
  ];
}

/** GPUAllocatedIdle: a GPU held by a pod (pod attribution on the DCGM series) and idle for the configured time. */
export function idleRule(spec: Pick<PlatformSpec, "monitoring">): AlertRule {
  const { utilizationBelowPercent, forMinutes } = spec.monitoring.gpuIdle;
  return {
    alert: "GPUAllocatedIdle",
    condition: { kind: "value", series: sel("DCGM_FI_DEV_GPU_UTIL", m("pod", "!=", "")), op: "<", value: utilizationBelowPercent },
    forMinutes,
    severity: "warning",
    threshold: `a GPU held by a pod below ${utilizationBelowPercent} % utilization for ${forMinutes} minutes`,
    summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} holds GPU {{ $labels.gpu }} on {{ $labels.node }} at {{ $value }} % utilization",
    runbook: "Ask the team whether the job is stuck (data loader, dead rank, waiting on input); the reclaimer acts after the team's grace period if its policy says so.",
  };
}

export function alertRules(spec: Pick<PlatformSpec, "nodePools" | "monitoring">): AlertRule[] {
  return [...faultRules(spec), idleRule(spec)];
}

/** The alerts the gpu-alert-rules-present policy demands (the issue's fault set). */
export const REQUIRED_ALERTS = [
  "GpuFatalXid",
  "GpuXidError",
  "GpuEccDoubleBitError",
  "GpuRowRemapFailure",
  "GpuThermalThrottling",
  "GpuPowerThrottling",
  "GpuPcieReplays",
  "GpuMissing",
  "GpuNodeUnmonitored",
  "NcclAcceptanceFailed",
  "GPUAllocatedIdle",
] as const;

const PROMETHEUS_RULE_NAME = "llm-platform-gpu";
const RULE_EVALUATION_INTERVAL = "30s";

/** A PrometheusRule (monitoring.coreos.com/v1) with the rules in two groups. */
export function gpuPrometheusRule(spec: Pick<PlatformSpec, "nodePools" | "monitoring">, namespace: string, labels: Record<string, string>) {
  const render = (r: AlertRule) => ({
    alert: r.alert,
    expr: exprOf(r.condition),
    ...(r.forMinutes > 0 ? { for: `${r.forMinutes}m` } : {}),
    labels: { severity: r.severity, ...(r.labels ?? {}) },
    annotations: { summary: r.summary, runbook: r.runbook, threshold: r.threshold },
  });
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: PROMETHEUS_RULE_NAME, namespace, labels },
    spec: {
      groups: [
        { name: "llm-platform.gpu-faults", interval: RULE_EVALUATION_INTERVAL, rules: faultRules(spec).map(render) },
        { name: "llm-platform.gpu-allocation", interval: RULE_EVALUATION_INTERVAL, rules: [render(idleRule(spec))] },
      ],
    },
  };
}
