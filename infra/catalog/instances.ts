/**
 * The instance catalog: every AWS instance type the platform will put in a node pool, with the
 * facts that planning, policies and the cost model need. One place; everything else reads it.
 */
import { GPU_MODELS, GpuModel, GpuModelName } from "./gpus";

export interface GpuSpec {
  readonly model: GpuModel;
  readonly count: number;
}

export interface InstanceType {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Aggregate network bandwidth in Gbps (the "up to" burst figure for small sizes). */
  readonly networkGbps: number;
  /** Network cards (each EFA-capable card carries one EFA interface). */
  readonly networkCards: number;
  /** EFA interfaces the instance supports; 0 when EFA is not supported. */
  readonly efaInterfaces: number;
  /** GPUDirect RDMA over EFA (FI_EFA_USE_DEVICE_RDMA=1): p4d and later P generations. */
  readonly efaDeviceRdma?: boolean;
  /** GPUs, absent for CPU-only (system pool) types. */
  readonly gpu?: GpuSpec;
}

const gpu = (model: GpuModelName, count: number): GpuSpec => ({ model: GPU_MODELS[model], count });

// Accelerated types: aws.amazon.com/ec2/instance-types/{p3,p4,p5,p6,g5,g6e} and the EC2 user guide
// "Network specifications — accelerated computing" (network cards, EFA support), read 2026-11;
// device RDMA: AWS EFA user guide, "Supported instance types" (RDMA read/write: p4d and later).
const ACCELERATED: readonly InstanceType[] = [
  { name: "p3.2xlarge", vcpu: 8, memoryGiB: 61, networkGbps: 10, networkCards: 1, efaInterfaces: 0, gpu: gpu("V100-16GB", 1) },
  { name: "p3.8xlarge", vcpu: 32, memoryGiB: 244, networkGbps: 10, networkCards: 1, efaInterfaces: 0, gpu: gpu("V100-16GB", 4) },
  { name: "p3.16xlarge", vcpu: 64, memoryGiB: 488, networkGbps: 25, networkCards: 1, efaInterfaces: 0, gpu: gpu("V100-16GB", 8) },
  { name: "p3dn.24xlarge", vcpu: 96, memoryGiB: 768, networkGbps: 100, networkCards: 1, efaInterfaces: 1, gpu: gpu("V100", 8) },
  { name: "p4d.24xlarge", vcpu: 96, memoryGiB: 1152, networkGbps: 400, networkCards: 4, efaInterfaces: 4, efaDeviceRdma: true, gpu: gpu("A100-40GB", 8) },
  { name: "p4de.24xlarge", vcpu: 96, memoryGiB: 1152, networkGbps: 400, networkCards: 4, efaInterfaces: 4, efaDeviceRdma: true, gpu: gpu("A100", 8) },
  { name: "p5.48xlarge", vcpu: 192, memoryGiB: 2048, networkGbps: 3200, networkCards: 32, efaInterfaces: 32, efaDeviceRdma: true, gpu: gpu("H100", 8) },
  { name: "p5e.48xlarge", vcpu: 192, memoryGiB: 2048, networkGbps: 3200, networkCards: 32, efaInterfaces: 32, efaDeviceRdma: true, gpu: gpu("H200", 8) },
  // p5en: EFAv3 on 16 cards of 200 Gbps each (same 3,200 Gbps with half the interfaces).
  { name: "p5en.48xlarge", vcpu: 192, memoryGiB: 2048, networkGbps: 3200, networkCards: 16, efaInterfaces: 16, efaDeviceRdma: true, gpu: gpu("H200", 8) },
  // p6-b200: EFAv4, 8 cards of 400 Gbps.
  { name: "p6-b200.48xlarge", vcpu: 192, memoryGiB: 2048, networkGbps: 3200, networkCards: 8, efaInterfaces: 8, efaDeviceRdma: true, gpu: gpu("B200", 8) },
  { name: "g5.xlarge", vcpu: 4, memoryGiB: 16, networkGbps: 10, networkCards: 1, efaInterfaces: 0, gpu: gpu("A10G", 1) },
  { name: "g5.2xlarge", vcpu: 8, memoryGiB: 32, networkGbps: 10, networkCards: 1, efaInterfaces: 0, gpu: gpu("A10G", 1) },
  { name: "g5.4xlarge", vcpu: 16, memoryGiB: 64, networkGbps: 25, networkCards: 1, efaInterfaces: 0, gpu: gpu("A10G", 1) },
  { name: "g5.8xlarge", vcpu: 32, memoryGiB: 128, networkGbps: 25, networkCards: 1, efaInterfaces: 1, gpu: gpu("A10G", 1) },
  { name: "g5.12xlarge", vcpu: 48, memoryGiB: 192, networkGbps: 40, networkCards: 1, efaInterfaces: 1, gpu: gpu("A10G", 4) },
  { name: "g5.16xlarge", vcpu: 64, memoryGiB: 256, networkGbps: 25, networkCards: 1, efaInterfaces: 1, gpu: gpu("A10G", 1) },
  { name: "g5.24xlarge", vcpu: 96, memoryGiB: 384, networkGbps: 50, networkCards: 1, efaInterfaces: 1, gpu: gpu("A10G", 4) },
  { name: "g5.48xlarge", vcpu: 192, memoryGiB: 768, networkGbps: 100, networkCards: 1, efaInterfaces: 1, gpu: gpu("A10G", 8) },
  { name: "g6e.xlarge", vcpu: 4, memoryGiB: 32, networkGbps: 20, networkCards: 1, efaInterfaces: 0, gpu: gpu("L40S", 1) },
  { name: "g6e.2xlarge", vcpu: 8, memoryGiB: 64, networkGbps: 20, networkCards: 1, efaInterfaces: 0, gpu: gpu("L40S", 1) },
  { name: "g6e.4xlarge", vcpu: 16, memoryGiB: 128, networkGbps: 20, networkCards: 1, efaInterfaces: 0, gpu: gpu("L40S", 1) },
  { name: "g6e.8xlarge", vcpu: 32, memoryGiB: 256, networkGbps: 25, networkCards: 1, efaInterfaces: 1, gpu: gpu("L40S", 1) },
  { name: "g6e.12xlarge", vcpu: 48, memoryGiB: 384, networkGbps: 100, networkCards: 1, efaInterfaces: 1, gpu: gpu("L40S", 4) },
  { name: "g6e.16xlarge", vcpu: 64, memoryGiB: 512, networkGbps: 35, networkCards: 1, efaInterfaces: 1, gpu: gpu("L40S", 1) },
  { name: "g6e.24xlarge", vcpu: 96, memoryGiB: 768, networkGbps: 200, networkCards: 2, efaInterfaces: 2, gpu: gpu("L40S", 4) },
  { name: "g6e.48xlarge", vcpu: 192, memoryGiB: 1536, networkGbps: 400, networkCards: 4, efaInterfaces: 4, gpu: gpu("L40S", 8) },
];

// System-pool (CPU) families: vCPU per size is AWS's naming rule (large = 2 vCPU, xlarge = 4, …);
// GiB per vCPU is the family's ratio (m = 4, c = 2, r = 8): aws.amazon.com/ec2/instance-types.
const SYSTEM_FAMILIES = { m5: 4, m6i: 4, m7i: 4, c6i: 2, r6i: 8 } as const;
const SYSTEM_SIZES = { large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32 } as const;
// Baseline Gbps by size for these families ("up to 12.5" for large … 4xlarge, 12.5 at 8xlarge).
const SYSTEM_NETWORK_GBPS = { large: 12.5, xlarge: 12.5, "2xlarge": 12.5, "4xlarge": 12.5, "8xlarge": 12.5 } as const;

const SYSTEM: readonly InstanceType[] = Object.entries(SYSTEM_FAMILIES).flatMap(([family, gibPerVcpu]) =>
  (Object.keys(SYSTEM_SIZES) as (keyof typeof SYSTEM_SIZES)[]).map((size) => ({
    name: `${family}.${size}`,
    vcpu: SYSTEM_SIZES[size],
    memoryGiB: SYSTEM_SIZES[size] * gibPerVcpu,
    networkGbps: SYSTEM_NETWORK_GBPS[size],
    networkCards: 1,
    efaInterfaces: 0,
  })),
);

const CATALOG: ReadonlyMap<string, InstanceType> = new Map(
  [...ACCELERATED, ...SYSTEM].map((t) => [t.name, Object.freeze(t)] as const),
);

export function instanceTypeNames(): string[] {
  return [...CATALOG.keys()];
}

export function findInstanceType(name: string): InstanceType | undefined {
  return CATALOG.get(name);
}

export function isGpuInstance(t: InstanceType): t is InstanceType & { gpu: GpuSpec } {
  return t.gpu !== undefined;
}

export function supportsEfa(t: InstanceType): boolean {
  return t.efaInterfaces > 0;
}

/** Network bandwidth per GPU in Gbps (the figure that decides whether multi-node scaling pays). */
export function networkGbpsPerGpu(t: InstanceType): number | undefined {
  return t.gpu ? t.networkGbps / t.gpu.count : undefined;
}

/**
 * The NCCL all-reduce bus bandwidth (GB/s, largest message, 2 nodes) below which the fabric
 * acceptance test fails a pool. Public baselines disagree (a well-known p5 repository demands 800
 * GB/s while its own two-node log shows about 440), so the floor is set to catch a fabric that is
 * not in use or degraded — a TCP fallback measures a few GB/s — not to grade tuning:
 * 70 % of a public two-node measurement where one exists, else 70 % of the ring bound, i.e. each
 * GPU's share of the node's network (Gbps / 8 / GPUs) × 2(n−1)/n for n = 2 × GPUs ranks.
 */
const MEASURED_TWO_NODE_BUSBW_GBPS: Readonly<Record<string, number>> = {
  "p4d.24xlarge": 57.2, // NVIDIA/nccl#527: 2 × p4d.24xlarge, all_reduce_perf 1 GiB, busbw 57.2 GB/s
  "p4de.24xlarge": 57.2, // same network as p4d (4 × 100 Gbps EFA)
};

/** Nodes the acceptance test spans. */
export const ACCEPTANCE_NODES = 2;

/** 70 % of the ring all-reduce bound for ACCEPTANCE_NODES nodes of `gpus` GPUs sharing `networkGbps` each. */
export function ringBusBandwidthFloorGBps(networkGbps: number, gpus: number): number {
  const ranks = ACCEPTANCE_NODES * gpus;
  return roundTenth(0.7 * (networkGbps / 8 / gpus) * ((2 * (ranks - 1)) / ranks));
}

const roundTenth = (n: number) => Math.round(n * 10) / 10;

export function ncclBusBandwidthFloorGBps(t: InstanceType): number | undefined {
  if (!t.gpu || t.efaInterfaces === 0) return undefined;
  const measured = MEASURED_TWO_NODE_BUSBW_GBPS[t.name];
  return measured !== undefined ? roundTenth(0.7 * measured) : ringBusBandwidthFloorGBps(t.networkGbps, t.gpu.count);
}

/** Every catalog type that supports EFA: the EFA device plugin's node affinity is built from this. */
export function efaCapableInstanceTypes(): string[] {
  return [...CATALOG.values()].filter(supportsEfa).map((t) => t.name);
}
