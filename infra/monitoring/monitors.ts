/**
 * The platform's ServiceMonitors (pure): the DCGM exporter the GPU operator runs, and Kueue's
 * controller metrics. Both live in the Prometheus's namespace and reach their Services with
 * namespaceSelector, so an existing Prometheus that watches only its own namespace still finds them.
 */
import type { PlatformSpec } from "../config/types";
import { GPU_OPERATOR_NAMESPACE } from "../gpu/operatorValues";
import { isGpuPool, poolNodeSelector } from "../nodes/labels";
import { KUEUE_NAMESPACE, KUEUE_RELEASE } from "../queues/kueue";

export const MONITORING_API = "monitoring.coreos.com/v1";

/**
 * The DCGM exporter's Service as the GPU operator creates it: `nvidia-dcgm-exporter`, label
 * `app: nvidia-dcgm-exporter`, port `gpu-metrics` 9400 (NVIDIA/gpu-operator v26.7.0
 * assets/state-dcgm-exporter/0400_service.yaml). Prometheus's job label is the Service name.
 */
export const DCGM_SERVICE = "nvidia-dcgm-exporter";
export const DCGM_JOB = DCGM_SERVICE;
const DCGM_PORT_NAME = "gpu-metrics";
/** The exporter samples every 30 s by default (DCGM_EXPORTER_INTERVAL); scraping faster only repeats values. */
const DCGM_SCRAPE_INTERVAL = "30s";

/** Labels the platform puts on every GPU series: the node that holds the GPU and its pool. */
export const NODE_LABEL = "node";
export const POOL_SERIES_LABEL = "pool";

/** Prometheus's name for a node label in relabeling (`__meta_kubernetes_node_label_<name>`, invalid characters as `_`). */
const nodeLabelMeta = (label: string) => `__meta_kubernetes_node_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Relabelings of the DCGM targets:
 * - `node` from the exporter pod's node, `pool` from that node's pool labels (attachMetadata.node
 *   exposes node labels; prometheus-operator v0.93.1 crd-servicemonitors.yaml spec.attachMetadata);
 * - the target's own pod / namespace / container labels dropped, so with honorLabels the GPU series
 *   keep the pod and namespace of the workload holding the GPU (the exporter's Kubernetes mapping,
 *   dcgm-exporter 4.5.3-4.8.2 internal/pkg/transformation/const.go) and a GPU no pod holds has none,
 *   instead of the exporter's own pod name.
 */
export function dcgmRelabelings(spec: Pick<PlatformSpec, "nodePools">) {
  const poolRules = spec.nodePools.filter(isGpuPool).map((pool) => {
    const selector = Object.entries(poolNodeSelector(pool)).sort(([a], [b]) => a.localeCompare(b));
    return {
      action: "replace",
      sourceLabels: selector.map(([label]) => nodeLabelMeta(label)),
      separator: ";",
      regex: selector.map(([, value]) => escapeRegex(value)).join(";"),
      targetLabel: POOL_SERIES_LABEL,
      replacement: pool.name,
    };
  });
  return [
    { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: NODE_LABEL },
    ...poolRules,
    { action: "labeldrop", regex: "pod|namespace|container" },
  ];
}

export function dcgmServiceMonitor(spec: Pick<PlatformSpec, "nodePools">, namespace: string, labels: Record<string, string>) {
  return {
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: "llm-platform-dcgm-exporter", namespace, labels },
    spec: {
      namespaceSelector: { matchNames: [GPU_OPERATOR_NAMESPACE] },
      selector: { matchLabels: { app: DCGM_SERVICE } },
      attachMetadata: { node: true },
      endpoints: [{ port: DCGM_PORT_NAME, path: "/metrics", interval: DCGM_SCRAPE_INTERVAL, honorLabels: true, relabelings: dcgmRelabelings(spec) }],
    },
  };
}

/**
 * Kueue's controller metrics: the chart's metrics Service (templates/manager/auth_proxy_service.yaml:
 * labels app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/component:
 * metrics-service; port `https` 8443) serves /metrics over TLS with its own certificate to callers
 * whose token may `get` the `/metrics` URL (the same endpoint settings as the chart's own
 * templates/prometheus/monitor.yaml, which the platform does not use: its labels cannot be set, so
 * an existing Prometheus's release selector would miss it).
 */
export function kueueServiceMonitor(namespace: string, labels: Record<string, string>) {
  return {
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: "llm-platform-kueue", namespace, labels },
    spec: {
      namespaceSelector: { matchNames: [KUEUE_NAMESPACE] },
      selector: { matchLabels: { "app.kubernetes.io/name": "kueue", "app.kubernetes.io/instance": KUEUE_RELEASE, "app.kubernetes.io/component": "metrics-service" } },
      endpoints: [{
        port: "https",
        scheme: "https",
        path: "/metrics",
        bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
        tlsConfig: { insecureSkipVerify: true },
      }],
    },
  };
}
