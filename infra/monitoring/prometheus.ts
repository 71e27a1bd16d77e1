/**
 * Where the stack's Prometheus lives (pure). The monitoring layer installs kube-prometheus-stack
 * under this release name in this namespace; everything that queries Prometheus (KEDA scalers, the
 * idle-GPU reclaimer) takes the address from here.
 */
import type { PlatformSpec } from "../config/types";

export const MONITORING_NAMESPACE = "monitoring";
export const PROMETHEUS_RELEASE = "kube-prometheus-stack";

/**
 * The in-cluster query URL: the chart's Prometheus Service is `<release>-prometheus` on port 9090
 * (prometheus-community/helm-charts kube-prometheus-stack templates/prometheus/service.yaml).
 */
export function prometheusQueryUrl(_spec: Pick<PlatformSpec, "stack">): string {
  return `http://${PROMETHEUS_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;
}
