/**
 * The idle-GPU reclaimer and the GPU node guard as data (pure): their configs (the Python jobs in
 * jobs/reclaim/ read them), their narrow RBAC, and their CronJob pod specs.
 *
 * The reclaimer finds admitted Kueue Workloads whose every GPU has been below
 * gpuIdle.utilizationBelowPercent for the team's whole grace period, records why (annotations and an
 * Event), and — where the team's mode is `deactivate` — sets the Workload's spec.active to false:
 * Kueue then evicts it and its quota returns to the cohort ("Changing active from true to false will
 * evict any running workloads", kueue v0.19.2 apis/kueue/v1beta2/workload_types.go).
 */
import type { PlatformSpec, TeamSpec } from "../config/types";
import { CORDON_REASON_ANNOTATION, RECLAIM_DECIDED_AT_ANNOTATION, RECLAIM_DECISION_ANNOTATION, RECLAIM_OPT_OUT_ANNOTATION, RECLAIM_REASON_ANNOTATION } from "../metadata";
import { KUEUE_API } from "../queues/kueue";
import { exprOf, faultRules } from "./alerts";
import { NODE_LABEL } from "./monitors";
import { prometheusQueryUrl } from "./prometheus";

export const RECLAIMER_NAME = "gpu-reclaimer";
export const NODE_GUARD_NAME = "gpu-node-guard";
/** Every 10 minutes: grace periods are hours; a run costs one Prometheus range query per team. */
export const RECLAIMER_SCHEDULE = "*/10 * * * *";
/** Every 2 minutes: a fatal XID should stop new pods landing on the node within minutes. */
export const NODE_GUARD_SCHEDULE = "*/2 * * * *";
/** The Python sources shipped to both jobs (jobs/reclaim/). */
export const RECLAIM_SOURCES = ["reclaim.py", "cordon.py", "entry.py", "kube.py", "prom.py"] as const;
const JOB_CODE_DIR = "/opt/llm-platform/reclaim";
const JOB_CONFIG_DIR = "/etc/llm-platform";
/** Resolution of the reclaimer's Prometheus range query, seconds. */
const RECLAIM_STEP_SECONDS = 60;

/** Teams whose workloads the reclaimer looks at. */
export function reclaimingTeams(spec: Pick<PlatformSpec, "teams">): TeamSpec[] {
  return spec.teams.filter((t) => t.reclaim.mode !== "off");
}

export function reclaimerConfig(spec: Pick<PlatformSpec, "stack" | "teams" | "monitoring">) {
  return {
    prometheusUrl: prometheusQueryUrl(spec),
    utilizationBelowPercent: spec.monitoring.gpuIdle.utilizationBelowPercent,
    stepSeconds: RECLAIM_STEP_SECONDS,
    workloadApi: KUEUE_API,
    annotations: {
      optOut: RECLAIM_OPT_OUT_ANNOTATION,
      decision: RECLAIM_DECISION_ANNOTATION,
      reason: RECLAIM_REASON_ANNOTATION,
      decidedAt: RECLAIM_DECIDED_AT_ANNOTATION,
    },
    // Team namespaces are named after their teams (components/k8s/teamNamespaces.ts).
    teams: reclaimingTeams(spec).map((t) => ({ namespace: t.name, mode: t.reclaim.mode, idleGraceMinutes: t.reclaim.idleGraceMinutes })),
  };
}

/** The node guard cordons the nodes the fatal-XID alert's condition names (the same PromQL). */
export function nodeGuardConfig(spec: Pick<PlatformSpec, "stack" | "nodePools" | "monitoring">) {
  const fatal = faultRules(spec).find((r) => r.alert === "GpuFatalXid")!;
  return { prometheusUrl: prometheusQueryUrl(spec), query: exprOf(fatal.condition), nodeLabel: NODE_LABEL, annotation: CORDON_REASON_ANNOTATION };
}

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** In each reclaiming team's namespace: read and patch Workloads, read pods, write Events. Nothing else. */
export function reclaimerRoleRules(): PolicyRule[] {
  return [
    { apiGroups: [KUEUE_API.split("/")[0]], resources: ["workloads"], verbs: ["get", "list", "patch"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
    { apiGroups: [""], resources: ["events"], verbs: ["create"] },
  ];
}

/** Cluster-wide: read and cordon nodes. Events about nodes go to the `default` namespace (a Role there). */
export function nodeGuardClusterRoleRules(): PolicyRule[] {
  return [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] }];
}
export const NODE_EVENTS_NAMESPACE = "default";
export function nodeGuardEventRules(): PolicyRule[] {
  return [{ apiGroups: [""], resources: ["events"], verbs: ["create"] }];
}

export interface JobPodArgs {
  readonly name: string;
  readonly image: string;
  /** The script under JOB_CODE_DIR. */
  readonly script: string;
  readonly serviceAccountName: string;
  readonly codeConfigMap: string;
  readonly configConfigMap: string;
}

export const JOB_CONFIG_FILE = "config.json";

/** The CronJob spec both jobs use: one short run at a time, a restricted pod, the code and config from ConfigMaps. */
export function jobCronSpec(schedule: string, args: JobPodArgs) {
  return {
    schedule,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: {
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: 300,
        template: {
          metadata: { labels: { "app.kubernetes.io/name": args.name } },
          spec: {
            serviceAccountName: args.serviceAccountName,
            restartPolicy: "Never",
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
              name: args.name,
              image: args.image,
              command: ["python3", `${JOB_CODE_DIR}/${args.script}`, "--config", `${JOB_CONFIG_DIR}/${JOB_CONFIG_FILE}`],
              // The code is mounted read-only: no bytecode files; logs straight to the pod log.
              env: [{ name: "PYTHONDONTWRITEBYTECODE", value: "1" }, { name: "PYTHONUNBUFFERED", value: "1" }],
              // A CPU limit too: every platform container is bounded (policy pod-resources-bounded).
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              volumeMounts: [
                { name: "code", mountPath: JOB_CODE_DIR, readOnly: true },
                { name: "config", mountPath: JOB_CONFIG_DIR, readOnly: true },
              ],
            }],
            volumes: [
              { name: "code", configMap: { name: args.codeConfigMap } },
              { name: "config", configMap: { name: args.configConfigMap } },
            ],
          },
        },
      },
    },
  };
}
