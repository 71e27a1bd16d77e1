/**
 * A data set's training topology and shard plan, from the spec (pure).
 */
import type { DatasetSpec, NodePoolSpec, PlatformSpec } from "../config/types";
import { gpusPerNode } from "../nodes/labels";
import { planShards, ShardPlan } from "./shardPlan";

export const MIB = 1024 * 1024;

export function shardPool(spec: Pick<PlatformSpec, "nodePools">, dataset: DatasetSpec): NodePoolSpec | undefined {
  return spec.nodePools.find((p) => p.name === dataset.shardFor.pool);
}

/** Ranks the shards are cut for: nodes × GPUs per node of the pool. */
export function datasetWorldSize(spec: Pick<PlatformSpec, "nodePools">, dataset: DatasetSpec): number {
  const pool = shardPool(spec, dataset);
  if (!pool) throw new Error(`data set ${dataset.name}: no pool named ${dataset.shardFor.pool}`);
  return dataset.shardFor.nodes * gpusPerNode(pool);
}

export function datasetShardPlan(spec: Pick<PlatformSpec, "nodePools">, dataset: DatasetSpec): ShardPlan {
  return planShards({
    samples: dataset.samples,
    meanTokensPerSample: dataset.meanTokensPerSample,
    sequenceLength: dataset.maxSourceLength + dataset.maxTargetLength,
    worldSize: datasetWorldSize(spec, dataset),
    memoryBudgetBytes: dataset.memoryBudgetMiB * MIB,
    tokenBytes: dataset.tokenBytes,
  });
}
