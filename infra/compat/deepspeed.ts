/**
 * DeepSpeed ↔ PyTorch facts (pure). DeepSpeed declares no upper bound on torch, so the ranges below
 * are what its CI ran (advice when outside: `untested`); only documented breakages refuse a stack.
 */
import { FactKind } from "./findings";
import { compareVersions, truncateVersion, versionInRange } from "./version";

export interface DeepspeedReleases {
  /** First and last DeepSpeed release (patch versions) this row covers. */
  readonly first: string;
  readonly last: string;
  /** Oldest and newest PyTorch minor its GPU CI ran during these releases. */
  readonly testedTorch: readonly [oldest: string, newest: string];
}

// deepspeedai/DeepSpeed at each release tag: the `--torch_ver` every GPU workflow asserts and the
// torch it pins (.github/workflows/*.yml, ci/torch_latest.py; e.g. nv-torch110-v100.yml ran 1.10 from
// 0.10.1 to 0.16.4, nv-transformers-v100.yml 1.13 until 0.14.5 and 2.0.1 since). A newest torch here
// is the newest any GPU job of those tags asserted:
// - 0.14.2's 2.2 ceiling was #5454's pin (2024-04-23), removed six days later by #5459; 0.14.3/0.14.4
//   asserted 2.3 and 0.14.5 asserted 2.4 (nv-torch-latest-v100.yml).
// - 0.16.8 reached 2.7 (nv-torch-latest / cpu-torch-latest, #7241); 0.18.5 reached 2.9 (modal CI,
//   #7816); 0.19.0 runs presets 2.7–2.11 (aws-torch-latest-full.yml, ci/torch_latest.py; #8016).
export const DEEPSPEED_RELEASES: readonly DeepspeedReleases[] = [
  { first: "0.7.0", last: "0.7.2", testedTorch: ["1.2", "1.12"] }, // nv-torch12-p40 ran 1.2 until 0.7.2
  { first: "0.7.3", last: "0.7.4", testedTorch: ["1.8", "1.12"] },
  { first: "0.7.5", last: "0.8.3", testedTorch: ["1.8", "1.13"] },
  { first: "0.9.0", last: "0.10.0", testedTorch: ["1.9", "2.0"] },
  { first: "0.10.1", last: "0.10.3", testedTorch: ["1.10", "2.0"] },
  { first: "0.11.0", last: "0.13.1", testedTorch: ["1.10", "2.1"] },
  { first: "0.13.2", last: "0.14.1", testedTorch: ["1.10", "2.2"] },
  { first: "0.14.2", last: "0.14.4", testedTorch: ["1.10", "2.3"] },
  { first: "0.14.5", last: "0.15.2", testedTorch: ["1.10", "2.4"] },
  { first: "0.15.3", last: "0.16.3", testedTorch: ["1.10", "2.5"] },
  { first: "0.16.4", last: "0.16.4", testedTorch: ["1.10", "2.6"] },
  { first: "0.16.5", last: "0.16.7", testedTorch: ["2.0", "2.6"] },
  { first: "0.16.8", last: "0.18.4", testedTorch: ["2.0", "2.7"] },
  { first: "0.18.5", last: "0.18.9", testedTorch: ["2.0", "2.9"] },
  { first: "0.19.0", last: "0.19.5", testedTorch: ["2.0", "2.11"] },
];

export interface DeepspeedBreakage {
  readonly first: string;
  readonly last: string;
  /** Torch minors the breakage applies to: [from, to] inclusive, open-ended when `to` is absent. */
  readonly torchFrom?: string;
  readonly torchTo?: string;
  readonly kind: Extract<FactKind, "broken">;
  readonly why: string;
}

export const DEEPSPEED_BREAKAGES: readonly DeepspeedBreakage[] = [
  // deepspeed/runtime/utils.py, zero/stage3.py, zero/stage_1_and_2.py import `from torch._six import
  // inf` unguarded through v0.8.1; PyTorch 2.0 removed torch._six. #2863 guarded it (first in v0.8.2).
  { first: "0.7.0", last: "0.8.1", torchFrom: "2.0", kind: "broken", why: "imports torch._six, which PyTorch 2.0 removed (fixed in DeepSpeed 0.8.2, #2863)" },
  // requirements/requirements.txt says `torch>=2.0.0` from v0.19.1 (plain `torch` before): pip refuses older torch.
  { first: "0.19.1", last: "0.19.5", torchTo: "1.13", kind: "broken", why: "requires torch>=2.0.0 (requirements/requirements.txt since 0.19.1)" },
];

export const findDeepspeedReleases = (version: string) => DEEPSPEED_RELEASES.find((r) => versionInRange(version, r.first, r.last));
export const newestDeepspeed = () => DEEPSPEED_RELEASES[DEEPSPEED_RELEASES.length - 1].last;
export const oldestDeepspeed = () => DEEPSPEED_RELEASES[0].first;

export function deepspeedBreakage(deepspeed: string, torch: string): DeepspeedBreakage | undefined {
  const minor = truncateVersion(torch, 2);
  return DEEPSPEED_BREAKAGES.find(
    (b) =>
      versionInRange(deepspeed, b.first, b.last) &&
      (b.torchFrom === undefined || compareVersions(minor, b.torchFrom) >= 0) &&
      (b.torchTo === undefined || compareVersions(minor, b.torchTo) <= 0),
  );
}

export function deepspeedTestedWith(releases: DeepspeedReleases, torch: string): boolean {
  const minor = truncateVersion(torch, 2);
  return compareVersions(minor, releases.testedTorch[0]) >= 0 && compareVersions(minor, releases.testedTorch[1]) <= 0;
}


/** The row nearest to `from` (fewest rows away, the newer on a tie) whose CI ran `torch` and that is not known to break with it. */
export function nearestTestedDeepspeed(from: DeepspeedReleases | undefined, torch: string): DeepspeedReleases | undefined {
  const at = from ? DEEPSPEED_RELEASES.indexOf(from) : DEEPSPEED_RELEASES.length;
  return DEEPSPEED_RELEASES.map((r, i) => ({ r, i }))
    .filter(({ r }) => deepspeedTestedWith(r, torch) && !deepspeedBreakage(r.last, torch))
    .sort((a, b) => Math.abs(a.i - at) - Math.abs(b.i - at) || b.i - a.i)[0]?.r;
}
