/**
 * GPU parts (pure): the PCI device each catalog GPU is, and the first driver that lists that
 * device. Drivers add devices part by part, not architecture by architecture: H100 PCIe is listed
 * from 520.56.06, H100 SXM5 only from 525.85.05.
 */
import { GPU_MODELS, GpuArch, GpuModelName } from "../catalog/gpus";

export interface GpuPart {
  /** PCI device id (vendor 10DE), as the driver README's "supported GPUs" table spells it. */
  readonly pciDeviceId: string;
  /** Board name in that table. */
  readonly board: string;
  readonly arch: GpuArch;
  /** First public data-center driver whose supported-device list has the device. */
  readonly firstDriver: string;
  /** false: the part predates the per-driver lists we could read; firstDriver is its architecture's floor. */
  readonly firstDriverConfirmed: boolean;
  /** A board-level requirement newer than the device listing that we could not re-read (advice only). */
  readonly boardDriver?: { readonly version: string; readonly source: string };
}

// Device listings: NVIDIA/open-gpu-kernel-modules README.md "Compatible GPUs" table, first release
// tag that lists the device id, skipping the vGPU-only tags 525.47.x, 535.43.x and 550.40.1x–8x
// (the proprietary driver's README Appendix A lists the same devices). The README's first table is
// at 515.48.07, so parts shipped before it get their architecture's first driver, unconfirmed.
export const GPU_PARTS: Readonly<Record<string, GpuPart>> = {
  "1DB1": { pciDeviceId: "1DB1", board: "Tesla V100-SXM2-16GB", arch: "sm70", firstDriver: "384.81", firstDriverConfirmed: false }, // Volta's first: CUDA 9.0 GA driver
  "1DB5": { pciDeviceId: "1DB5", board: "Tesla V100-SXM2-32GB", arch: "sm70", firstDriver: "384.81", firstDriverConfirmed: false },
  "2237": { pciDeviceId: "2237", board: "NVIDIA A10G", arch: "sm86", firstDriver: "455.23", firstDriverConfirmed: false }, // GA10x: CUDA 11.1 GA driver (sm_86 arrived with 11.1)
  "20B0": { pciDeviceId: "20B0", board: "NVIDIA A100-SXM4-40GB", arch: "sm80", firstDriver: "450.51.05", firstDriverConfirmed: false }, // GA100: CUDA 11.0 GA driver
  "20B2": { pciDeviceId: "20B2", board: "NVIDIA A100-SXM4-80GB", arch: "sm80", firstDriver: "450.51.05", firstDriverConfirmed: false },
  "20F3": { pciDeviceId: "20F3", board: "NVIDIA A800-SXM4-80GB", arch: "sm80", firstDriver: "515.86.01", firstDriverConfirmed: true },
  "26B9": { pciDeviceId: "26B9", board: "NVIDIA L40S", arch: "sm89", firstDriver: "535.104.05", firstDriverConfirmed: true },
  "2331": { pciDeviceId: "2331", board: "NVIDIA H100 PCIe", arch: "sm90", firstDriver: "520.56.06", firstDriverConfirmed: true },
  "2330": { pciDeviceId: "2330", board: "NVIDIA H100 80GB HBM3 (SXM5)", arch: "sm90", firstDriver: "525.85.05", firstDriverConfirmed: true },
  "2324": { pciDeviceId: "2324", board: "NVIDIA H800 (SXM5)", arch: "sm90", firstDriver: "525.105.17", firstDriverConfirmed: true },
  "2335": { pciDeviceId: "2335", board: "NVIDIA H200 (SXM)", arch: "sm90", firstDriver: "550.90.07", firstDriverConfirmed: true },
  "2901": {
    pciDeviceId: "2901",
    board: "NVIDIA B200",
    arch: "sm100",
    firstDriver: "570.86.15",
    firstDriverConfirmed: true,
    // Cited by the previous matrix, not re-read here: so a driver between the listing and this is advised, not refused.
    boardDriver: { version: "570.133.20", source: "NVIDIA cloud-native docs: HGX B200 systems require ≥ 570.133.20" },
  },
};

/**
 * The part each catalog GPU is. AWS pools name it through the instance type (p3 → V100-16GB, p3dn →
 * V100, g5 → A10G, p4d → A100-40GB, p4de → A100, g6e → L40S, p5 → H100, p5e/p5en → H200, p6-b200 →
 * B200: aws.amazon.com/ec2/instance-types); on-prem pools by the catalog name, which assumes the SXM
 * part (an H100 PCIe server is the 2331 part above and would need its own catalog entry).
 */
export const CATALOG_PART: Readonly<Record<GpuModelName, string>> = {
  V100: "1DB5",
  "V100-16GB": "1DB1",
  A10G: "2237",
  A100: "20B2",
  "A100-40GB": "20B0",
  A800: "20F3",
  L40S: "26B9",
  H100: "2330",
  H800: "2324",
  H200: "2335",
  B200: "2901",
};

export function partOf(model: GpuModelName): GpuPart {
  const part = GPU_PARTS[CATALOG_PART[model]];
  if (part.arch !== GPU_MODELS[model].arch) throw new Error(`GPU part ${part.pciDeviceId} is ${part.arch}, but catalog GPU ${model} is ${GPU_MODELS[model].arch}`);
  return part;
}
