/**
 * The offline plan of one stack: config → spec → the real program under the mock engine →
 * recorded resources → the policy pack's verdicts → the cost model's prices.
 */
import { allPolicies } from "../../policies/policies";
import { PolicyViolation, runPolicies } from "../../policies/run";
import * as fs from "fs";
import { GatewayLibrary, readGatewayLibraries } from "../gateway/libraries";
import { ConfigError } from "../config/errors";
import { parseSpec } from "../config/spec";
import type { PlatformSpec, RawStackConfig } from "../config/types";
import { CostReport, priceResources } from "../cost/model";
import { inferenceReport } from "../inference/report";
import main from "../index";
import { recordProgram, RecordedResource, stackUrn } from "./record";
import { readProject, readStackConfig } from "./stackConfig";
import type { GatewayLibraryEntry, PlanDocument } from "../review/planDocument";

export interface StackPlan {
  readonly stack: string;
  readonly spec: PlatformSpec;
  readonly resources: readonly RecordedResource[];
  readonly policies: readonly PolicyViolation[];
  readonly policyCount: number;
  readonly cost: CostReport;
  readonly elapsedMs: number;
  /** Each compliance gateway's approved-reply library, validated. */
  readonly gateways: readonly GatewayLibraryEntry[];
}

export type StackPlanResult = { ok: true; plan: StackPlan } | { ok: false; stack: string; error: ConfigError };

export interface PlanOptions {
  /** The stack's outputs from its last `pulumi up` (`pulumi stack output --json`); none: a new stack. */
  readonly deployedOutputs?: Record<string, unknown>;
}

export async function planStack(projectDir: string, stack: string, options: PlanOptions = {}): Promise<StackPlanResult> {
  const started = Date.now();
  const project = readProject(projectDir);
  let spec: PlatformSpec;
  let raw: RawStackConfig;
  let libraries: Record<string, GatewayLibrary>;
  try {
    raw = readStackConfig(projectDir, stack);
    spec = parseSpec(raw);
    // Libraries the gateways would refuse at start are config errors too; the program gets them as read here.
    libraries = readGatewayLibraries(spec, projectDir, (file) => fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, stack, error: e };
    throw e;
  }
  // Offline: the program runs as `pulumi up` would, minus the deployer-side files it checks for (vendored manifests).
  const recorded = await recordProgram(project.name, raw, () => main({ offline: true, projectDir, gatewayLibraries: libraries }), options.deployedOutputs);
  const stackResource: RecordedResource = {
    urn: stackUrn(project.name, stack),
    type: "pulumi:pulumi:Stack",
    name: `${project.name}-${stack}`,
    custom: false,
    inputs: {},
    options: { protect: false, retainOnDelete: false, dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false },
    inputDependencies: [],
    propertyDependencies: {},
  };
  const resources = [stackResource, ...recorded.resources];
  const { violations } = await runPolicies(allPolicies, resources);
  const mandatoryFirst = [...violations].sort((a, b) => Number(b.enforcement === "mandatory") - Number(a.enforcement === "mandatory"));
  const cost = priceResources(resources.map((r) => ({ urn: r.urn, type: r.type, inputs: r.inputs })));
  return { ok: true, plan: { stack, spec, resources, policies: mandatoryFirst, policyCount: allPolicies.length, cost, elapsedMs: Date.now() - started, gateways: gatewayEntries(spec, libraries) } };
}

/** The public JSON contract of one stack's plan (CI jobs, dashboards and `--baseline` read it). */
export function planJson(plan: StackPlan): PlanDocument {
  return {
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      inputs: r.inputs,
      options: r.options,
      // Added after the first contract (optional for readers of older plans): implicit dependencies.
      custom: r.custom,
      inputDependencies: r.inputDependencies,
      propertyDependencies: r.propertyDependencies,
    })),
    policies: plan.policies.map((v) => ({ policy: v.policy, enforcement: v.enforcement, urn: v.urn ?? null, message: v.message })),
    cost: plan.cost,
    inference: inferenceReport(plan.spec),
    gateways: plan.gateways,
  };
}

function gatewayEntries(spec: PlatformSpec, libraries: Record<string, GatewayLibrary>): GatewayLibraryEntry[] {
  return spec.inferenceEndpoints.flatMap((e) => {
    const library = libraries[e.name];
    return library ? [{ endpoint: e.name, team: e.team, library: library.file, version: library.version, hash: library.hash, stages: library.stages }] : [];
  });
}
