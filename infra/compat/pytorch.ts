/**
 * PyTorch facts (pure): the official CUDA wheel variants of each release and the compute
 * capabilities each wheel is built for. A release newer than the table is judged only by the rules
 * known by number (its CUDA's driver floor); a known release's wheel list is complete.
 */
import { GpuArch } from "../catalog/gpus";
import { compareVersions, truncateVersion } from "./version";

export interface WheelVariant {
  /** CUDA major.minor of the wheel (cuXYZ). */
  readonly cuda: string;
  /** Compute capabilities with SASS in the wheel (TORCH_CUDA_ARCH_LIST). */
  readonly sass: readonly string[];
  /** Compute capability whose PTX is embedded (JIT-compiled on newer GPUs), if any. */
  readonly ptx?: string;
}

export interface PytorchRelease {
  /** major.minor */
  readonly version: string;
  /** Newest patch release known, used only when suggesting a version. */
  readonly latestPatch: string;
  readonly wheels: readonly WheelVariant[];
}

// TORCH_CUDA_ARCH_LIST of the official Linux x86_64 wheels: pytorch/builder manywheel/build_cuda.sh
// (1.13–2.0), pytorch/pytorch .ci/manywheel/build_cuda.sh (2.1+); 1.12's lists measured from its
// conda packages (moi90/pytorch_compute_capabilities). cu128 dropped sm_70 in 2.7 (pytorch#147607),
// restored it for 2.8–2.10 (pytorch#157517, #160269) and dropped it again in 2.11 (pytorch#175253).
const ARCHS = {
  cu102: ["3.7", "5.0", "6.0", "6.1", "7.0", "7.5"],
  cu11: ["3.7", "5.0", "6.0", "6.1", "7.0", "7.5", "8.0", "8.6"],
  cu118: ["3.7", "5.0", "6.0", "7.0", "7.5", "8.0", "8.6", "9.0"],
  cu12: ["5.0", "6.0", "7.0", "7.5", "8.0", "8.6", "9.0"],
  cu128NoVolta: ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"],
  cu128: ["7.0", "7.5", "8.0", "8.6", "9.0", "10.0", "12.0"],
  cu13: ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"],
} as const;
const wheel = (cuda: string, sass: readonly string[], ptx?: string): WheelVariant => ({ cuda, sass, ...(ptx ? { ptx } : {}) });

// Variants: pytorch/pytorch RELEASE.md "Release Compatibility Matrix" (stable + experimental CUDA),
// read in its 2.14 revision (2.14: CUDA 12.6, 13.0, 13.2 stable; 2.13 and 2.12: 12.6, 13.0 stable,
// 13.2 experimental); the same file's "PyTorch CUDA Support Matrix" gives the 2.12–2.14 arch lists
// (12.6.3: 5.0–9.0 with Volta; 13.0.2 / 13.2.1: 7.5–10.0, 12.0+PTX). Latest patches: the file's
// release cadence table (2.12.1 in June 2026; 2.13 and 2.14 patches not yet confirmed).
export const PYTORCH_RELEASES: readonly PytorchRelease[] = [
  { version: "1.12", latestPatch: "1.12.1", wheels: [wheel("10.2", ARCHS.cu102), wheel("11.3", ARCHS.cu11), wheel("11.6", ARCHS.cu11)] },
  { version: "1.13", latestPatch: "1.13.1", wheels: [wheel("11.6", ARCHS.cu11), wheel("11.7", ARCHS.cu11)] },
  { version: "2.0", latestPatch: "2.0.1", wheels: [wheel("11.7", ARCHS.cu11), wheel("11.8", ARCHS.cu118)] },
  { version: "2.1", latestPatch: "2.1.2", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.1", ARCHS.cu12)] },
  { version: "2.2", latestPatch: "2.2.2", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.1", ARCHS.cu12)] },
  { version: "2.3", latestPatch: "2.3.1", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.1", ARCHS.cu12)] },
  { version: "2.4", latestPatch: "2.4.1", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.1", ARCHS.cu12), wheel("12.4", ARCHS.cu12)] },
  { version: "2.5", latestPatch: "2.5.1", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.1", ARCHS.cu12), wheel("12.4", ARCHS.cu12)] },
  { version: "2.6", latestPatch: "2.6.0", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.4", ARCHS.cu12), wheel("12.6", ARCHS.cu12)] },
  { version: "2.7", latestPatch: "2.7.1", wheels: [wheel("11.8", ARCHS.cu118), wheel("12.6", ARCHS.cu12), wheel("12.8", ARCHS.cu128NoVolta)] },
  { version: "2.8", latestPatch: "2.8.0", wheels: [wheel("12.6", ARCHS.cu12), wheel("12.8", ARCHS.cu128), wheel("12.9", ARCHS.cu128, "12.0")] },
  { version: "2.9", latestPatch: "2.9.1", wheels: [wheel("12.6", ARCHS.cu12), wheel("12.8", ARCHS.cu128), wheel("13.0", ARCHS.cu13, "12.0")] },
  { version: "2.10", latestPatch: "2.10.0", wheels: [wheel("12.6", ARCHS.cu12), wheel("12.8", ARCHS.cu128), wheel("13.0", ARCHS.cu13, "12.0")] },
  { version: "2.11", latestPatch: "2.11.0", wheels: [wheel("12.6", ARCHS.cu12), wheel("12.8", ARCHS.cu128NoVolta), wheel("13.0", ARCHS.cu13, "12.0")] },
  { version: "2.12", latestPatch: "2.12.1", wheels: [wheel("12.6", ARCHS.cu12), wheel("13.0", ARCHS.cu13, "12.0"), wheel("13.2", ARCHS.cu13, "12.0")] },
  { version: "2.13", latestPatch: "2.13.0", wheels: [wheel("12.6", ARCHS.cu12), wheel("13.0", ARCHS.cu13, "12.0"), wheel("13.2", ARCHS.cu13, "12.0")] },
  { version: "2.14", latestPatch: "2.14.0", wheels: [wheel("12.6", ARCHS.cu12), wheel("13.0", ARCHS.cu13, "12.0"), wheel("13.2", ARCHS.cu13, "12.0")] },
];

const byMinor = <T extends { version: string }>(list: readonly T[], version: string) =>
  list.find((r) => compareVersions(r.version, truncateVersion(version, 2)) === 0);

export const findPytorchRelease = (version: string) => byMinor(PYTORCH_RELEASES, version);
export const newestPytorch = () => PYTORCH_RELEASES[PYTORCH_RELEASES.length - 1];

export function findWheel(release: PytorchRelease, cuda: string): WheelVariant | undefined {
  return release.wheels.find((w) => compareVersions(w.cuda, truncateVersion(cuda, 2)) === 0);
}

/** "sm90" → "9.0"; "sm100" → "10.0". */
export function archCapability(arch: GpuArch): string {
  const digits = arch.slice(2);
  return `${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

/**
 * Whether a wheel runs on an architecture: SASS of the same major and an equal or lower minor runs
 * (binary compatibility within a major), or embedded PTX of an equal or lower capability JIT-compiles.
 */
export function wheelSupportsArch(w: WheelVariant, arch: GpuArch): boolean {
  const [major, minor] = archCapability(arch).split(".").map(Number);
  const sassFits = w.sass.some((cc) => {
    const [m, n] = cc.split(".").map(Number);
    return m === major && n <= minor;
  });
  return sassFits || (w.ptx !== undefined && compareVersions(w.ptx, archCapability(arch)) <= 0);
}
