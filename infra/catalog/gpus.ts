/**
 * GPU models the platform knows: architecture (CUDA compute capability) and memory per GPU.
 * Pure data; the instance catalog, the compatibility matrix and the on-prem pools read it.
 */

/** CUDA compute capability families the platform distinguishes. */
const GPU_ARCHS = ["sm70", "sm80", "sm86", "sm89", "sm90", "sm100"] as const;
export type GpuArch = (typeof GPU_ARCHS)[number];

export interface GpuModel {
  /** Marketing name as it appears in config and node labels, e.g. "H100". */
  readonly name: string;
  /** NVIDIA architecture generation. */
  readonly generation: "Volta" | "Ampere" | "Ada" | "Hopper" | "Blackwell";
  readonly arch: GpuArch;
  /** Memory of one GPU in GiB (the SKU the platform assumes where several exist). */
  readonly memoryGiB: number;
}

// Compute capabilities: developer.nvidia.com/cuda-gpus; memory: NVIDIA product data sheets.
export const GPU_MODELS = {
  V100: { name: "V100", generation: "Volta", arch: "sm70", memoryGiB: 32 }, // V100 SXM2 32 GB data sheet
  "V100-16GB": { name: "V100-16GB", generation: "Volta", arch: "sm70", memoryGiB: 16 }, // p3.* ship the 16 GB part (aws.amazon.com/ec2/instance-types/p3)
  A10G: { name: "A10G", generation: "Ampere", arch: "sm86", memoryGiB: 24 }, // aws.amazon.com/ec2/instance-types/g5
  A100: { name: "A100", generation: "Ampere", arch: "sm80", memoryGiB: 80 }, // A100 80 GB data sheet (on-prem default)
  "A100-40GB": { name: "A100-40GB", generation: "Ampere", arch: "sm80", memoryGiB: 40 }, // p4d.24xlarge (aws.amazon.com/ec2/instance-types/p4)
  A800: { name: "A800", generation: "Ampere", arch: "sm80", memoryGiB: 80 }, // A800 80 GB: A100 silicon with 400 GB/s NVLink (NVIDIA China data sheet)
  L40S: { name: "L40S", generation: "Ada", arch: "sm89", memoryGiB: 48 }, // L40S data sheet; g6e.*
  H100: { name: "H100", generation: "Hopper", arch: "sm90", memoryGiB: 80 }, // H100 SXM5 data sheet; p5.48xlarge
  H800: { name: "H800", generation: "Hopper", arch: "sm90", memoryGiB: 80 }, // H800 SXM5: H100 silicon, reduced NVLink (NVIDIA China data sheet)
  H200: { name: "H200", generation: "Hopper", arch: "sm90", memoryGiB: 141 }, // H200 data sheet; p5e/p5en.48xlarge
  B200: { name: "B200", generation: "Blackwell", arch: "sm100", memoryGiB: 179 }, // p6-b200.48xlarge: 1,440 GB HBM3e over 8 GPUs (aws.amazon.com/ec2/instance-types/p6)
} as const satisfies Record<string, GpuModel>;

export type GpuModelName = keyof typeof GPU_MODELS;

/** GPUs an on-prem (target `existing`) pool may declare: the data-centre parts a team buys. */
export const ONPREM_GPUS = ["V100", "A100", "A800", "H100", "H800", "H200", "L40S"] as const;
export type OnpremGpu = (typeof ONPREM_GPUS)[number];
