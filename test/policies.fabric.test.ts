import { PLATFORM_TYPE } from "../infra/manifest";
import { efaPoolSingleSubnet, multinodeBandwidthPerGpu, multinodeTrainingFabric } from "../policies/fabric";
import { gpuPoolTainted, nodeImdsv2Required, nodeNoPublicIp } from "../policies/nodeSecurity";
import { runPolicies } from "../policies/run";
import { recorded } from "./helpers/resources";

interface PoolFixture {
  name: string;
  type: string;
  purpose?: string;
  fabric?: string;
  maxNodes?: number;
  subnets?: number;
  efaInterfaces?: number;
  placement?: "cluster" | "spread" | null;
  httpTokens?: string | null;
  taints?: unknown[];
  publicIp?: string;
}

/** A node group, its launch template and placement group as the NodePool component records them. */
function pool(f: PoolFixture) {
  const ltName = `llm-test-${f.name}`;
  const interfaces = Array.from({ length: f.efaInterfaces ?? 0 }, (_, i) => ({ networkCardIndex: i, deviceIndex: 0, interfaceType: i === 0 ? "efa" : "efa-only", associatePublicIpAddress: f.publicIp ?? "false" }));
  const resources = [
    recorded("aws:eks/nodeGroup:NodeGroup", `test-${f.name}`, {
      instanceTypes: [f.type],
      labels: { "llm-platform/pool": f.name, "llm-platform/purpose": f.purpose ?? "training", "llm-platform/fabric": f.fabric ?? "efa" },
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: f.maxNodes ?? 4 },
      subnetIds: Array.from({ length: f.subnets ?? 1 }, (_, i) => `subnet-${i}`),
      taints: f.taints ?? [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
      ...(f.httpTokens === null ? {} : { launchTemplate: { name: ltName, version: "1" } }),
    }),
  ];
  if (f.httpTokens !== null) {
    resources.push(recorded("aws:ec2/launchTemplate:LaunchTemplate", `test-${f.name}-lt`, {
      name: ltName,
      metadataOptions: { httpTokens: f.httpTokens ?? "required" },
      networkInterfaces: interfaces.length ? interfaces : [{ deviceIndex: 0, associatePublicIpAddress: f.publicIp ?? "false" }],
      ...(f.placement ? { placement: { groupName: ltName } } : {}),
    }));
  }
  if (f.placement) resources.push(recorded("aws:ec2/placementGroup:PlacementGroup", `test-${f.name}-placement`, { name: ltName, strategy: f.placement }));
  return resources;
}
const h100 = (over: Partial<PoolFixture> = {}) => pool({ name: "train-h100", type: "p5.48xlarge", efaInterfaces: 32, placement: "cluster", ...over });
const messages = async (policy: Parameters<typeof runPolicies>[0][number], resources: ReturnType<typeof pool>) =>
  (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);

describe("policy multinode-training-fabric (mandatory)", () => {
  it("passes a multi-node H100 pool on 3,200 Gbps EFA in a cluster placement group", async () => {
    expect(await messages(multinodeTrainingFabric, h100())).toEqual([]);
  });

  it("passes a single-node training pool on TCP (no inter-node traffic)", async () => {
    expect(await messages(multinodeTrainingFabric, pool({ name: "smoke", type: "g6e.xlarge", fabric: "tcp", maxNodes: 1 }))).toEqual([]);
  });

  it("fails a multi-node pool on a 25 Gbps type without EFA or placement, naming each gap", async () => {
    expect(await messages(multinodeTrainingFabric, pool({ name: "v100", type: "p3.16xlarge", fabric: "tcp", maxNodes: 4 }))).toEqual([
      "mandatory: pool v100 (p3.16xlarge, up to 4 nodes): 25 Gbps per node is below the 400 Gbps multi-node floor (the field notes' 64 Gbps network made 4 nodes slower than 1); use an EFA type such as p4de.24xlarge, p5.48xlarge or p5en.48xlarge, or set maxNodes: 1",
      "mandatory: pool v100 (p3.16xlarge, up to 4 nodes): its launch template attaches no EFA interface, so NCCL falls back to TCP; use fabric efa on an EFA-capable type",
      "mandatory: pool v100 (p3.16xlarge, up to 4 nodes): not in a cluster placement group (none); multi-node jobs need the nodes on one network spine",
    ]);
  });

  it("fails an EFA pool in a spread placement group", async () => {
    expect(await messages(multinodeTrainingFabric, h100({ placement: "spread" }))).toEqual([
      "mandatory: pool train-h100 (p5.48xlarge, up to 4 nodes): not in a cluster placement group (strategy spread); multi-node jobs need the nodes on one network spine",
    ]);
  });

  it("fails an on-prem multi-node training pool on TCP at 64 Gbps (the field notes' setup), and passes InfiniBand at 800", async () => {
    const manifest = (fabric: string, gbps: number) => [recorded(PLATFORM_TYPE, "onprem", {
      target: "existing", budgetUsdPerMonth: 1, gpuStack: {},
      nodePools: [{ name: "train-a800", purpose: "training", fabric, gpu: "A800", gpusPerNode: 8, networkGbpsPerNode: gbps, minNodes: 4, desiredNodes: 4, maxNodes: 4 }],
    })];
    expect(await messages(multinodeTrainingFabric, manifest("tcp", 64))).toEqual([
      "mandatory: pool train-a800 (A800 × 8, up to 4 nodes): fabric tcp; multi-node training on-prem needs InfiniBand (the field notes' 64 Gbps network made 4 nodes slower than 1); set fabric infiniband or maxNodes: 1",
      "mandatory: pool train-a800 (A800 × 8, up to 4 nodes): 64 Gbps per node is below the 400 Gbps multi-node floor (the field notes' 64 Gbps network made 4 nodes slower than 1)",
    ]);
    expect(await messages(multinodeTrainingFabric, manifest("infiniband", 800))).toEqual([]);
  });

});

describe("policy efa-pool-single-subnet (mandatory)", () => {
  it("passes an EFA pool in one subnet", async () => {
    expect(await messages(efaPoolSingleSubnet, h100())).toEqual([]);
  });
  it("fails an EFA pool spread over three subnets", async () => {
    expect(await messages(efaPoolSingleSubnet, h100({ subnets: 3 }))).toEqual([
      "mandatory: pool train-h100: EFA node group spans 3 subnets; list one availability zone in its availabilityZones",
    ]);
  });
  it("leaves non-EFA pools free to span AZs", async () => {
    expect(await messages(efaPoolSingleSubnet, pool({ name: "serve", type: "g6e.12xlarge", purpose: "inference", fabric: "tcp", subnets: 3 }))).toEqual([]);
  });
});

describe("policy node-imdsv2-required (mandatory)", () => {
  it("passes a launch template that requires tokens", async () => {
    expect(await messages(nodeImdsv2Required, h100())).toEqual([]);
  });
  it("fails a launch template that allows IMDSv1", async () => {
    expect(await messages(nodeImdsv2Required, h100({ httpTokens: "optional" }))).toEqual([
      "mandatory: pool train-h100: launch template llm-test-train-h100 allows IMDSv1 (httpTokens optional); set it to required",
    ]);
  });
  it("fails a node group without a launch template", async () => {
    expect(await messages(nodeImdsv2Required, h100({ httpTokens: null }))).toEqual([
      "mandatory: pool train-h100: node group has no launch template of this stack, so IMDSv2 is not enforced",
    ]);
  });
});

describe("policy node-no-public-ip (mandatory)", () => {
  it("passes private interfaces and subnets", async () => {
    expect(await messages(nodeNoPublicIp, [...h100(), recorded("aws:ec2/subnet:Subnet", "private", { cidrBlock: "10.0.0.0/19", mapPublicIpOnLaunch: false })])).toEqual([]);
  });
  it("fails a launch template that associates public IPs and a subnet that maps them", async () => {
    expect(await messages(nodeNoPublicIp, [...h100({ publicIp: "true" }), recorded("aws:ec2/subnet:Subnet", "public", { cidrBlock: "10.0.224.0/24", mapPublicIpOnLaunch: true })])).toEqual([
      "mandatory: launch template llm-test-train-h100 gives nodes public IPs on 32 interface(s); nodes live in private subnets behind NAT",
      "mandatory: subnet 10.0.224.0/24 maps public IPs on launch; set mapPublicIpOnLaunch false (NAT gateways and load balancers do not need it)",
    ]);
  });
});

describe("policy gpu-pool-tainted (mandatory)", () => {
  it("passes a tainted GPU pool and an untainted CPU pool", async () => {
    expect(await messages(gpuPoolTainted, [...h100(), ...pool({ name: "system", type: "m6i.large", purpose: "system", fabric: "tcp", taints: [] })])).toEqual([]);
  });
  it("fails an untainted GPU pool", async () => {
    expect(await messages(gpuPoolTainted, h100({ taints: [] }))).toEqual([
      "mandatory: pool train-h100 (p5.48xlarge, 8 × H100) is not tainted nvidia.com/gpu:NoSchedule, so any pod can occupy its GPUs' node",
    ]);
  });
});

describe("policy multinode-bandwidth-per-gpu (advisory)", () => {
  it("is quiet at 400 Gbps per GPU (p5) and warns under 50 (g6e.48xlarge: 400 / 8 = 50 is the edge, g5.48xlarge: 12.5)", async () => {
    expect(await messages(multinodeBandwidthPerGpu, h100())).toEqual([]);
    expect(await messages(multinodeBandwidthPerGpu, pool({ name: "l40s", type: "g6e.48xlarge", efaInterfaces: 4, placement: "cluster" }))).toEqual([]);
    expect(await messages(multinodeBandwidthPerGpu, pool({ name: "a10g", type: "g5.48xlarge", efaInterfaces: 1, placement: "cluster" }))).toEqual([
      "advisory: pool a10g: 12.5 Gbps per GPU (100 Gbps / 8 GPUs) for multi-node training; all-reduce will likely wait on the network",
    ]);
  });
});

describe("fabric policies on their boundaries", () => {
  const existing = (pools: Record<string, unknown>[]) =>
    recorded(PLATFORM_TYPE, "platform", { target: "existing", gpuStack: {}, nodePools: pools.map((p) => ({ purpose: "training", gpu: "A100", gpusPerNode: 8, fabric: "infiniband", networkGbpsPerNode: 800, maxNodes: 4, ...p })) });
  const lesson = "the field notes' 64 Gbps network made 4 nodes slower than 1";

  it("accepts exactly 400 Gbps per node (p4d.24xlarge on EFA), and leaves single-node and inference pools alone", async () => {
    expect(await messages(multinodeTrainingFabric, pool({ name: "a100", type: "p4d.24xlarge", efaInterfaces: 4, placement: "cluster" }))).toEqual([]);
    expect(await messages(multinodeTrainingFabric, pool({ name: "one", type: "g6e.xlarge", fabric: "tcp", maxNodes: 1 }))).toEqual([]);
    expect(await messages(multinodeTrainingFabric, pool({ name: "serve", type: "g6e.xlarge", purpose: "inference", fabric: "tcp", maxNodes: 4 }))).toEqual([]);
  });

  it("on an existing cluster wants InfiniBand at 400 Gbps per node or more for multi-node training pools", async () => {
    expect(await messages(multinodeTrainingFabric, [existing([{ name: "ib", networkGbpsPerNode: 400 }])])).toEqual([]);
    expect(await messages(multinodeTrainingFabric, [existing([{ name: "ib", networkGbpsPerNode: 399 }])])).toEqual([
      `mandatory: pool ib (A100 × 8, up to 4 nodes): 399 Gbps per node is below the 400 Gbps multi-node floor (${lesson})`,
    ]);
    expect(await messages(multinodeTrainingFabric, [existing([{ name: "eth", fabric: "tcp", networkGbpsPerNode: 64 }])])).toEqual([
      `mandatory: pool eth (A100 × 8, up to 4 nodes): fabric tcp; multi-node training on-prem needs InfiniBand (${lesson}); set fabric infiniband or maxNodes: 1`,
      `mandatory: pool eth (A100 × 8, up to 4 nodes): 64 Gbps per node is below the 400 Gbps multi-node floor (${lesson})`,
    ]);
    // one host, or serving: no multi-node traffic
    expect(await messages(multinodeTrainingFabric, [existing([{ name: "eth", fabric: "tcp", networkGbpsPerNode: 64, maxNodes: 1 }, { name: "serve", purpose: "inference", fabric: "tcp", networkGbpsPerNode: 64 }])])).toEqual([]);
  });

  it("on an existing cluster advises under 50 Gbps per GPU: 400 / 8 = 50 is quiet, 392 / 8 = 49 is not", async () => {
    expect(await messages(multinodeBandwidthPerGpu, [existing([{ name: "ib", networkGbpsPerNode: 400 }])])).toEqual([]);
    expect(await messages(multinodeBandwidthPerGpu, [existing([{ name: "ib", networkGbpsPerNode: 392 }])])).toEqual([
      "advisory: pool ib: 49 Gbps per GPU (392 Gbps / 8 GPUs) for multi-node training; all-reduce will likely wait on the network",
    ]);
    expect(await messages(multinodeBandwidthPerGpu, [existing([
      { name: "single", networkGbpsPerNode: 100, maxNodes: 1 },
      { name: "serve", purpose: "inference", networkGbpsPerNode: 100 },
      { name: "cpu", gpusPerNode: 0, networkGbpsPerNode: 100 },
    ])])).toEqual([]);
  });

  it("advises on an AWS multi-node training pool only, and not on one node", async () => {
    const a10g = { name: "a10g", type: "g5.48xlarge", efaInterfaces: 1, placement: "cluster" as const };
    expect(await messages(multinodeBandwidthPerGpu, pool({ ...a10g, maxNodes: 1 }))).toEqual([]);
    expect(await messages(multinodeBandwidthPerGpu, pool({ ...a10g, purpose: "inference" }))).toEqual([]);
    expect(await messages(multinodeBandwidthPerGpu, pool({ name: "cpu", type: "m6i.large", fabric: "tcp" }))).toEqual([]);
  });

  it("keeps a pool labelled efa in one subnet even before its template attaches EFA interfaces", async () => {
    expect(await messages(efaPoolSingleSubnet, pool({ name: "h100", type: "p5.48xlarge", efaInterfaces: 0, subnets: 2 }))).toEqual([
      "mandatory: pool h100: EFA node group spans 2 subnets; list one availability zone in its availabilityZones",
    ]);
    expect(await messages(efaPoolSingleSubnet, pool({ name: "h100", type: "p5.48xlarge", fabric: "tcp", efaInterfaces: 32, subnets: 2 }))).toEqual([
      "mandatory: pool h100: EFA node group spans 2 subnets; list one availability zone in its availabilityZones",
    ]);
    expect(await messages(efaPoolSingleSubnet, pool({ name: "h100", type: "p5.48xlarge", subnets: 0 }))).toEqual([
      "mandatory: pool h100: EFA node group spans 0 subnets; list one availability zone in its availabilityZones",
    ]);
  });

  it("names an unknown instance type and its missing bandwidth", async () => {
    expect(await messages(multinodeTrainingFabric, pool({ name: "x", type: "x9.mega", efaInterfaces: 1, placement: "cluster" }))).toEqual([
      `mandatory: pool x (x9.mega, up to 4 nodes): unknown Gbps per node is below the 400 Gbps multi-node floor (${lesson}); use an EFA type such as p4de.24xlarge, p5.48xlarge or p5en.48xlarge, or set maxNodes: 1`,
    ]);
  });
});

describe("node security policies: the exact settings", () => {
  it("names an unset httpTokens", async () => {
    const [ng, lt] = h100();
    const unset = { ...lt, inputs: { ...lt.inputs, metadataOptions: {} } };
    expect(await messages(nodeImdsv2Required, [ng, unset])).toEqual([
      "mandatory: pool train-h100: launch template llm-test-train-h100 allows IMDSv1 (httpTokens unset); set it to required",
    ]);
  });

  it("counts public IPs given as a boolean or a string, and not \"false\"", async () => {
    const lt = (interfaces: unknown[]) => recorded("aws:ec2/launchTemplate:LaunchTemplate", "lt", { name: "lt", networkInterfaces: interfaces });
    expect(await messages(nodeNoPublicIp, [lt([{ associatePublicIpAddress: true }, { associatePublicIpAddress: "false" }, {}])])).toEqual([
      "mandatory: launch template lt gives nodes public IPs on 1 interface(s); nodes live in private subnets behind NAT",
    ]);
    expect(await messages(nodeNoPublicIp, [recorded("aws:ec2/launchTemplate:LaunchTemplate", "bare", { name: "bare" }), recorded("aws:ec2/subnet:Subnet", "s", { cidrBlock: "10.0.0.0/19", mapPublicIpOnLaunch: "true" })])).toEqual([
      "mandatory: subnet 10.0.0.0/19 maps public IPs on launch; set mapPublicIpOnLaunch false (NAT gateways and load balancers do not need it)",
    ]);
  });

  it("wants the GPU taint's key, value and NO_SCHEDULE effect all three", async () => {
    const refused = "mandatory: pool train-h100 (p5.48xlarge, 8 × H100) is not tainted nvidia.com/gpu:NoSchedule, so any pod can occupy its GPUs' node";
    for (const taint of [
      { key: "nvidia.com/gpu", value: "present", effect: "PREFER_NO_SCHEDULE" },
      { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" },
      { key: "gpu", value: "present", effect: "NO_SCHEDULE" },
    ]) {
      expect([taint, await messages(gpuPoolTainted, h100({ taints: [taint] }))]).toEqual([taint, [refused]]);
    }
    const [ng, ...rest] = h100();
    const noTaints = { ...ng, inputs: { ...ng.inputs, taints: undefined } };
    expect(await messages(gpuPoolTainted, [noTaints, ...rest])).toEqual([refused]);
  });
});
