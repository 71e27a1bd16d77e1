/**
 * Where the stack's Prometheus lives (pure). The monitoring layer installs kube-prometheus-stack
 * under this release name in this namespace, or uses the cluster's own Prometheus when
 * `monitoring.prometheus.existing` says so; everything that queries Prometheus (KEDA scalers, the
 * idle-GPU reclaimer) takes the address from here.
 */
import type { PlatformSpec } from "../config/types";

export const MONITORING_NAMESPACE = "monitoring";
export const PROMETHEUS_RELEASE = "kube-prometheus-stack";

/** The spec a Prometheus address depends on (monitoring optional: a bare `{ stack }` means the platform's own). */
type PrometheusOf = Pick<PlatformSpec, "stack"> & Partial<Pick<PlatformSpec, "monitoring">>;

/**
 * The in-cluster query URL: the configured existing Prometheus's, else the chart's Prometheus
 * Service, `<release>-prometheus` on port 9090 (prometheus-community/helm-charts kube-prometheus-stack
 * templates/prometheus/service.yaml).
 */
export function prometheusQueryUrl(spec: PrometheusOf): string {
  const prometheus = spec.monitoring?.prometheus;
  if (prometheus?.kind === "existing") return prometheus.url.replace(/\/+$/, "");
  return `http://${PROMETHEUS_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:${PROMETHEUS_PORT}`;
}
export const PROMETHEUS_PORT = 9090;

/**
 * Where the platform's ServiceMonitors, PrometheusRules and dashboards go: the Prometheus's own
 * namespace, which its namespace selectors always reach (kube-prometheus-stack values.yaml: "If nil,
 * select own namespace"); the monitors point at other namespaces with namespaceSelector.matchNames.
 */
export function monitoringNamespace(spec: Pick<PlatformSpec, "monitoring">): string {
  const prometheus = spec.monitoring.prometheus;
  return prometheus.kind === "existing" ? prometheus.namespace : MONITORING_NAMESPACE;
}

/**
 * Labels every platform ServiceMonitor, PodMonitor and PrometheusRule carries so the Prometheus
 * selects it. The release-label gotcha: kube-prometheus-stack's Prometheus selects only objects
 * labelled `release: <release>` unless the *SelectorNilUsesHelmValues flags are false (values.yaml
 * prometheus.prometheusSpec). The platform's release sets them false and the label as well; an
 * existing Prometheus gets the labels its selectors match, from config.
 */
export function monitorLabels(spec: Pick<PlatformSpec, "monitoring">): Record<string, string> {
  const prometheus = spec.monitoring.prometheus;
  return prometheus.kind === "existing" ? { ...prometheus.selectorLabels } : { release: PROMETHEUS_RELEASE };
}

/**
 * The StorageClass of the Prometheus volume: the configured one, else none (the cluster's default
 * class: on AWS the platform's encrypted gp3 default, which needs the EBS CSI driver). The one place
 * that decides it.
 */
export function prometheusStorageClassName(spec: Pick<PlatformSpec, "monitoring">): string | undefined {
  const prometheus = spec.monitoring.prometheus;
  return prometheus.kind === "platform" ? prometheus.storageClassName : undefined;
}

/** Grafana's admin credentials: a Secret the platform generates, read through grafana.admin.existingSecret. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
// kube-prometheus-stack 88.5.3 values.yaml grafana.admin.userKey / passwordKey defaults.
export const GRAFANA_ADMIN_USER_KEY = "admin-user";
export const GRAFANA_ADMIN_PASSWORD_KEY = "admin-password";
export const GRAFANA_ADMIN_USER = "admin";

/** The label Grafana's dashboard sidecar watches (values.yaml grafana.sidecar.dashboards.label / labelValue). */
export const DASHBOARD_LABEL = "grafana_dashboard";
export const DASHBOARD_LABEL_VALUE = "1";

/** The share of the volume Prometheus may fill before it deletes old blocks (WAL and head chunks count too). */
const RETENTION_SIZE_SHARE = 0.9;

/**
 * kube-prometheus-stack values (pure; every key checked against the pinned values.yaml): retention
 * and volume from config, selectors that pick up every ServiceMonitor / PodMonitor / rule, Grafana
 * with generated admin credentials and no Ingress (reached by `kubectl port-forward`).
 */
export function kubePrometheusStackValues(spec: Pick<PlatformSpec, "monitoring">) {
  const prometheus = spec.monitoring.prometheus;
  if (prometheus.kind !== "platform") throw new Error("kubePrometheusStackValues: the stack uses an existing Prometheus");
  const storageClassName = prometheusStorageClassName(spec);
  return {
    // The operator's CRDs come with the release (the chart's crds subchart), before any monitor.
    crds: { enabled: true },
    grafana: {
      enabled: spec.monitoring.grafana.enabled,
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: GRAFANA_ADMIN_USER_KEY, passwordKey: GRAFANA_ADMIN_PASSWORD_KEY },
      // ClusterIP only (the grafana chart's default Service type); reached through `kubectl port-forward`.
      ingress: { enabled: false },
      sidecar: { dashboards: { enabled: true, label: DASHBOARD_LABEL, labelValue: DASHBOARD_LABEL_VALUE, searchNamespace: "ALL" } },
    },
    prometheus: {
      prometheusSpec: {
        retention: `${prometheus.retentionDays}d`,
        retentionSize: `${Math.floor(prometheus.storageGiB * RETENTION_SIZE_SHARE)}GiB`,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              ...(storageClassName ? { storageClassName } : {}),
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: `${prometheus.storageGiB}Gi` } },
            },
          },
        },
        // Select every ServiceMonitor, PodMonitor and PrometheusRule in every namespace, not only the release's own.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
      },
    },
  };
}
