import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { REQUIRED_ALERTS } from "../infra/monitoring/alerts";
import { DCGM_SERVICE, MONITORING_API } from "../infra/monitoring/monitors";
import { GPU_OPERATOR_NAMESPACE } from "../infra/gpu/operatorValues";
import { CHARTS } from "../infra/versions";
import { manifestOrNotApplicable } from "./manifest";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SERVICE_MONITOR = `kubernetes:${MONITORING_API}:ServiceMonitor`;
const POD_MONITOR = `kubernetes:${MONITORING_API}:PodMonitor`;
const PROMETHEUS_RULE = `kubernetes:${MONITORING_API}:PrometheusRule`;
/** Retention below a week cannot compare an incident with last week's baseline. */
const MIN_ADVISED_RETENTION_DAYS = 7;

const releaseOf = (resources: readonly PolicyResource[], chart: string) => resources.filter((r) => r.type === RELEASE && String(r.props.chart ?? "").endsWith(chart));
const hasGpuPools = (args: Parameters<StackValidationPolicy["validateStack"]>[0]) => manifestOrNotApplicable(args).nodePools.some((p) => p.gpusPerNode > 0);

/** A monitor that scrapes the GPU operator's DCGM exporter (by its Service's or pods' app label, in the operator's namespace). */
function scrapesDcgm(r: PolicyResource): boolean {
  if (r.type !== SERVICE_MONITOR && r.type !== POD_MONITOR) return false;
  const spec = r.props.spec ?? {};
  const names: string[] | undefined = spec.namespaceSelector?.matchNames;
  const inNamespace = spec.namespaceSelector?.any === true || (names ? names.includes(GPU_OPERATOR_NAMESPACE) : r.props.metadata?.namespace === GPU_OPERATOR_NAMESPACE);
  return inNamespace && spec.selector?.matchLabels?.app === DCGM_SERVICE;
}

/**
 * The field notes' lesson: GPU use was chaos until monitoring came with allocation. A stack with GPU
 * pools scrapes the DCGM exporter into a Prometheus — the platform's, or an existing one it names.
 */
export const gpuMonitoringPresent: StackValidationPolicy = {
  name: "gpu-monitoring-present",
  description: "A stack with GPU pools runs the DCGM exporter, scrapes it with a ServiceMonitor or PodMonitor, and has a Prometheus: the platform's kube-prometheus-stack or a configured existing one.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (!hasGpuPools(args)) return;
    const manifest = manifestOrNotApplicable(args);
    const operators = releaseOf(args.resources, "gpu-operator");
    for (const operator of operators) {
      if (operator.props.values?.dcgmExporter?.enabled === false) reportViolation("the GPU operator's DCGM exporter is disabled (dcgmExporter.enabled: false): no GPU metrics exist to scrape", operator.urn);
    }
    if (!args.resources.some(scrapesDcgm)) {
      reportViolation(`no ServiceMonitor or PodMonitor scrapes the DCGM exporter (namespace ${GPU_OPERATOR_NAMESPACE}, app: ${DCGM_SERVICE}): GPU faults and idle GPUs would go unseen`);
    }
    const prometheus = releaseOf(args.resources, CHARTS.kubePrometheusStack.chart);
    if (manifest.monitoring?.prometheus !== "existing" && prometheus.length === 0) {
      reportViolation(`no Prometheus: neither a ${CHARTS.kubePrometheusStack.chart} release nor llm-platform:monitoring.prometheus.existing`);
    }
  },
};

/** Every alert of the fault set exists in a PrometheusRule. */
export const gpuAlertRulesPresent: StackValidationPolicy = {
  name: "gpu-alert-rules-present",
  description: `A stack with GPU pools has a PrometheusRule with the GPU fault alerts: ${REQUIRED_ALERTS.join(", ")}.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (!hasGpuPools(args)) return;
    const alerts = new Set(args.resources.filter((r) => r.type === PROMETHEUS_RULE).flatMap((r) => (r.props.spec?.groups ?? []).flatMap((g: any) => (g.rules ?? []).map((rule: any) => rule.alert))));
    const missing = REQUIRED_ALERTS.filter((a) => !alerts.has(a));
    if (missing.length > 0) reportViolation(`no PrometheusRule defines ${missing.join(", ")}: those GPU faults would not page anyone`);
  },
};

const EXPOSING_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

/**
 * Grafana and KueueViz stay inside the cluster (reached by `kubectl port-forward`, which Kubernetes
 * RBAC authenticates). KueueViz has no login of its own (kueue v0.19.2 values.yaml
 * kueueViz.backend.auth.mode "Disabled"): exposing it publishes every team's workloads — refused.
 * Grafana has its login: exposing it is advice, anonymous access exposed is refused.
 */
export const dashboardsNotExposed: StackValidationPolicy = {
  name: "dashboards-not-exposed",
  description: "KueueViz is not exposed by Ingress (it has no login); Grafana is not exposed by Ingress, LoadBalancer or NodePort with anonymous access (advisory when exposed with its login).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const kueue of releaseOf(args.resources, "kueue")) {
      const values = kueue.props.values ?? {};
      if (values.enableKueueViz !== true) continue;
      const auth = values.kueueViz?.backend?.auth?.mode ?? "Disabled";
      // The chart's default is ingress enabled for both (values.yaml kueueViz.*.ingress.enabled: true).
      for (const part of ["backend", "frontend"]) {
        if (values.kueueViz?.[part]?.ingress?.enabled !== false && auth === "Disabled") {
          reportViolation(`KueueViz ${part} is exposed by an Ingress (kueueViz.${part}.ingress.enabled is not false) and KueueViz has no login: anyone reaching it sees every team's workloads`, kueue.urn);
        }
      }
    }
    for (const release of releaseOf(args.resources, CHARTS.kubePrometheusStack.chart)) {
      const grafana = release.props.values?.grafana ?? {};
      if (grafana.enabled === false) continue;
      const exposed = grafana.ingress?.enabled === true || EXPOSING_SERVICE_TYPES.includes(grafana.service?.type);
      const anonymous = grafana["grafana.ini"]?.["auth.anonymous"]?.enabled === true;
      if (exposed && anonymous) reportViolation("Grafana is exposed outside the cluster with anonymous access: GPU and team data without any login", release.urn);
    }
  },
};

export const grafanaExposedAdvisory: StackValidationPolicy = {
  name: "grafana-exposed",
  description: "Grafana is reachable from outside the cluster (Ingress, LoadBalancer or NodePort); its login is then the only barrier. The platform's path is kubectl port-forward.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    for (const release of releaseOf(args.resources, CHARTS.kubePrometheusStack.chart)) {
      const grafana = release.props.values?.grafana ?? {};
      if (grafana.enabled === false) continue;
      if (grafana.ingress?.enabled === true) reportViolation("Grafana has an Ingress: put it behind the organisation's single sign-on, or use kubectl port-forward", release.urn);
      else if (EXPOSING_SERVICE_TYPES.includes(grafana.service?.type)) reportViolation(`Grafana's Service is a ${grafana.service.type}: put it behind the organisation's single sign-on, or use kubectl port-forward`, release.urn);
    }
  },
};

/** Advisory: too little history to compare this week's GPU faults and idle time with last week's. */
export const prometheusRetentionShort: StackValidationPolicy = {
  name: "prometheus-retention-short",
  description: `The platform's Prometheus keeps less than ${MIN_ADVISED_RETENTION_DAYS} days of metrics.`,
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const manifest = manifestOrNotApplicable(args);
    const days = manifest.monitoring?.retentionDays;
    if (manifest.monitoring?.prometheus === "platform" && days !== undefined && days < MIN_ADVISED_RETENTION_DAYS) {
      reportViolation(`Prometheus keeps ${days} days of metrics (llm-platform:monitoring.prometheus.retentionDays); fewer than ${MIN_ADVISED_RETENTION_DAYS} cannot compare an incident with last week's baseline`);
    }
  },
};
