/**
 * NVIDIA data-center driver branches (pure): which GPU generations each supports, and which
 * branches the pinned GPU operator validates.
 */
import { GpuArch, GpuModelName } from "../catalog/gpus";
import { compareVersions, truncateVersion } from "./version";

export interface DriverBranch {
  readonly branch: number;
  readonly kind: "LTSB" | "production" | "new feature";
}

// docs.nvidia.com/datacenter/tesla/drivers (supported drivers and CUDA toolkit versions; driver
// lifecycle), R450 through the newest branch the pinned GPU operator lists (R610).
export const DRIVER_BRANCHES: readonly DriverBranch[] = [
  { branch: 450, kind: "LTSB" },
  { branch: 455, kind: "new feature" },
  { branch: 460, kind: "production" },
  { branch: 465, kind: "new feature" },
  { branch: 470, kind: "LTSB" },
  { branch: 495, kind: "new feature" },
  { branch: 510, kind: "production" },
  { branch: 515, kind: "production" },
  { branch: 520, kind: "new feature" },
  { branch: 525, kind: "production" },
  { branch: 530, kind: "new feature" },
  { branch: 535, kind: "LTSB" },
  { branch: 545, kind: "new feature" },
  { branch: 550, kind: "production" },
  { branch: 555, kind: "new feature" },
  { branch: 560, kind: "new feature" },
  { branch: 565, kind: "new feature" },
  { branch: 570, kind: "production" },
  { branch: 575, kind: "new feature" },
  { branch: 580, kind: "LTSB" },
  { branch: 590, kind: "new feature" },
  { branch: 595, kind: "production" },
  { branch: 610, kind: "new feature" },
];

export interface ArchDriverSupport {
  /** First driver that supports the architecture (the driver of its first CUDA release). */
  readonly minDriver: string;
  /** Last branch that supports it (absent: every known branch since). */
  readonly lastBranch?: number;
}

export const ARCH_DRIVER_SUPPORT: Readonly<Record<GpuArch, ArchDriverSupport>> = {
  // NVIDIA's CUDA toolkit / driver / architecture matrix: R580 is the last branch for Maxwell, Pascal, Volta.
  sm70: { minDriver: "384.81", lastBranch: 580 },
  sm80: { minDriver: "450.51.05" }, // CUDA 11.0 GA driver
  sm86: { minDriver: "455.23" }, // CUDA 11.1 GA driver
  sm89: { minDriver: "520.61.05" }, // CUDA 11.8 GA driver
  sm90: { minDriver: "520.61.05" }, // CUDA 11.8 GA driver (GPU Operator 22.9.0 validated H100 on 520.61.05)
  sm100: { minDriver: "570.26" }, // CUDA 12.8 GA driver
};

/** Parts that need a newer driver than their architecture's first (new device ids, new boards). */
export const MODEL_MIN_DRIVER: Partial<Readonly<Record<GpuModelName, string>>> = {
  H200: "550.54.14", // H200 shipped with the R550 / CUDA 12.4 generation
  B200: "570.133.20", // NVIDIA cloud-native docs: HGX B200 requires ≥ 570.133.20
};

export function driverBranch(driverVersion: string): number {
  return Number(truncateVersion(driverVersion, 1));
}

export const newestBranch = () => DRIVER_BRANCHES[DRIVER_BRANCHES.length - 1].branch;

/** Why a driver cannot run a GPU, or undefined when it can. */
export function driverGpuProblem(driverVersion: string, model: GpuModelName, arch: GpuArch): string | undefined {
  const support = ARCH_DRIVER_SUPPORT[arch];
  const modelMin = MODEL_MIN_DRIVER[model];
  const min = modelMin && compareVersions(modelMin, support.minDriver) > 0 ? modelMin : support.minDriver;
  if (compareVersions(driverVersion, min) < 0) return `driver ${driverVersion} predates ${model} (${arch}), which needs ≥ ${min}`;
  if (support.lastBranch !== undefined && driverBranch(driverVersion) > support.lastBranch) {
    return `driver branch R${driverBranch(driverVersion)} no longer supports ${arch} (R${support.lastBranch} is the last)`;
  }
  return undefined;
}
