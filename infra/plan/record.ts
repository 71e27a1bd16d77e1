/**
 * Runs the real Pulumi program under the mock engine and records every resource with its inputs
 * and its options. Plain mocks see inputs but not options; a stack transformation registered
 * inside `runInPulumiStack` sees the options (protect, retainOnDelete, dependsOn, provider, …).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RawStackConfig } from "../config/types";
import type { RecordedResource } from "../recorded";
import { PlanMocks, PLAN_ORGANIZATION } from "./mocks";

export type { RecordedOptions, RecordedResource } from "../recorded";

export interface RecordedStack {
  readonly stack: string;
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
}

export const SECRET_PLACEHOLDER = "[secret]";

/** The URN Pulumi gives a stack's root resource. */
export const stackUrn = (project: string, stack: string) => `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;

interface Seen {
  resource: pulumi.Resource;
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
}

const urnOf = (r: pulumi.Resource): Promise<string> => new Promise((resolve) => r.urn.apply(resolve));

/**
 * Runs `program` as stack `config.stack` of `project` under the mock engine. Runs do not overlap:
 * the Pulumi runtime keeps one stack's state at a time, so callers await each run.
 */
export async function recordProgram(
  project: string,
  config: RawStackConfig,
  program: () => Promise<Record<string, unknown>>,
  deployedOutputs: Record<string, unknown> = {},
): Promise<RecordedStack> {
  // The SDK captures a stack trace for every promise and resource it creates (debuggablePromise,
  // Resource source positions): a third of an offline plan's time. The plan keeps one frame —
  // errors still carry their message and throw site; LLM_PLATFORM_PLAN_FULL_STACKS=1 keeps all.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!process.env.LLM_PLATFORM_PLAN_FULL_STACKS) Error.stackTraceLimit = 1;
  try {
    return await recordUnderMocks(project, config, program, deployedOutputs);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function recordUnderMocks(
  project: string,
  config: RawStackConfig,
  program: () => Promise<Record<string, unknown>>,
  deployedOutputs: Record<string, unknown>,
): Promise<RecordedStack> {
  const mocks = new PlanMocks(deployedOutputs);
  // "organization" is what the Pulumi CLI reports for DIY (self-managed) backends.
  await pulumi.runtime.setMocks(mocks, project, config.stack, false, PLAN_ORGANIZATION);
  pulumi.runtime.setAllConfig({ ...config.values }, [...config.secretKeys]);

  const seen: Seen[] = [];
  // A program error is caught inside the stack and re-thrown once the engine is idle: thrown
  // straight through, the SDK would also reject the stack's own promises with nobody listening.
  let programError: unknown;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      seen.push({ resource: args.resource, type: args.type, name: args.name, props: (args.props ?? {}) as Record<string, unknown>, opts: args.opts as Seen["opts"] });
      return undefined; // observe only
    });
    try {
      return await program();
    } catch (e) {
      programError = e;
      return {};
    }
  });
  // Registrations go on after the outputs resolve; wait for every RPC as the CLI's harness does
  // on exit (`waitForRPCs` is internal in the SDK's typings), so no registration leaks into the next run.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  if (programError !== undefined) throw programError;

  const inputsByKey = new Map<string, Record<string, unknown>>();
  for (const call of mocks.calls) {
    const key = `${call.type}\u0000${call.name}`;
    if (inputsByKey.has(key) && call.type !== "pulumi:pulumi:Stack") {
      throw new Error(`two resources of type ${call.type} are both named ${call.name}; the plan cannot tell their inputs apart`);
    }
    inputsByKey.set(key, call.inputs);
  }

  const rootUrn = stackUrn(project, config.stack);
  const urnByResource = new Map(await Promise.all(seen.map(async (s) => [s.resource, await urnOf(s.resource)] as const)));
  const resources = await Promise.all(
    seen.map(async (s): Promise<RecordedResource> => {
      const dependsOn = await resolveDependsOn(s.opts.dependsOn);
      const custom = pulumi.CustomResource.isInstance(s.resource);
      const propertyDependencies = await inputDependencyUrns(s.props, s.resource, urnByResource);
      return {
        urn: urnByResource.get(s.resource)!,
        type: s.type,
        name: s.name,
        parent: s.opts.parent ? await urnOf(s.opts.parent) : rootUrn,
        custom,
        inputs: maskSecrets(inputsByKey.get(`${s.type}\u0000${s.name}`) ?? {}) as Record<string, unknown>,
        options: {
          protect: s.opts.protect === true,
          retainOnDelete: s.opts.retainOnDelete === true,
          dependsOn,
          ...(s.opts.provider ? { provider: await urnOf(s.opts.provider) } : {}),
          ignoreChanges: s.opts.ignoreChanges ?? [],
          deleteBeforeReplace: s.opts.deleteBeforeReplace === true,
        },
        inputDependencies: [...new Set(Object.values(propertyDependencies).flat())].sort(),
        propertyDependencies,
      };
    }),
  );
  return { stack: config.stack, resources, outputs: maskSecrets(await resolveOutputs(outputs ?? {})) as Record<string, unknown> };
}

async function resolveDependsOn(dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined): Promise<string[]> {
  if (!dependsOn) return [];
  const list = await new Promise<pulumi.Resource[]>((resolve) =>
    pulumi.output(dependsOn as pulumi.Input<pulumi.Resource | pulumi.Resource[]>).apply((v) => resolve(([] as pulumi.Resource[]).concat(v as pulumi.Resource | pulumi.Resource[]))),
  );
  return Promise.all(list.map(urnOf));
}

/**
 * Where each Output (or resource reference) sits in a resource's inputs and which resources it
 * comes from. `Output.allResources()` / `resources()` are the SDK's own record of an Output's
 * dependencies; they are internal (the SDK's `getAllResources` in output.js, @pulumi/pulumi 3.276,
 * does exactly this and is what `serializeProperty` uses to build the engine's
 * propertyDependencies), so a later SDK may rename them: then this returns no dependencies and the
 * plan's dependency graph falls back to dependsOn and parents.
 */
async function inputDependencyUrns(props: Record<string, unknown>, self: pulumi.Resource, urns: ReadonlyMap<pulumi.Resource, string>): Promise<Record<string, string[]>> {
  // Walk synchronously, collecting the Outputs and resource references by path; await them together.
  const outputs: { at: string; value: unknown }[] = [];
  const walk = (value: unknown, at: string, depth: number): void => {
    if (value === null || value === undefined || typeof value !== "object" || depth > 12) return;
    if (pulumi.Output.isInstance(value) || pulumi.Resource.isInstance(value) || value instanceof Promise) {
      outputs.push({ at, value });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`, depth + 1));
    else for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k, depth + 1);
  };
  for (const [key, value] of Object.entries(props)) walk(value, key, 0);
  const found: Record<string, string[]> = {};
  await Promise.all(
    outputs.map(async ({ at, value }) => {
      let resources: Iterable<pulumi.Resource> = [];
      if (pulumi.Resource.isInstance(value)) resources = [value];
      else if (pulumi.Output.isInstance(value)) {
        const output = value as unknown as { allResources?: () => Promise<Set<pulumi.Resource>>; resources?: () => Set<pulumi.Resource> };
        resources = typeof output.allResources === "function" ? await output.allResources() : (output.resources?.() ?? []);
      } else {
        const nested = await inputDependencyUrns({ [at]: await value }, self, urns);
        for (const [path, list] of Object.entries(nested)) found[path] = [...new Set([...(found[path] ?? []), ...list])].sort();
        return;
      }
      const list = [...resources].filter((r) => r !== self).map((r) => urns.get(r)).filter((u): u is string => u !== undefined);
      if (list.length > 0) found[at] = [...new Set([...(found[at] ?? []), ...list])].sort();
    }),
  );
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve) => pulumi.output(outputs).apply((v) => resolve(v as Record<string, unknown>)));
}

/** The engine hands secret inputs over wrapped; the plan never shows their values. */
function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_PLACEHOLDER;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}
