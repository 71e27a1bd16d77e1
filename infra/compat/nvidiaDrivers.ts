/**
 * NVIDIA data-center driver branches (pure): kind (long-term support, production, new feature),
 * end of life, and the last branch of each GPU architecture. Which parts a driver knows lives in
 * gpuParts.ts; which CUDA releases it runs, in cuda.ts.
 */
import { GpuArch } from "../catalog/gpus";
import { truncateVersion } from "./version";

/** NVIDIA's designations: Long Term Support Branch, Production Branch, New Feature Branch. */
export type BranchKind = "LTSB" | "PB" | "NFB";

export interface DriverBranch {
  readonly branch: number;
  readonly kind: BranchKind;
  /**
   * Last month of support ("2026-06"), when known. NVIDIA lists NFBs without one ("short-lived, no
   * end-of-life date"); they are treated as unmaintained once a newer branch exists.
   */
  readonly eol?: string;
  /** `published`: read from NVIDIA's table; `derived`: release month + the lifecycle policy's term. */
  readonly eolSource?: "published" | "derived";
}

// Published EOL dates: docs.nvidia.com/datacenter/tesla/drivers/620/supported-drivers-and-cuda-toolkit-versions.html
// (R580 LTSB June 2028, R595 PB March 2027, R620 LTSB September 2029; "Only Long Term Support and
// Production branches are listed"), the same page of the 615 docs (R535 LTSB June 2026, R610 NFB
// August 2026) and NVIDIA_CUDA_Drivers_Support.pdf RN-08625-001 v02 (R418 LTSB March 2022, R440 NFB
// November 2020, R450 LTSB July 2023, R455 evaluation branch, R460 PB January 2022).
// Derived EOL dates: NVIDIA's lifecycle gives a PB one year and an LTSB three years from the branch's
// first release (Driver Lifecycle section of the same docs); these were not read from a table.
export const DRIVER_BRANCHES: readonly DriverBranch[] = [
  { branch: 418, kind: "LTSB", eol: "2022-03", eolSource: "published" },
  { branch: 440, kind: "NFB", eol: "2020-11", eolSource: "published" },
  { branch: 450, kind: "LTSB", eol: "2023-07", eolSource: "published" },
  { branch: 455, kind: "NFB" },
  { branch: 460, kind: "PB", eol: "2022-01", eolSource: "published" },
  { branch: 465, kind: "NFB" },
  { branch: 470, kind: "LTSB", eol: "2024-07", eolSource: "derived" }, // first release 470.42.01, June 2021
  { branch: 495, kind: "NFB" },
  { branch: 510, kind: "PB", eol: "2023-01", eolSource: "derived" }, // 510.39.01, January 2022
  { branch: 515, kind: "PB", eol: "2023-05", eolSource: "derived" }, // 515.43.04, May 2022
  { branch: 520, kind: "NFB" },
  { branch: 525, kind: "PB", eol: "2023-11", eolSource: "derived" }, // 525.60.13, November 2022
  { branch: 530, kind: "NFB" },
  { branch: 535, kind: "LTSB", eol: "2026-06", eolSource: "published" },
  { branch: 545, kind: "NFB" },
  { branch: 550, kind: "PB", eol: "2025-02", eolSource: "derived" }, // 550.54.14, February 2024
  { branch: 555, kind: "NFB" },
  { branch: 560, kind: "NFB" },
  { branch: 565, kind: "NFB" },
  { branch: 570, kind: "PB", eol: "2026-02", eolSource: "derived" }, // 570.86.15, January–February 2025
  { branch: 575, kind: "NFB" },
  { branch: 580, kind: "LTSB", eol: "2028-06", eolSource: "published" },
  { branch: 590, kind: "NFB" },
  { branch: 595, kind: "PB", eol: "2027-03", eolSource: "published" },
  { branch: 610, kind: "NFB", eol: "2026-08", eolSource: "published" },
  // Not among the 620 docs' LTSB/PB columns, so a new-feature branch.
  { branch: 615, kind: "NFB" },
  { branch: 620, kind: "LTSB", eol: "2029-09", eolSource: "published" },
];

/** The last branch that still drives an architecture (absent: every known branch since). */
export const ARCH_LAST_BRANCH: Partial<Readonly<Record<GpuArch, number>>> = {
  // CUDA 13.0 release notes, "Deprecated Architectures": Maxwell, Pascal and Volta are removed; the
  // data-center driver docs' "CUDA Toolkit, Driver, and Architecture Matrix" ends them at R580.
  sm70: 580,
};

export function driverBranch(driverVersion: string): number {
  return Number(truncateVersion(driverVersion, 1));
}

export const newestBranch = () => DRIVER_BRANCHES[DRIVER_BRANCHES.length - 1].branch;
export const oldestBranch = () => DRIVER_BRANCHES[0].branch;
export const findBranch = (driverVersion: string) => DRIVER_BRANCHES.find((b) => b.branch === driverBranch(driverVersion));

const BRANCH_KIND_NAMES: Readonly<Record<BranchKind, string>> = { LTSB: "long-term support branch", PB: "production branch", NFB: "new feature branch" };
export const branchKindName = (kind: BranchKind) => BRANCH_KIND_NAMES[kind];

/** The first day after the EOL month: from then on the branch gets no fixes. */
function eolEnd(eol: string): Date {
  const [year, month] = eol.split("-").map(Number);
  return new Date(Date.UTC(year, month, 1)); // month is 1-based, so this is the next month's first day
}

/** Why a branch gets no (security) fixes at `today`, or undefined while it is maintained. */
export function branchLifecycleProblem(branch: DriverBranch, today: Date): string | undefined {
  if (branch.eol) {
    if (today.getTime() < eolEnd(branch.eol).getTime()) return undefined;
    const how = branch.eolSource === "derived" ? "derived from NVIDIA's lifecycle policy" : "NVIDIA data-center driver lifecycle";
    return `driver branch R${branch.branch} (${branchKindName(branch.kind)}) reached end of life in ${branch.eol} (${how}): no security fixes since`;
  }
  const successor = DRIVER_BRANCHES.find((b) => b.branch > branch.branch);
  if (branch.kind === "NFB" && successor) {
    return `driver branch R${branch.branch} is a short-lived new feature branch without an end-of-life date, superseded by R${successor.branch}: no fixes are promised`;
  }
  return undefined;
}

/** Maintained LTSB / PB branches at `today`, newest first: what an end-of-life advisory points to. */
export function maintainedBranches(today: Date): DriverBranch[] {
  return DRIVER_BRANCHES.filter((b) => b.kind !== "NFB" && b.eol && today.getTime() < eolEnd(b.eol).getTime()).reverse();
}
