/**
 * What one replica-hour costs (pure): the node's on-demand price divided among the replicas a node
 * holds (GPUs a replica leaves idle are still paid for). On-prem GPUs have no price here: null.
 */
import type { GpuModelName } from "../catalog/gpus";
import { findInstanceType, instanceTypeNames } from "../catalog/instances";
import type { NodePoolSpec } from "../config/types";
import { ON_DEMAND_USD_PER_HOUR } from "../cost/prices";
import { gpusPerNode } from "../nodes/labels";

export const replicasPerNode = (gpusOnNode: number, gpusPerReplica: number) => Math.floor(gpusOnNode / gpusPerReplica);

/** USD per replica-hour on a pool; null on an existing cluster or for a type without a price. */
export function poolReplicaUsdPerHour(pool: NodePoolSpec, gpusPerReplica: number): number | null {
  if (pool.kind !== "aws") return null;
  const hourly = ON_DEMAND_USD_PER_HOUR[pool.instanceType.name];
  const perNode = replicasPerNode(gpusPerNode(pool), gpusPerReplica);
  return hourly === undefined || perNode === 0 ? null : hourly / perNode;
}

/** The cheapest catalog instance type that carries `gpusPerReplica` of this GPU, per replica-hour; null if none is priced. */
export function cheapestReplicaUsdPerHour(gpu: GpuModelName, gpusPerReplica: number): { instanceType: string; usdPerHour: number } | null {
  let best: { instanceType: string; usdPerHour: number } | null = null;
  for (const name of instanceTypeNames()) {
    const type = findInstanceType(name)!;
    const hourly = ON_DEMAND_USD_PER_HOUR[name];
    if (type.gpu?.model.name !== gpu || hourly === undefined) continue;
    const perNode = replicasPerNode(type.gpu.count, gpusPerReplica);
    if (perNode === 0) continue;
    const usdPerHour = hourly / perNode;
    if (!best || usdPerHour < best.usdPerHour) best = { instanceType: name, usdPerHour };
  }
  return best;
}
