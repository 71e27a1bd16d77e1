/**
 * Node labels and taints for node pools (pure). Kueue flavors, training runtimes and the EFA
 * plugin select nodes with exactly these, so they are defined once.
 */
import type { NodePoolSpec } from "../config/types";
import { LABEL_PREFIX } from "../metadata";

export const POOL_LABEL = `${LABEL_PREFIX}/pool`;
export const PURPOSE_LABEL = `${LABEL_PREFIX}/purpose`;
export const FABRIC_LABEL = `${LABEL_PREFIX}/fabric`;
const GPU_LABEL = `${LABEL_PREFIX}/gpu`;

/** GPU nodes repel everything that does not ask for a GPU (NVIDIA's and EKS's convention). */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;
/** What a pod that belongs on GPU nodes (workers, device plugins, GPU DaemonSets) tolerates. */
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect } as const;

export function gpuModelOf(pool: NodePoolSpec): string | undefined {
  return pool.kind === "aws" ? pool.instanceType.gpu?.model.name : pool.gpu;
}

export function gpusPerNode(pool: NodePoolSpec): number {
  return pool.kind === "aws" ? (pool.instanceType.gpu?.count ?? 0) : pool.gpusPerNode;
}

export function isGpuPool(pool: NodePoolSpec): boolean {
  return gpusPerNode(pool) > 0;
}

/**
 * The label the cluster autoscaler's AWS provider reads to know a node has GPUs, so it waits for the
 * device plugin instead of scaling up again while `nvidia.com/gpu` is still 0 (kubernetes/autoscaler
 * cluster-autoscaler/cloudprovider/aws/README.md, "GPU Node Groups"; aws_cloud_provider.go GPULabel).
 */
export const AWS_ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";

export function poolLabels(pool: NodePoolSpec): Record<string, string> {
  const gpu = gpuModelOf(pool);
  return {
    [POOL_LABEL]: pool.name,
    [PURPOSE_LABEL]: pool.purpose,
    [FABRIC_LABEL]: pool.fabric,
    ...(gpu ? { [GPU_LABEL]: gpu } : {}),
    ...(gpu && pool.kind === "aws" ? { [AWS_ACCELERATOR_LABEL]: `nvidia-${gpu.toLowerCase()}` } : {}),
  };
}

/** Labels that select a pool's nodes: the platform's pool label on AWS, the configured labels on an existing cluster. */
export function poolNodeSelector(pool: NodePoolSpec): Record<string, string> {
  return pool.kind === "existing" ? { ...pool.nodeSelector } : { [POOL_LABEL]: pool.name };
}

export function poolTaints(pool: NodePoolSpec): (typeof GPU_TAINT)[] {
  return isGpuPool(pool) ? [GPU_TAINT] : [];
}
