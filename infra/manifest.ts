/**
 * The platform manifest: the part of the spec that policies need at preview time. The program
 * passes it as the inputs of the root `llm-platform:index:Platform` component, where CrossGuard
 * sees it (`pulumi preview --policy-pack`) exactly as the offline plan does.
 */
import type { PlatformSpec } from "./config/types";
import { gpuModelOf, gpusPerNode } from "./nodes/labels";
import { prometheusQueryUrl } from "./monitoring/prometheus";

export const PLATFORM_TYPE = "llm-platform:index:Platform";

export interface PoolManifest {
  readonly name: string;
  readonly purpose: string;
  readonly fabric: string;
  readonly instanceType?: string;
  readonly gpu?: string;
  readonly gpusPerNode: number;
  /** Inter-node bandwidth of one node (catalog on AWS, config on-prem). */
  readonly networkGbpsPerNode: number;
  readonly minNodes: number;
  readonly desiredNodes: number;
  readonly maxNodes: number;
}

export interface PlatformManifest {
  readonly stack: string;
  readonly target: string;
  readonly budgetUsdPerMonth: number;
  readonly gpuStack: PlatformSpec["gpuStack"];
  readonly images: PlatformSpec["images"];
  readonly nodePools: readonly PoolManifest[];
  /** Whose Prometheus the stack uses, and where it is queried. */
  readonly monitoring: { readonly prometheus: "platform" | "existing"; readonly queryUrl: string; readonly retentionDays?: number };
}

export function platformManifest(spec: PlatformSpec): PlatformManifest {
  return {
    stack: spec.stack,
    target: spec.target,
    budgetUsdPerMonth: spec.budgetUsdPerMonth,
    gpuStack: { ...spec.gpuStack },
    images: { registry: spec.images.registry, digests: { ...spec.images.digests } },
    nodePools: spec.nodePools.map((p) => ({
      name: p.name,
      purpose: p.purpose,
      fabric: p.fabric,
      ...(p.kind === "aws" ? { instanceType: p.instanceType.name } : {}),
      ...(gpuModelOf(p) ? { gpu: gpuModelOf(p) } : {}),
      gpusPerNode: gpusPerNode(p),
      networkGbpsPerNode: p.kind === "aws" ? p.instanceType.networkGbps : p.networkGbpsPerNode,
      minNodes: p.minNodes,
      desiredNodes: p.desiredNodes,
      maxNodes: p.maxNodes,
    })),
    monitoring: {
      prometheus: spec.monitoring.prometheus.kind,
      queryUrl: prometheusQueryUrl(spec),
      ...(spec.monitoring.prometheus.kind === "platform" ? { retentionDays: spec.monitoring.prometheus.retentionDays } : {}),
    },
  };
}
