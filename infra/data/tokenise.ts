/**
 * The tokenise-once job's configuration (pure): the shards' identity, its manifest key (the same
 * sha256-over-canonical-JSON that jobs/tokenise/manifest.py computes), and where shards go.
 */
import { createHash } from "crypto";
import type { DatasetSpec, PlatformSpec } from "../config/types";
import { datasetShardPlan, datasetWorldSize } from "./datasets";

/** Where the shared volume is mounted in every data and training pod. */
export const DATA_ROOT = "/data";

export interface TokeniseIdentity {
  readonly dataset: string;
  readonly version: string;
  readonly tokenizer: string;
  readonly hygiene: {
    readonly maxSourceLength: number;
    readonly maxTargetLength: number;
    readonly fillerWords: readonly string[];
    readonly bannedPatterns: readonly string[];
    readonly featureTags: readonly string[];
  };
  readonly shardPlan: { readonly shardCount: number; readonly worldSize: number; readonly tokenBytes: number };
}

export interface TokeniseJobConfig {
  readonly identity: TokeniseIdentity;
  readonly manifestKey: string;
  readonly dataRoot: string;
  readonly rawPath: string;
  readonly shardDir: string;
  readonly parallelism: number;
  /** How the job loads the tokenizer (not part of the shards' identity: it does not change the tokens). */
  readonly loading: { readonly trustRemoteCode: boolean; readonly offline: boolean };
}

/** JSON with object keys sorted and no whitespace (Python: json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function manifestKey(identity: TokeniseIdentity): string {
  return createHash("sha256").update(canonicalJson(identity), "utf8").digest("hex");
}

export function tokeniseJobConfig(spec: Pick<PlatformSpec, "nodePools">, dataset: DatasetSpec): TokeniseJobConfig {
  const plan = datasetShardPlan(spec, dataset);
  const worldSize = datasetWorldSize(spec, dataset);
  const identity: TokeniseIdentity = {
    dataset: dataset.name,
    version: dataset.version,
    tokenizer: dataset.tokenizer,
    hygiene: {
      maxSourceLength: dataset.maxSourceLength,
      maxTargetLength: dataset.maxTargetLength,
      fillerWords: [...dataset.fillerWords],
      bannedPatterns: [...dataset.bannedPatterns],
      featureTags: [...dataset.featureTags],
    },
    shardPlan: { shardCount: plan.shardCount, worldSize, tokenBytes: dataset.tokenBytes },
  };
  const key = manifestKey(identity);
  return {
    identity,
    manifestKey: key,
    dataRoot: DATA_ROOT,
    rawPath: dataset.rawPath,
    shardDir: `shards/${dataset.name}/${key}`,
    parallelism: dataset.tokeniseParallelism ?? worldSize,
    // A staged copy never touches the hub (air-gapped clusters have none to reach).
    loading: { trustRemoteCode: dataset.hub.trustRemoteCode, offline: dataset.tokenizer.startsWith(`${DATA_ROOT}/`) },
  };
}

/** Tokeniser, Python and file buffers on top of the shard being built (one shard plus one prefetched fit the budget). */
const TOKENISE_WORKER_OVERHEAD_MIB = 2048;

/** What each tokenise worker requests and is limited to, and how many run at once. */
export function tokeniseResources(spec: Pick<PlatformSpec, "nodePools">, dataset: DatasetSpec): { parallelism: number; cpu: number; memoryMiB: number } {
  return { parallelism: tokeniseJobConfig(spec, dataset).parallelism, cpu: 1, memoryMiB: Math.ceil(dataset.memoryBudgetMiB + TOKENISE_WORKER_OVERHEAD_MIB) };
}
