import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec } from "../../infra/config/spec";
import { gpuOperatorValues } from "../../infra/gpu/operatorValues";
import { CHARTS } from "../../infra/versions";

export const GPU_OPERATOR_NAMESPACE = "gpu-operator";

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
    const chart = CHARTS.gpuOperator;
    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: { name: GPU_OPERATOR_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
    }, { parent: this, provider: args.provider });
    this.release = new k8s.helm.v3.Release(name, {
      name: "gpu-operator",
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: namespace.metadata.name,
      values: gpuOperatorValues(args.spec),
    }, { parent: this, provider: args.provider });
    this.registerOutputs({ status: this.release.status });
  }
}
