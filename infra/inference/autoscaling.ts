/**
 * Queue-depth autoscaling for inference endpoints (pure): KEDA's chart values and a ScaledObject per
 * endpoint reading vLLM's own metrics from the stack's Prometheus (prometheusQueryUrl).
 *
 * Two triggers, and the HPA KEDA builds takes the larger answer (KEDA "Scaling Deployments": one
 * HPA metric per trigger): requests *waiting* per replica above targetQueueDepth adds replicas
 * (the chart's own trigger, vllm:num_requests_waiting); requests *running* at the batch size holds
 * them — without it, an endpoint whose batches are full but whose queue is momentarily empty would
 * be scaled down and refill its queue, flapping.
 */
import type { PlatformSpec } from "../config/types";
import { IMAGES } from "../versions";
import { prometheusQueryUrl } from "../monitoring/prometheus";
import { EndpointPlan, vllmName } from "./endpoints";
import { endpointLabels } from "./manifests";
import { QUEUE_METRIC, RUNNING_METRIC } from "./vllmServer";

export const KEDA_API = "keda.sh/v1alpha1";
export const KEDA_NAMESPACE = "keda";
const SCALING_POLL_SECONDS = 15;
/** Scale down one replica a minute after five quiet minutes (a replica costs minutes to bring back). */
const SCALE_DOWN_WINDOW_SECONDS = 300;

/**
 * What wakes an endpoint parked at zero replicas. At zero there is no vLLM pod, so vLLM's own queue
 * metric does not exist: only the caller in front of it can say requests are waiting. The compliance
 * gateway (issue 15) is to export this gauge per endpoint.
 */
export const GATEWAY_PENDING_METRIC = "llm_gateway_pending_requests";

/** KEDA chart values (checked against the pinned chart's values.yaml). */
export function kedaValues(systemNodeSelector: Record<string, string> = {}) {
  return {
    image: { keda: { tag: IMAGES.keda.tag }, metricsApiServer: { tag: IMAGES.keda.tag }, webhooks: { tag: IMAGES.keda.tag } },
    // Controllers run on the system pool (AWS); an existing cluster schedules them where it likes.
    ...(Object.keys(systemNodeSelector).length > 0 ? { nodeSelector: systemNodeSelector } : {}),
  };
}

const series = (metric: string, plan: EndpointPlan) => `sum(${metric}{namespace="${plan.endpoint.team}",service="${vllmName(plan.endpoint.name)}"})`;

export function scaledObject(spec: PlatformSpec, plan: EndpointPlan) {
  const { endpoint } = plan;
  const serverAddress = prometheusQueryUrl(spec);
  const prometheus = (name: string, query: string, threshold: number, extra: Record<string, string> = {}) => ({
    type: "prometheus",
    name,
    metadata: { serverAddress, query, threshold: String(threshold), ...extra },
  });
  // While Prometheus cannot be read, keep at least the replicas the traffic needs (never fewer than running).
  const fallbackReplicas = Math.min(endpoint.replicas.max, Math.max(endpoint.replicas.min, 1, plan.replicasNeeded));
  return {
    apiVersion: KEDA_API,
    kind: "ScaledObject",
    metadata: { name: vllmName(endpoint.name), namespace: endpoint.team, labels: endpointLabels(plan) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: vllmName(endpoint.name) },
      minReplicaCount: endpoint.replicas.min,
      maxReplicaCount: endpoint.replicas.max,
      pollingInterval: SCALING_POLL_SECONDS,
      ...(endpoint.scaleToZero ? { cooldownPeriod: SCALE_DOWN_WINDOW_SECONDS } : {}),
      fallback: { failureThreshold: 3, replicas: fallbackReplicas, behavior: "currentReplicasIfHigher" },
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_WINDOW_SECONDS, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
        },
      },
      triggers: [
        prometheus("queue-depth", series(QUEUE_METRIC, plan), endpoint.replicas.targetQueueDepth),
        prometheus("running", series(RUNNING_METRIC, plan), endpoint.concurrencyPerReplica),
        ...(endpoint.scaleToZero
          ? [prometheus("gateway-pending", `sum(${GATEWAY_PENDING_METRIC}{endpoint="${endpoint.name}",namespace="${endpoint.team}"})`, endpoint.replicas.targetQueueDepth, { activationThreshold: "0" })]
          : []),
      ],
    },
  };
}
