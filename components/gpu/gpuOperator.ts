import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { GPU_OPERATOR_NAMESPACE, gpuOperatorValues } from "../../infra/gpu/operatorValues";
import { DCGM_METRICS_CONFIGMAP, DCGM_METRICS_KEY, dcgmCountersCsv } from "../../infra/monitoring/dcgmCounters";
import { CHARTS } from "../../infra/versions";
import { PLATFORM_NAMESPACES } from "../../infra/security/namespaces";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";



export interface GpuOperatorArgs {
  spec: PlatformSpec;
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * The NVIDIA GPU operator, pinned: driver from gpuStack (or the node image's), container toolkit,
 * device plugin, GPU feature discovery, DCGM exporter, MIG strategy, one-node-at-a-time upgrades.
 */
export class GpuOperator extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:gpu:GpuOperator", name, {}, opts);
    const namespace = platformNamespace(name, PLATFORM_NAMESPACES[GPU_OPERATOR_NAMESPACE], args.network, args.provider, this);
    // The DCGM exporter's collectors file, in place before the operator starts the exporter.
    const dcgmMetrics = new k8s.core.v1.ConfigMap(`${name}-dcgm-metrics`, {
      metadata: { name: DCGM_METRICS_CONFIGMAP, namespace: GPU_OPERATOR_NAMESPACE },
      data: { [DCGM_METRICS_KEY]: dcgmCountersCsv() },
    }, { parent: this, provider: args.provider, dependsOn: [namespace] });
    this.release = pinnedRelease(name, { releaseName: "gpu-operator", chart: CHARTS.gpuOperator, namespace: GPU_OPERATOR_NAMESPACE, values: gpuOperatorValues(args.spec), provider: args.provider }, this, { dependsOn: [namespace, dcgmMetrics] });
    this.registerOutputs({ status: this.release.status });
  }
}
