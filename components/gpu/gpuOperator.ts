import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { gpuOperatorValues } from "../../infra/gpu/operatorValues";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";

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
    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: { name: GPU_OPERATOR_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
    }, { parent: this, provider: args.provider });
    this.release = pinnedRelease(name, { releaseName: "gpu-operator", chart: CHARTS.gpuOperator, namespace: namespace.metadata.name, values: gpuOperatorValues(args.spec), provider: args.provider }, this);
    this.registerOutputs({ status: this.release.status });
  }
}
