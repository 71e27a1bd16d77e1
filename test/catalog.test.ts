import * as fs from "fs";
import * as path from "path";
import { GPU_MODELS } from "../infra/catalog/gpus";
import { efaCapableInstanceTypes, findInstanceType, instanceTypeNames, networkGbpsPerGpu } from "../infra/catalog/instances";
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

  it("covers every g5 and g6e size from xlarge to 48xlarge", () => {
    for (const family of ["g5", "g6e"]) {
      for (const size of ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"]) {
        expect(findInstanceType(`${family}.${size}`)).toBeDefined();
      }
    }
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
