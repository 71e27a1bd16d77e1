/**
 * GPU software alignment: the verdict (rules.ts) and, when a stack is refused, the nearest working
 * stack (suggest.ts). Policies, the plan and later the inference endpoints call this.
 */
import { GpuModelName } from "../catalog/gpus";
import { AlignedStack, AlignmentFinding, alignmentFindings, AlignmentOptions } from "./rules";
import { suggestStack, Suggestion } from "./suggest";

export type { AlignedStack, AlignmentFinding, AlignmentOptions, AlignmentRule } from "./rules";
export type { StackChange, Suggestion } from "./suggest";
export { alignmentFindings } from "./rules";
export { suggestStack } from "./suggest";

export interface AlignmentResult {
  readonly findings: readonly AlignmentFinding[];
  /** The nearest stack without `broken` findings, when this one has some and one exists. */
  readonly suggestion?: Suggestion;
}

export function checkAlignment(model: GpuModelName, stack: AlignedStack, options: AlignmentOptions = {}): AlignmentResult {
  const findings = alignmentFindings(model, stack, options);
  if (!findings.some((f) => f.kind === "broken")) return { findings };
  const suggestion = suggestStack(model, stack, options);
  return { findings, ...(suggestion ? { suggestion } : {}) };
}
