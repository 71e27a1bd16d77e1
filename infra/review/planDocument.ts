/**
 * The offline plan's public JSON contract (`npm run plan -- --json`), as the review reads it back:
 * a plan of the base commit is the baseline of the head's plan. Fields added after the first
 * version of the contract are optional, so a baseline written by an older plan still reads.
 */
import type { CostReport } from "../cost/model";
import type { RecordedOptions } from "../recorded";
import type { InferenceReportEntry } from "../inference/report";

/** The resource options the plan records (infra/recorded.ts). */
export type PlanResourceOptions = RecordedOptions;

export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: PlanResourceOptions;
  /** Managed by a provider (absent in older plans: then components are told apart by their type token). */
  readonly custom?: boolean;
  /** Resources whose Outputs flow into this resource's inputs. */
  readonly inputDependencies?: readonly string[];
  /** The same per input path (`vpcConfig.subnetIds`, `subnetIds[0]`). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface PlanPolicyResult {
  readonly policy: string;
  readonly enforcement: "mandatory" | "advisory";
  readonly urn: string | null;
  readonly message: string;
}

export interface PlanDocument {
  readonly stack: string;
  readonly resources: readonly PlanResource[];
  readonly policies: readonly PlanPolicyResult[];
  readonly cost: CostReport;
  /** Per inference endpoint, the latency/cost estimate on its GPU and the catalog's other GPU classes (added after the first contract). */
  readonly inference?: readonly InferenceReportEntry[];
  /** Per compliance gateway, the approved-reply library it serves: file, version and content hash (added after the first contract). */
  readonly gateways?: readonly GatewayLibraryEntry[];
}

export interface GatewayLibraryEntry {
  readonly endpoint: string;
  readonly team: string;
  /** The library's path in the repository. */
  readonly library: string;
  readonly version: string;
  /** sha256 of the canonical library: what the gateway logs with every decision. */
  readonly hash: string;
  readonly stages: number;
}

/** Custom resources are what a provider creates; component and stack resources only group. */
export function isCustom(r: Pick<PlanResource, "type" | "custom">): boolean {
  if (r.custom !== undefined) return r.custom;
  return r.type.includes("/") || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:StackReference";
}

/** "NodeGroup prod-train-h100": a resource's kind and name, from its URN. */
export function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  return `${(parts[parts.length - 2] ?? "").split("$").pop()?.split(":").pop()} ${parts[parts.length - 1]}`;
}

/** Reads a plan (one stack's document, or the array `--all` writes) and picks the stack's document. */
export function planOfStack(json: unknown, stack: string): PlanDocument | undefined {
  const docs = Array.isArray(json) ? json : [json];
  return docs.find((d): d is PlanDocument => d !== null && typeof d === "object" && (d as PlanDocument).stack === stack && Array.isArray((d as PlanDocument).resources));
}
