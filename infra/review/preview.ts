/**
 * Reads a real `pulumi preview --json` so CI with credentials applies the same data-loss guard as
 * the offline diff. The document is the engine's PreviewDigest (pulumi/pulumi
 * sdk/go/common/display/json.go): `{ steps: [{ op, urn, oldState?, newState?, diffReasons?,
 * replaceReasons?, detailedDiff }], changeSummary, diagnostics }`, states being apitype.ResourceV3
 * (`type`, `inputs`, `protect`, …). Step ops are deploy.StepOp labels (pkg/resource/deploy/step.go):
 * a replacement shows as `replace` with `create-replacement` and `delete-replaced` around it.
 */
import { ResourceChange } from "./dataLoss";
import { replacementTable, rulesFor } from "./replacement";

interface PreviewState {
  readonly type?: string;
  readonly inputs?: Record<string, unknown>;
  readonly protect?: boolean;
}

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: PreviewState;
  readonly newState?: PreviewState;
  readonly replaceReasons?: readonly string[];
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "read-replacement", "import-replacement"]);
const DELETE_OPS = new Set(["delete"]);

export class PreviewFormatError extends Error {}

/** `urn:pulumi:stack::project::parent$type::name` → type and name. */
function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: (parts[parts.length - 2] ?? "").split("$").pop() ?? "", name: parts[parts.length - 1] ?? urn };
}

/** The replaced and deleted resources of a preview, one per URN, with the engine's replace reasons. */
export function previewChanges(json: unknown): ResourceChange[] {
  if (json === null || typeof json !== "object" || !("steps" in json || "changeSummary" in json)) {
    throw new PreviewFormatError("is not the output of `pulumi preview --json` (no steps or changeSummary)");
  }
  const steps = ((json as { steps?: unknown }).steps ?? []) as PreviewStep[];
  if (!Array.isArray(steps)) throw new PreviewFormatError("has `steps` that is not a list");
  const changes = new Map<string, ResourceChange>();
  for (const step of steps) {
    const replace = REPLACE_OPS.has(step.op);
    if (!replace && !DELETE_OPS.has(step.op)) continue;
    const known = changes.get(step.urn);
    const { type: urnType, name } = typeAndName(step.urn);
    const type = step.oldState?.type ?? step.newState?.type ?? urnType;
    const reasons = [...(known?.reasons ?? []), ...(step.replaceReasons ?? []).map((path) => ({ path, ...sourceFor(type, path) }))];
    const unique = reasons.filter((r, i) => reasons.findIndex((o) => o.path === r.path) === i);
    changes.set(step.urn, {
      urn: step.urn,
      type,
      name,
      op: replace || known?.op === "replace" ? "replace" : "delete",
      reasons: unique,
      inputs: step.oldState?.inputs ?? known?.inputs ?? {},
      protect: step.oldState?.protect ?? known?.protect ?? false,
    });
  }
  return [...changes.values()];
}

/** The table's source for a replace reason the engine gave, when the table knows it. */
function sourceFor(type: string, path: string): { source?: string } {
  return rulesFor(type, path).length > 0 ? { source: replacementTable(type)!.source } : {};
}
