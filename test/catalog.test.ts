import * as fs from "fs";
import * as path from "path";
import { GPU_MODELS } from "../infra/catalog/gpus";
import { efaCapableInstanceTypes, findInstanceType, instanceTypeNames, ncclBusBandwidthFloorGBps, networkGbpsPerGpu, ringBusBandwidthFloorGBps } from "../infra/catalog/instances";
import { ON_DEMAND_USD_PER_HOUR } from "../infra/cost/prices";
import { describeWithUpstream, SHARED_UPSTREAM } from "./helpers/upstream";

const SHARED_PRICES = path.join(SHARED_UPSTREAM, "aws", "ondemand-prices-us-east-1.tsv");

describe("instance catalog", () => {
  it.each([
    ["p3.16xlarge", "V100-16GB", "sm70", 8, 0],
    ["p3dn.24xlarge", "V100", "sm70", 8, 1],
    ["p4d.24xlarge", "A100-40GB", "sm80", 8, 4],
    ["p4de.24xlarge", "A100", "sm80", 8, 4],
    ["p5.48xlarge", "H100", "sm90", 8, 32],
    ["p5e.48xlarge", "H200", "sm90", 8, 32],
    ["p5en.48xlarge", "H200", "sm90", 8, 16],
    ["p6-b200.48xlarge", "B200", "sm100", 8, 8],
    ["g5.48xlarge", "A10G", "sm86", 8, 1],
    ["g6e.48xlarge", "L40S", "sm89", 8, 4],
  ])("knows %s: %s (%s) × %i with %i EFA interfaces", (name, gpu, arch, count, efa) => {
    const t = findInstanceType(name)!;
    expect(t.gpu?.model.name).toBe(gpu);
    expect(t.gpu?.model.arch).toBe(arch);
    expect(t.gpu?.count).toBe(count);
    expect(t.efaInterfaces).toBe(efa);
  });

  it("covers every g5 and g6e size from xlarge to 48xlarge with AWS's GPU counts", () => {
    // aws.amazon.com/ec2/instance-types/g5 and /g6e: 1 GPU up to 16xlarge except 12xlarge (4), 24xlarge 4, 48xlarge 8
    const sizes = ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"];
    for (const family of ["g5", "g6e"]) {
      expect([family, sizes.map((size) => findInstanceType(`${family}.${size}`)?.gpu?.count)]).toEqual([family, [1, 1, 1, 1, 4, 1, 4, 8]]);
    }
  });

  it("builds the system families from AWS's size rule: large 2 vCPU … 8xlarge 32, at the family's GiB per vCPU", () => {
    expect(["m6i.large", "c6i.xlarge", "r6i.2xlarge", "m7i.4xlarge", "m5.8xlarge"].map((n) => [findInstanceType(n)?.vcpu, findInstanceType(n)?.memoryGiB])).toEqual([
      [2, 8], [4, 8], [8, 64], [16, 64], [32, 128],
    ]);
    expect(findInstanceType("m6i.large")).toMatchObject({ networkGbps: 12.5, networkCards: 1, efaInterfaces: 0 });
    expect(findInstanceType("m6i.large")?.gpu).toBeUndefined();
    expect(findInstanceType("m6i.16xlarge")).toBeUndefined();
  });

  it("never has more EFA interfaces than network cards", () => {
    for (const name of instanceTypeNames()) {
      const t = findInstanceType(name)!;
      expect(t.efaInterfaces).toBeLessThanOrEqual(t.networkCards);
    }
  });

  it("derives bandwidth per GPU (the field notes' 64 Gbps vs 800 Gbps lesson)", () => {
    expect(networkGbpsPerGpu(findInstanceType("p5.48xlarge")!)).toBe(400);
    expect(networkGbpsPerGpu(findInstanceType("p3.16xlarge")!)).toBe(3.125);
    expect(networkGbpsPerGpu(findInstanceType("m6i.large")!)).toBeUndefined();
  });

  it("lists EFA-capable types, and no type without EFA", () => {
    const efa = efaCapableInstanceTypes();
    expect(efa).toEqual(expect.arrayContaining(["p5.48xlarge", "p5en.48xlarge", "p4d.24xlarge", "g6e.8xlarge", "p3dn.24xlarge"]));
    expect(efa).not.toContain("p3.16xlarge");
    expect(efa).not.toContain("g5.xlarge");
  });

  it("has on-prem GPU models with architecture and memory", () => {
    expect(GPU_MODELS.A800).toMatchObject({ arch: "sm80", memoryGiB: 80 });
    expect(GPU_MODELS.H800).toMatchObject({ arch: "sm90", memoryGiB: 80 });
    expect(GPU_MODELS.L40S).toMatchObject({ arch: "sm89", memoryGiB: 48 });
  });

  it("has a price for every catalog type except those the upstream table lacks (p5e)", () => {
    const unpriced = instanceTypeNames().filter((n) => ON_DEMAND_USD_PER_HOUR[n] === undefined);
    expect(unpriced).toEqual(["p5e.48xlarge"]);
  });
});

// Contract test: the prices in code match the pinned upstream table (skipped without ../shared).
describeWithUpstream("prices contract (../shared/upstream/aws/ondemand-prices-us-east-1.tsv)", () => {
  let upstream = new Map<string, number>();
  beforeAll(() => {
    upstream = new Map(
      fs.readFileSync(SHARED_PRICES, "utf8").trim().split("\n").slice(1).map((line) => {
        const [type, price] = line.split("\t");
        return [type, Number(price)] as const;
      }),
    );
  });

  it("copies every on-demand price exactly from the pinned table", () => {
    for (const [type, price] of Object.entries(ON_DEMAND_USD_PER_HOUR)) {
      expect([type, upstream.get(type)]).toEqual([type, price]);
    }
  });

  it("prices every catalog type the table has", () => {
    for (const name of instanceTypeNames()) {
      if (upstream.has(name)) expect(ON_DEMAND_USD_PER_HOUR[name]).toBe(upstream.get(name));
    }
  });
});

describe("NCCL bus-bandwidth floor of the fabric acceptance test", () => {
  // Ring all-reduce over 2 nodes of g GPUs: busbw ≤ (node Gbps / 8 / g) × 2(n − 1)/n with n = 2g ranks;
  // the floor is 70 % of that, or of a published two-node measurement, to one decimal.
  const floor = (type: string) => ncclBusBandwidthFloorGBps(findInstanceType(type)!);

  it("takes 70 % of the published p4d measurement (NVIDIA/nccl#527: 57.2 GB/s) for p4d and p4de", () => {
    expect(floor("p4d.24xlarge")).toBe(40); // 0.7 × 57.2 = 40.04
    expect(floor("p4de.24xlarge")).toBe(40);
  });

  it.each([
    ["p5.48xlarge", 65.6], //      3200 / 8 / 8 = 50 GB/s × 30/16 = 93.75 × 0.7 = 65.625
    ["p5en.48xlarge", 65.6], //    the same 3200 Gbps on 16 cards
    ["p6-b200.48xlarge", 65.6],
    ["g6e.48xlarge", 8.2], //      400 / 8 / 8 = 6.25 × 30/16 = 11.72 × 0.7 = 8.20
    ["g6e.24xlarge", 7.7], //      200 / 8 / 4 = 6.25 × 14/8 = 10.94 × 0.7 = 7.66
    ["g5.48xlarge", 2.1], //       100 / 8 / 8 = 1.5625 × 30/16 = 2.93 × 0.7 = 2.05
    ["g5.8xlarge", 2.2], //        25 / 8 / 1 = 3.125 × 2/2 = 3.125 × 0.7 = 2.19
  ])("floors %s at %s GB/s from its ring bound", (type, expected) => {
    expect(floor(type)).toBe(expected);
  });

  it("has no floor for GPU types without EFA or for CPU types", () => {
    expect(floor("p3.16xlarge")).toBeUndefined();
    expect(floor("g6e.xlarge")).toBeUndefined();
    expect(floor("m6i.large")).toBeUndefined();
  });

  it("derives an InfiniBand pool's floor from its bandwidth: 800 Gbps over 8 GPUs = 12.5 GB/s × 30/16 × 0.7 = 16.4", () => {
    expect(ringBusBandwidthFloorGBps(800, 8)).toBe(16.4);
    expect(ringBusBandwidthFloorGBps(64, 8)).toBe(1.3); // the field notes' 64 Gbps: 1 GB/s × 1.875 × 0.7 = 1.31
  });
});
