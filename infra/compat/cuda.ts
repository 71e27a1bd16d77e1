/**
 * CUDA facts (pure): each release's minimum driver, the per-major minor-version compatibility
 * floor, and which GPU architectures each release can target. Releases newer than the table are
 * judged by their major's floor alone (unknown-newer rules in alignment.ts).
 */
import { GpuArch } from "../catalog/gpus";
import { compareVersions, truncateVersion } from "./version";

export interface CudaRelease {
  /** major.minor */
  readonly version: string;
  /** Minimum Linux x86_64 driver of the GA release for full compatibility. */
  readonly minDriver: string;
}

// docs.nvidia.com/cuda/archive/13.2.2/cuda-toolkit-release-notes, Table 3 "CUDA Toolkit and
// Corresponding Driver Versions" (Toolkit Driver Version, Linux x86_64, GA releases); 10.2.89 from the
// same table's older rows; 13.3 GA (>= 610.43.02) from the 13.3 release notes' table as quoted in
// several public repositories. 13.4 (its developer preview needs the unbundled R616 driver) and 13.5
// exist, but their GA driver minimum could not be read here: they are judged as newer than the table.
export const CUDA_RELEASES: readonly CudaRelease[] = [
  { version: "10.2", minDriver: "440.33" },
  { version: "11.0", minDriver: "450.51.05" },
  { version: "11.1", minDriver: "455.23" },
  { version: "11.2", minDriver: "460.27.03" },
  { version: "11.3", minDriver: "465.19.01" },
  { version: "11.4", minDriver: "470.42.01" },
  { version: "11.5", minDriver: "495.29.05" },
  { version: "11.6", minDriver: "510.39.01" },
  { version: "11.7", minDriver: "515.43.04" },
  { version: "11.8", minDriver: "520.61.05" },
  { version: "12.0", minDriver: "525.60.13" },
  { version: "12.1", minDriver: "530.30.02" },
  { version: "12.2", minDriver: "535.54.03" },
  { version: "12.3", minDriver: "545.23.06" },
  { version: "12.4", minDriver: "550.54.14" },
  { version: "12.5", minDriver: "555.42.02" },
  { version: "12.6", minDriver: "560.28.03" },
  { version: "12.8", minDriver: "570.26" },
  { version: "12.9", minDriver: "575.51.03" },
  { version: "13.0", minDriver: "580.65.06" },
  { version: "13.1", minDriver: "590.44.01" },
  { version: "13.2", minDriver: "595.45.04" },
  { version: "13.3", minDriver: "610.43.02" },
];

// Minor-version compatibility: an application built with any 11.x/12.x/13.x toolkit runs on a
// driver at or above its major's floor, without JIT of newer PTX (docs.nvidia.com/deploy/
// cuda-compatibility, "Minor Version Compatibility"; same release notes, Table 2). CUDA 10.x has no
// such floor: each 10.x release needs its own minimum.
export const MINOR_VERSION_FLOOR: Readonly<Record<number, string>> = {
  11: "450.80.02",
  12: "525.60.13",
  13: "580",
};

export interface ArchCudaSupport {
  /** First CUDA release that can target the architecture. */
  readonly first: string;
  /** First CUDA release that no longer can (absent: still supported). */
  readonly droppedIn?: string;
}

export const ARCH_CUDA_SUPPORT: Readonly<Record<GpuArch, ArchCudaSupport>> = {
  sm70: { first: "9.0", droppedIn: "13.0" }, // CUDA 13.0 release notes §"Deprecated Architectures": Maxwell, Pascal, Volta removed
  sm80: { first: "11.0" }, // CUDA 11.0 introduced Ampere GA100 (LLVM D77670: SM_80 → CUDA 11.0)
  sm86: { first: "11.1" }, // CUDA 11.1 added sm_86 (LLVM D95974)
  sm89: { first: "11.8" }, // CUDA 11.8 added Ada and Hopper targets (CUDA 11.8 release notes)
  sm90: { first: "11.8" }, // same
  sm100: { first: "12.8" }, // NVIDIA Blackwell compatibility guide: build with CUDA 12.8
};

export function findCudaRelease(version: string): CudaRelease | undefined {
  const minor = truncateVersion(version, 2);
  return CUDA_RELEASES.find((r) => compareVersions(r.version, minor) === 0);
}

export const newestCuda = () => CUDA_RELEASES[CUDA_RELEASES.length - 1].version;
export const oldestCuda = () => CUDA_RELEASES[0].version;

export function cudaMajor(version: string): number {
  return Number(truncateVersion(version, 1));
}

export function cudaSupportsArch(cuda: string, arch: GpuArch): boolean {
  const support = ARCH_CUDA_SUPPORT[arch];
  return compareVersions(cuda, support.first) >= 0 && (support.droppedIn === undefined || compareVersions(cuda, support.droppedIn) < 0);
}
