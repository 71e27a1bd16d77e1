import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { GPU_OPERATOR_NAMESPACE, gpuOperatorValues } from "../../infra/gpu/operatorValues";
import { DCGM_METRICS_CONFIGMAP, DCGM_METRICS_KEY, dcgmCountersCsv } from "../../infra/monitoring/dcgmCounters";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";

export { GPU_OPERATOR_NAMESPACE } from "../../infra/gpu/operatorValues";

export interface GpuOperatorArgs {
  spec: PlatformSpec;
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
    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: { name: GPU_OPERATOR_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
    }, { parent: this, provider: args.provider });
    // The DCGM exporter's collectors file, in place before the operator starts the exporter.
    const dcgmMetrics = new k8s.core.v1.ConfigMap(`${name}-dcgm-metrics`, {
      metadata: { name: DCGM_METRICS_CONFIGMAP, namespace: namespace.metadata.name },
      data: { [DCGM_METRICS_KEY]: dcgmCountersCsv() },
    }, { parent: this, provider: args.provider });
    this.release = pinnedRelease(name, { releaseName: "gpu-operator", chart: CHARTS.gpuOperator, namespace: namespace.metadata.name, values: gpuOperatorValues(args.spec), provider: args.provider }, this, { dependsOn: [dcgmMetrics] });
    this.registerOutputs({ status: this.release.status });
  }
}
