/**
 * What a change does to a stack: two plans of the same stack (the base commit's and the head's)
 * compared by URN — resources added, removed, replaced (and why) or updated (which inputs), the
 * monthly cost before → after per line and in total, the data-loss guard's findings, and the
 * deploy time before, after and of the change itself.
 */
import { MonthlyRange } from "../cost/model";
import { createDuration, CriticalPath, criticalPath } from "./criticalPath";
import { DataLossFinding, guard, ReplaceReason, ResourceChange } from "./dataLoss";
import { changedPaths, pathsOverlap, valuesAt } from "./paths";
import { isCustom, PlanDocument, PlanResource } from "./planDocument";
import { forcedChanges, replacementTable } from "./replacement";

export interface InputChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Under the resource's ignoreChanges: `pulumi up` leaves the deployed value alone. */
  readonly ignored: boolean;
}

export interface ChangedResource {
  readonly resource: PlanResource;
  readonly changes: readonly InputChange[];
}

export interface ReplacedResource {
  readonly resource: PlanResource;
  readonly before: PlanResource;
  readonly reasons: readonly ReplaceReason[];
}

export interface CostLineDelta {
  readonly urn: string;
  readonly description: string;
  readonly before?: MonthlyRange;
  readonly after?: MonthlyRange;
}

export interface CostDelta {
  /** Lines that appear, disappear or change. */
  readonly lines: readonly CostLineDelta[];
  readonly before: MonthlyRange;
  readonly after: MonthlyRange;
}

export interface PlanDiff {
  readonly stack: string;
  readonly added: readonly PlanResource[];
  readonly removed: readonly PlanResource[];
  readonly replaced: readonly ReplacedResource[];
  readonly changed: readonly ChangedResource[];
  readonly cost: CostDelta;
  readonly findings: readonly DataLossFinding[];
  readonly deployTime: { readonly before: CriticalPath; readonly after: CriticalPath; readonly change: CriticalPath };
}

/** Resources a provider acts on; a stack reference only reads another stack's outputs. */
const isManaged = (r: PlanResource) => isCustom(r) && r.type !== "pulumi:pulumi:StackReference";

/** Every scalar in a resource's inputs: what a replacement's preview echoes back as known outputs. */
function inputScalars(value: unknown, into = new Set<unknown>()): Set<unknown> {
  if (value !== null && typeof value === "object") for (const v of Object.values(value)) inputScalars(v, into);
  else into.add(value);
  return into;
}

/**
 * Replacements that follow from other replacements: an input fed by a replaced resource, on a path
 * that forces replacement. A replacement's outputs that echo its inputs (an explicit name) are known
 * at preview and unchanged; computed ones (ids, ARNs, DNS names) are unknown, so the dependent's
 * input changes — the plan tells them apart by whether the value is among the replaced resource's inputs.
 */
function cascade(head: readonly PlanResource[], replaced: Map<string, ReplaceReason[]>, baseUrns: ReadonlySet<string>): void {
  const byUrn = new Map(head.map((r) => [r.urn, r]));
  const echoes = (from: string, value: unknown) => inputScalars(byUrn.get(from)?.inputs ?? {}).has(value);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of head) {
      if (!isManaged(r) || replaced.has(r.urn) || !baseUrns.has(r.urn)) continue;
      const rules = replacementTable(r.type)?.rules ?? [];
      const reasons: ReplaceReason[] = [];
      for (const [path, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const value = valuesAt(r.inputs, path).get(path);
        const from = urns.find((u) => replaced.has(u) && !echoes(u, value));
        if (!from || !rules.some((rule) => pathsOverlap(rule.path, path))) continue;
        if (r.options.ignoreChanges.some((ignored) => pathsOverlap(ignored, path))) continue;
        reasons.push({ path, cascadeFrom: from });
      }
      if (reasons.length > 0) {
        replaced.set(r.urn, reasons);
        grew = true;
      }
    }
  }
}

function costDelta(base: PlanDocument, head: PlanDocument): CostDelta {
  const before = new Map(base.cost.lines.map((l) => [l.urn, l]));
  const after = new Map(head.cost.lines.map((l) => [l.urn, l]));
  const lines: CostLineDelta[] = [];
  for (const urn of [...new Set([...before.keys(), ...after.keys()])]) {
    const [b, a] = [before.get(urn), after.get(urn)];
    if (b && a && b.monthly.min === a.monthly.min && b.monthly.expected === a.monthly.expected && b.monthly.max === a.monthly.max) continue;
    lines.push({ urn, description: (a ?? b)!.description, ...(b ? { before: b.monthly } : {}), ...(a ? { after: a.monthly } : {}) });
  }
  return { lines, before: base.cost.monthly, after: head.cost.monthly };
}

/**
 * `accepted`: resource names or URNs whose mandatory data-loss finding is deliberate (reported,
 * not failing).
 */
export function diffPlans(base: PlanDocument, head: PlanDocument, accepted: readonly string[] = []): PlanDiff {
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
  const headUrns = new Set(head.resources.map((r) => r.urn));
  const added = head.resources.filter((r) => isManaged(r) && !baseByUrn.has(r.urn));
  const removed = base.resources.filter((r) => isManaged(r) && !headUrns.has(r.urn));

  const replacedReasons = new Map<string, ReplaceReason[]>();
  const changed: ChangedResource[] = [];
  for (const r of head.resources) {
    const before = baseByUrn.get(r.urn);
    if (!before || !isManaged(r)) continue;
    const forced = forcedChanges(r.type, before.inputs, r.inputs, r.options.ignoreChanges);
    if (forced.length > 0) {
      replacedReasons.set(r.urn, forced.map((f) => ({ path: f.path, before: f.before, after: f.after, ...(f.condition ? { condition: f.condition } : {}), source: f.source })));
    }
  }
  cascade(head.resources, replacedReasons, new Set(baseByUrn.keys()));
  for (const r of head.resources) {
    const before = baseByUrn.get(r.urn);
    if (!before || !isManaged(r) || replacedReasons.has(r.urn)) continue;
    const changes = changedPaths(before.inputs, r.inputs).map((c) => ({ ...c, ignored: r.options.ignoreChanges.some((i) => pathsOverlap(i, c.path)) }));
    if (changes.length > 0) changed.push({ resource: r, changes });
  }
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const replaced = [...replacedReasons].map(([urn, reasons]) => ({ resource: headByUrn.get(urn)!, before: baseByUrn.get(urn)!, reasons }));

  const changes: ResourceChange[] = [
    ...replaced.map((r) => ({ urn: r.resource.urn, type: r.resource.type, name: r.resource.name, op: "replace" as const, reasons: r.reasons, inputs: r.before.inputs, protect: r.before.options.protect })),
    ...removed.map((r) => ({ urn: r.urn, type: r.type, name: r.name, op: "delete" as const, reasons: [], inputs: r.inputs, protect: r.options.protect })),
  ];
  const created = new Set([...added.map((r) => r.urn), ...replaced.map((r) => r.resource.urn)]);
  return {
    stack: head.stack,
    added,
    removed,
    replaced,
    changed,
    cost: costDelta(base, head),
    findings: guard(changes, accepted),
    deployTime: {
      before: criticalPath(base.resources),
      after: criticalPath(head.resources),
      change: criticalPath(head.resources, (r) => (created.has(r.urn) ? createDuration(r) : undefined)),
    },
  };
}
