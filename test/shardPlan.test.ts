import { bytesPerSample, planShards, ShardPlanError } from "../infra/data/shardPlan";

const MIB = 1024 * 1024;
const base = { meanTokensPerSample: 900, sequenceLength: 2048, worldSize: 16, memoryBudgetBytes: 512 * MIB, tokenBytes: 4 as const };

describe("shard plan", () => {
  it("sizes a sample from its tokens (capped at the sequence length) plus its index entry", () => {
    expect(bytesPerSample({ meanTokensPerSample: 900, sequenceLength: 2048, tokenBytes: 4 })).toBe(900 * 4 + 24);
    expect(bytesPerSample({ meanTokensPerSample: 3000, sequenceLength: 2048, tokenBytes: 2 })).toBe(2048 * 2 + 24);
  });

  it.each([100_000, 1_000_000, 3_000_000, 3_000_001])("splits %i samples evenly over every rank, in a multiple of the world size", (samples) => {
    const plan = planShards({ ...base, samples });
    expect(plan.shardCount % base.worldSize).toBe(0);
    expect(plan.shardsPerRank * base.worldSize).toBe(plan.shardCount);
    expect(plan.samplesPerRank.max - plan.samplesPerRank.min).toBeLessThanOrEqual(1);
    // every sample lands on exactly one rank: the ranks with one more sample are the
    // (samples mod shardCount) mod worldSize of them, and the totals add up to the data set
    const ranksWithOneMore = (samples % plan.shardCount) % base.worldSize;
    expect(plan.samplesPerRank.min * (base.worldSize - ranksWithOneMore) + plan.samplesPerRank.max * ranksWithOneMore).toBe(samples);
    // and no shard exceeds the largest planned
    expect(plan.samplesPerShard * plan.shardCount).toBeGreaterThanOrEqual(samples);
    expect((plan.samplesPerShard - 1) * plan.shardCount).toBeLessThan(samples);
    expect(plan.peakBytesPerProcess).toBeLessThanOrEqual(base.memoryBudgetBytes);
  });

  it("keeps per-process memory flat from 100 K to 3 M samples: the shard count grows instead", () => {
    const budget = 64 * MIB; // a shard of at most 9,279 samples (32 MiB) plus one prefetched
    const plans = [100_000, 1_000_000, 3_000_000].map((samples) => planShards({ ...base, samples, memoryBudgetBytes: budget }));
    const [small, medium, large] = plans.map((p) => p.peakBytesPerProcess);
    for (const peak of [small, medium, large]) expect(peak).toBeLessThanOrEqual(budget);
    // 3× the data from 1 M to 3 M: the same per-process memory, three times the shards.
    expect(large / medium).toBeLessThan(1.01);
    expect(plans.map((p) => p.shardCount)).toEqual([16, 112, 336]);
    // 100 K does not even fill one full shard per rank, so it holds less, never more.
    expect(small).toBeLessThan(medium);
    // The field notes' starting point — each process holding its whole 1/16 of the data — grows 30×.
    const naive = (samples: number) => (samples / base.worldSize) * bytesPerSample(base);
    expect(naive(3_000_000) / naive(100_000)).toBe(30);
    expect(large).toBeLessThan(naive(3_000_000) / 10);
  });

  it("rejects a budget that cannot hold one shard, naming the smallest that works", () => {
    const tooSmall = () => planShards({ ...base, samples: 1000, memoryBudgetBytes: 4096 });
    expect(tooSmall).toThrow(ShardPlanError);
    expect(tooSmall).toThrow("a 4.0 KiB budget cannot hold one shard of one sample plus 1 prefetched (3.5 KiB per sample); the smallest budget that works is 7.1 KiB");
    try {
      tooSmall();
    } catch (e) {
      expect((e as ShardPlanError).smallestBudgetBytes).toBe(2 * (900 * 4 + 24));
    }
  });

  it("describes the per-epoch shuffle the tokenise/training code implements", () => {
    expect(planShards({ ...base, samples: 1000 }).shuffle).toMatch(/rounds of 16 consecutive shards; epoch e permutes the rounds/);
  });
});
