import { bytesPerSample, formatBytes, planShards, ShardPlanError } from "../infra/data/shardPlan";

// Every expected value below is worked out by hand in the comment next to it, never with the
// module's own formula: a sample is its tokens × bytes per token plus a 24-byte index entry
// (offset, source length, target length as three 64-bit ints, jobs/tokenise ShardBuffer).
const MIB = 1024 * 1024;
const base = { meanTokensPerSample: 900, sequenceLength: 2048, worldSize: 16, memoryBudgetBytes: 512 * MIB, tokenBytes: 4 as const };

describe("bytes per sample", () => {
  it("counts the mean tokens at 4 bytes each plus the 24-byte index entry", () => {
    expect(bytesPerSample({ meanTokensPerSample: 900, sequenceLength: 2048, tokenBytes: 4 })).toBe(3624); // 900 × 4 + 24
  });

  it("caps the tokens at the sequence length: on, just over, well over", () => {
    expect(bytesPerSample({ meanTokensPerSample: 2048, sequenceLength: 2048, tokenBytes: 4 })).toBe(8216); // 2048 × 4 + 24
    expect(bytesPerSample({ meanTokensPerSample: 2049, sequenceLength: 2048, tokenBytes: 4 })).toBe(8216); // capped at 2048
    expect(bytesPerSample({ meanTokensPerSample: 3000, sequenceLength: 2048, tokenBytes: 2 })).toBe(4120); // 2048 × 2 + 24
    expect(bytesPerSample({ meanTokensPerSample: 2047, sequenceLength: 2048, tokenBytes: 2 })).toBe(4118); // 2047 × 2 + 24
  });

  it("rounds a fractional token count up to whole bytes", () => {
    expect(bytesPerSample({ meanTokensPerSample: 900.25, sequenceLength: 2048, tokenBytes: 2 })).toBe(1825); // 1800.5 → 1801, + 24
  });
});

describe("shard plan", () => {
  // 512 MiB budget, one shard in use + one prefetched: 268,435,456 B per shard / 3,624 B = 74,071 samples at most.
  it.each([
    // samples, shards (a multiple of 16), largest shard, samples per rank min/max, peak bytes (largest shard × 3,624 × 2)
    [100_000, 16, 6_250, 6_250, 6_250, 45_300_000], //       2 shards needed → 16; 100,000 / 16 = 6,250 exactly
    [1_000_037, 16, 62_503, 62_502, 62_503, 453_021_744], // 14 needed → 16; 62,502 each and 5 shards with one more
    [3_000_000, 48, 62_500, 187_500, 187_500, 453_000_000], // 41 needed → 48; 3 shards of 62,500 per rank
    [3_000_001, 48, 62_501, 187_500, 187_501, 453_007_248], // shard 0 holds the one extra sample: rank 0 reads it
    // 20 shards of 62,501 and 28 of 62,500: ranks 0–3 read two of the larger (shards r and r + 16), ranks 4–15 one
    [3_000_020, 48, 62_501, 187_501, 187_502, 453_007_248],
    // 16 shards of 62,501 and 32 of 62,500: every rank reads exactly one of the larger, so all hold 187,501
    [3_000_016, 48, 62_501, 187_501, 187_501, 453_007_248],
  ])("splits %i samples into %i shards of at most %i, %i–%i samples per rank", (samples, shards, largest, min, max, peak) => {
    const plan = planShards({ ...base, samples });
    expect(plan).toMatchObject({ shardCount: shards, shardsPerRank: shards / 16, samplesPerShard: largest, bytesPerSample: 3624, prefetchShards: 1 });
    expect(plan.samplesPerRank).toEqual({ min, max });
    expect(plan.shardBytes).toBe(largest * 3624);
    expect(plan.peakBytesPerProcess).toBe(peak);
  });

  it("fits the largest shard the budget allows: on the boundary one shard per rank, one byte under it twice the shards", () => {
    // 45,300,000 B = 2 × 6,250 × 3,624: exactly 6,250 samples per shard, 100,000 / 6,250 = 16 shards.
    expect(planShards({ ...base, samples: 100_000, memoryBudgetBytes: 45_300_000 })).toMatchObject({ shardCount: 16, samplesPerShard: 6_250 });
    // One byte less: 6,249 per shard, 17 shards needed, rounded up to 32 of 3,125.
    expect(planShards({ ...base, samples: 100_000, memoryBudgetBytes: 45_299_999 })).toMatchObject({ shardCount: 32, shardsPerRank: 2, samplesPerShard: 3_125 });
  });

  it("plans one round of shards for an empty or tiny data set", () => {
    expect(planShards({ ...base, samples: 0 })).toMatchObject({ shardCount: 16, samplesPerShard: 0, samplesPerRank: { min: 0, max: 0 } });
    expect(planShards({ ...base, samples: 3 })).toMatchObject({ shardCount: 16, samplesPerShard: 1, samplesPerRank: { min: 0, max: 1 } });
  });

  it("holds only the shard in use when nothing is prefetched", () => {
    // 512 MiB / 3,624 B = 148,143 samples per shard: 3,000,000 needs 21 → 32 shards of 93,750.
    const plan = planShards({ ...base, samples: 3_000_000, prefetchShards: 0 });
    expect(plan).toMatchObject({ shardCount: 32, samplesPerShard: 93_750, prefetchShards: 0, peakBytesPerProcess: 93_750 * 3624 });
  });

  it("keeps per-process memory flat from 100 K to 3 M samples: the shard count grows instead", () => {
    // 64 MiB budget: 33,554,432 B per shard / 3,624 B = 9,258 samples at most.
    const plans = [100_000, 1_000_000, 3_000_000].map((samples) => planShards({ ...base, samples, memoryBudgetBytes: 64 * MIB }));
    // 11 → 16, 109 → 112 and 325 → 336 shards; 6,250, 8,929 and 8,929 samples in the largest.
    expect(plans.map((p) => p.shardCount)).toEqual([16, 112, 336]);
    expect(plans.map((p) => p.peakBytesPerProcess)).toEqual([45_300_000, 64_717_392, 64_717_392]);
    // The field notes' starting point, each process holding its whole 1/16 of 3 M samples:
    // 187,500 × 3,624 B = 679,500,000 B, more than ten times the planned peak.
    expect(plans[2].peakBytesPerProcess * 10).toBeLessThan(679_500_000);
  });

  it("rejects a budget that cannot hold one shard, naming the smallest that works", () => {
    // One sample in use plus one prefetched: 2 × 3,624 = 7,248 B.
    const tooSmall = () => planShards({ ...base, samples: 1000, memoryBudgetBytes: 4096 });
    expect(tooSmall).toThrow(new ShardPlanError("a 4.0 KiB budget cannot hold one shard of one sample plus 1 prefetched (3.5 KiB per sample); the smallest budget that works is 7.1 KiB", 7248));
    let caught: unknown;
    try {
      tooSmall();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShardPlanError);
    expect((caught as ShardPlanError).name).toBe("ShardPlanError");
    expect((caught as ShardPlanError).smallestBudgetBytes).toBe(7248);
  });

  it("accepts the smallest budget exactly and refuses one byte less", () => {
    expect(planShards({ ...base, samples: 16, memoryBudgetBytes: 7248 })).toMatchObject({ shardCount: 16, samplesPerShard: 1, peakBytesPerProcess: 7248 });
    expect(() => planShards({ ...base, samples: 16, memoryBudgetBytes: 7247 })).toThrow("a 7.1 KiB budget cannot hold one shard");
  });

  it("describes the per-epoch shuffle the tokenise/training code implements", () => {
    expect(planShards({ ...base, samples: 1000 }).shuffle).toBe(
      "shards are grouped in rounds of 16 consecutive shards; epoch e permutes the rounds and, within each round, " +
        "which rank reads which shard, with seed (dataset seed, e) — every shard read once per epoch, the ±1 balance kept",
    );
  });
});

describe("byte sizes in messages", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [100 * 1024 - 1, "100.0 KiB"], // 99.999 KiB: one decimal below 100
    [100 * 1024, "100 KiB"],
    [512 * MIB, "512 MiB"],
    [5 * 1024 * MIB, "5.0 GiB"],
    [3 * 1024 ** 4, "3.0 TiB"],
    [1024 ** 4 * 2048, "2048 TiB"], // TiB is the largest unit
  ])("writes %i bytes as %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
