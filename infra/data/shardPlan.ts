/**
 * The shard plan (pure). The field notes: going from 100 K to 3 M samples ran out of memory; the
 * fix was to tokenise once, split the whole data set evenly over all ranks, shuffle the shard
 * order once per epoch and hold one shard per process in memory. Here a shard's size comes from the
 * per-process memory budget, never from the data set's size, so per-process memory stays flat as
 * the data grows; only the number of shards grows.
 */

export interface ShardPlanInput {
  readonly samples: number;
  readonly meanTokensPerSample: number;
  /** Tokens kept per sample at most (maxSourceLength + maxTargetLength). */
  readonly sequenceLength: number;
  /** Total ranks: nodes × GPUs per node. */
  readonly worldSize: number;
  /** Per-process memory the data loader may use for shards, in bytes. */
  readonly memoryBudgetBytes: number;
  /** Bytes per token id: 2 for vocabularies under 65,536 tokens, else 4. */
  readonly tokenBytes: 2 | 4;
  /** Shards loaded ahead of the one being consumed. */
  readonly prefetchShards?: number;
}

export interface ShardPlan {
  readonly shardCount: number;
  readonly shardsPerRank: number;
  /** Samples in the largest shard (others have one fewer at most). */
  readonly samplesPerShard: number;
  readonly bytesPerSample: number;
  readonly shardBytes: number;
  /** One shard in use plus the prefetched ones: what one process holds. */
  readonly peakBytesPerProcess: number;
  /** Samples per rank per epoch: every rank gets `min` or `min + 1`. */
  readonly samplesPerRank: { readonly min: number; readonly max: number };
  readonly prefetchShards: number;
  /** How the shard order changes per epoch (implemented by jobs/tokenise/shards.py `epoch_order`). */
  readonly shuffle: string;
}

export class ShardPlanError extends Error {
  constructor(message: string, public readonly smallestBudgetBytes: number) {
    super(message);
    this.name = "ShardPlanError";
  }
}

/** Per-sample index entry while a shard is built: offset, source and target length as 64-bit ints (jobs/tokenise ShardBuffer). */
const INDEX_BYTES_PER_SAMPLE = 24;
const DEFAULT_PREFETCH_SHARDS = 1;

export function bytesPerSample(input: Pick<ShardPlanInput, "meanTokensPerSample" | "sequenceLength" | "tokenBytes">): number {
  return Math.ceil(Math.min(input.meanTokensPerSample, input.sequenceLength) * input.tokenBytes) + INDEX_BYTES_PER_SAMPLE;
}

export function planShards(input: ShardPlanInput): ShardPlan {
  const prefetchShards = input.prefetchShards ?? DEFAULT_PREFETCH_SHARDS;
  const perSample = bytesPerSample(input);
  const resident = 1 + prefetchShards;
  const smallestBudget = perSample * resident;
  if (input.memoryBudgetBytes < smallestBudget) {
    throw new ShardPlanError(
      `a ${formatBytes(input.memoryBudgetBytes)} budget cannot hold one shard of one sample plus ${prefetchShards} prefetched (${formatBytes(perSample)} per sample); the smallest budget that works is ${formatBytes(smallestBudget)}`,
      smallestBudget,
    );
  }
  // The largest shard the budget allows, then as few shards as that needs, rounded up to a multiple of the world size.
  const capacity = Math.floor(input.memoryBudgetBytes / resident / perSample);
  const needed = Math.max(1, Math.ceil(input.samples / capacity));
  const shardCount = Math.ceil(needed / input.worldSize) * input.worldSize;
  const shardsPerRank = shardCount / input.worldSize;
  const samplesPerShard = Math.ceil(input.samples / shardCount);
  const shardBytes = samplesPerShard * perSample;
  // Shards 0 … r-1 hold one extra sample; per epoch each rank takes one shard of every round of worldSize shards.
  const base = Math.floor(input.samples / shardCount);
  const extraShards = input.samples % shardCount;
  const fullExtraRounds = Math.floor(extraShards / input.worldSize);
  const min = base * shardsPerRank + fullExtraRounds;
  const max = min + (extraShards % input.worldSize === 0 ? 0 : 1);
  return {
    shardCount,
    shardsPerRank,
    samplesPerShard,
    bytesPerSample: perSample,
    shardBytes,
    peakBytesPerProcess: shardBytes * resident,
    samplesPerRank: { min, max },
    prefetchShards,
    shuffle:
      `shards are grouped in rounds of ${input.worldSize} consecutive shards; epoch e permutes the rounds and, within each round, ` +
      `which rank reads which shard, with seed (dataset seed, e) — every shard read once per epoch, the ±1 balance kept`,
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
