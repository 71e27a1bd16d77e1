import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { PlatformSpec } from "../../infra/config/types";
import { gpuPrometheusRule } from "../../infra/monitoring/alerts";
import { dashboardJson, dashboards } from "../../infra/monitoring/dashboards";
import { dcgmServiceMonitor, kueueServiceMonitor } from "../../infra/monitoring/monitors";
import {
  DASHBOARD_LABEL,
  DASHBOARD_LABEL_VALUE,
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  GRAFANA_ADMIN_USER,
  GRAFANA_ADMIN_USER_KEY,
  kubePrometheusStackValues,
  MONITORING_NAMESPACE,
  monitoringNamespace,
  monitorLabels,
  PROMETHEUS_RELEASE,
  prometheusQueryUrl,
} from "../../infra/monitoring/prometheus";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { isGpuPool } from "../../infra/nodes/labels";
import { CHARTS } from "../../infra/versions";
import { monitoringNamespaceEntry } from "../../infra/security/namespaces";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { nameAfter, NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";

export interface MonitoringArgs {
  spec: PlatformSpec;
  /** Kueue runs in this stack: scrape it and ship the team quota dashboard. */
  withKueue: boolean;
  /** What must exist before Prometheus can schedule (on AWS the node pools): the release must not race an empty cluster. */
  dependsOn?: pulumi.Resource[];
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  provider: k8s.Provider;
}

/**
 * The observability layer: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the operator
 * and its CRDs) unless the stack uses an existing Prometheus; in both cases the platform's
 * ServiceMonitors (DCGM exporter, Kueue), GPU alert rules and Grafana dashboards.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The kube-prometheus-stack release (absent with an existing Prometheus). */
  public readonly release?: k8s.helm.v3.Release;
  /** Where everything that queries Prometheus sends its queries. */
  public readonly queryUrl: string;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:monitoring:Monitoring", name, {}, opts);
    const { spec, provider } = args;
    const child = { parent: this, provider };
    this.queryUrl = prometheusQueryUrl(spec);
    let namespace: pulumi.Input<string> = monitoringNamespace(spec);
    const after: pulumi.Resource[] = [];

    if (spec.monitoring.prometheus.kind === "platform") {
      // node-exporter mounts the host's /proc and /sys with hostNetwork and hostPID: privileged only.
      namespace = nameAfter(platformNamespace(name, monitoringNamespaceEntry(MONITORING_NAMESPACE), args.network, provider, this), MONITORING_NAMESPACE);
      const dependsOn: pulumi.Resource[] = [...(args.dependsOn ?? [])];
      if (spec.monitoring.grafana.enabled) {
        // Never a literal: generated once, kept in state, read by Grafana through admin.existingSecret.
        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        dependsOn.push(new k8s.core.v1.Secret(`${name}-grafana-admin`, {
          metadata: { name: GRAFANA_ADMIN_SECRET, namespace },
          type: "Opaque",
          stringData: { [GRAFANA_ADMIN_USER_KEY]: GRAFANA_ADMIN_USER, [GRAFANA_ADMIN_PASSWORD_KEY]: password.result },
        }, child));
      }
      this.release = pinnedRelease(name, { releaseName: PROMETHEUS_RELEASE, chart: CHARTS.kubePrometheusStack, namespace, values: kubePrometheusStackValues(spec), provider }, this, { dependsOn });
      // Monitors and rules are custom resources of the CRDs the release installs.
      after.push(this.release);
    }

    const labels = monitorLabels(spec);
    const custom = (resourceName: string, obj: { apiVersion: string; kind: string; metadata: object }) =>
      new k8s.apiextensions.CustomResource(resourceName, { ...obj, metadata: { ...obj.metadata, namespace } } as k8s.apiextensions.CustomResourceArgs, { ...child, dependsOn: after });
    const ns = monitoringNamespace(spec);
    if (spec.nodePools.some(isGpuPool)) custom(`${name}-dcgm`, dcgmServiceMonitor(spec, ns, labels));
    if (args.withKueue) custom(`${name}-kueue`, kueueServiceMonitor(ns, labels));
    custom(`${name}-gpu-rules`, gpuPrometheusRule(spec, ns, labels));
    for (const dashboard of dashboards(spec, args.withKueue)) {
      new k8s.core.v1.ConfigMap(`${name}-${dashboard.uid}`, {
        metadata: { name: dashboard.configMapName, namespace, labels: { [DASHBOARD_LABEL]: DASHBOARD_LABEL_VALUE, [MANAGED_BY_LABEL]: MANAGED_BY } },
        data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboardJson(dashboard), null, 1) },
      }, { ...child, dependsOn: after });
    }
    this.registerOutputs({ queryUrl: this.queryUrl });
  }
}
