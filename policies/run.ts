/**
 * Runs the pack's policies over recorded resources, building the same arguments @pulumi/policy
 * 1.21's analyzer server builds (server.js `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`): type,
 * props, urn, name, opts, provider, stackTags, isType/asType, getConfig, notApplicable; parents and
 * dependencies linked for stack policies; enforcement from pack config, then the policy, then the
 * pack default (advisory). The offline plan and the policy tests both use it.
 */
import {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { RecordedResource } from "../infra/recorded";

export interface PolicyViolation {
  readonly policy: string;
  readonly enforcement: "mandatory" | "advisory";
  readonly urn?: string;
  readonly message: string;
}

export interface PolicyRunResult {
  readonly violations: PolicyViolation[];
  /** Policies that declared themselves not applicable, with their reasons. */
  readonly notApplicable: { policy: string; reason?: string }[];
}

export interface PolicyRunOptions {
  /** Per-policy config as in `--policy-pack-config` (enforcementLevel plus the policy's own keys). */
  readonly config?: Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>>;
  readonly stackTags?: ReadonlyMap<string, string>;
  /** The pack's default enforcement level (PolicyPack's default is advisory). */
  readonly packEnforcementLevel?: EnforcementLevel;
}

class NotApplicableError extends Error {
  constructor(public readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

// @pulumi/policy attaches the Pulumi type token of validateResourceOfType's class under this key.
const pulumiTypeOf = (f: unknown): string | undefined => (f as { __pulumiType?: string } | undefined)?.__pulumiType;

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = pulumiTypeOf(resourceClass);
  if (token) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function policyOptions(r: RecordedResource): PolicyResourceOptions {
  return {
    protect: r.options.protect,
    ignoreChanges: [...r.options.ignoreChanges],
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

export async function runPolicies(policies: Policies, resources: readonly RecordedResource[], options: PolicyRunOptions = {}): Promise<PolicyRunResult> {
  const violations: PolicyViolation[] = [];
  const notApplicable: PolicyRunResult["notApplicable"] = [];
  const stackTags = options.stackTags ?? new Map<string, string>();
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerOf = (r: RecordedResource) => {
    const p = r.options.provider ? byUrn.get(r.options.provider) : undefined;
    return p ? { type: p.type, props: p.inputs, urn: p.urn, name: p.name } : undefined;
  };
  const getConfigFor = (policyName: string) => () => {
    const { enforcementLevel: _ignored, ...rest } = options.config?.[policyName] ?? {};
    return rest as never;
  };

  for (const policy of policies) {
    const level = options.config?.[policy.name]?.enforcementLevel ?? policy.enforcementLevel ?? options.packEnforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const enforcement = level === "advisory" ? "advisory" : "mandatory"; // remediate reports as mandatory
    const report = (message: string, urn?: string) => violations.push({ policy: policy.name, enforcement, ...(urn ? { urn } : {}), message });

    try {
      if ("validateResource" in policy && policy.validateResource) {
        const validations = ([] as ResourceValidation[]).concat(policy.validateResource);
        const onlyType = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
        for (const r of resources) {
          if (r.type === "pulumi:pulumi:Stack" || (onlyType && r.type !== onlyType)) continue;
          const provider = providerOf(r);
          const args: ResourceValidationArgs = {
            type: r.type,
            props: r.inputs,
            urn: r.urn,
            name: r.name,
            opts: policyOptions(r),
            stackTags,
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.inputs : undefined)) as ResourceValidationArgs["asType"],
            getConfig: getConfigFor(policy.name),
            notApplicable: throwNotApplicable,
            ...(provider ? { provider } : {}),
          };
          for (const validate of validations) {
            try {
              await validate(args, (message, urn) => report(message, urn ?? r.urn));
            } catch (e) {
              // As in the analyzer: not applicable to this resource, go on with the next one.
              if (e instanceof NotApplicableError) notApplicable.push({ policy: policy.name, reason: e.reason });
              else throw e;
            }
          }
        }
      } else if ("validateStack" in policy) {
        const stackPolicy = policy as StackValidationPolicy;
        const token = pulumiTypeOf(stackPolicy.validateStack);
        if (token && !resources.some((r) => r.type === token)) {
          notApplicable.push({ policy: policy.name, reason: `Policy only applies to resources of type '${token}'` });
          continue;
        }
        const args: StackValidationArgs = {
          resources: linkStackResources(resources, providerOf),
          stackTags,
          getConfig: getConfigFor(policy.name),
          notApplicable: throwNotApplicable,
        };
        await stackPolicy.validateStack(args, report);
      }
    } catch (e) {
      if (e instanceof NotApplicableError) notApplicable.push({ policy: policy.name, reason: e.reason });
      else throw new Error(`policy ${policy.name} failed: ${(e as Error).message}`);
    }
  }
  return { violations, notApplicable };
}

/** PolicyResources with parent and dependencies linked to each other, as the analyzer does. */
function linkStackResources(resources: readonly RecordedResource[], providerOf: (r: RecordedResource) => PolicyResource["provider"]): PolicyResource[] {
  const linked = new Map<string, PolicyResource>();
  for (const r of resources) {
    const provider = providerOf(r);
    linked.set(r.urn, {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: policyOptions(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.inputs : undefined)) as PolicyResource["asType"],
      ...(provider ? { provider } : {}),
    });
  }
  for (const r of resources) {
    const pr = linked.get(r.urn)!;
    const parent = r.parent ? linked.get(r.parent) : undefined;
    if (parent) pr.parent = parent;
    // As the engine reports them: explicit dependsOn plus the resources whose Outputs flow into inputs.
    const resolve = (urns: readonly string[]) => [...new Set(urns)].map((u) => linked.get(u)).filter((d): d is PolicyResource => d !== undefined);
    pr.dependencies = resolve([...r.options.dependsOn, ...(r.inputDependencies ?? [])]);
    const byProperty: Record<string, string[]> = {};
    for (const [path, urns] of Object.entries(r.propertyDependencies ?? {})) {
      const key = path.split(/[.[]/)[0];
      byProperty[key] = [...(byProperty[key] ?? []), ...urns];
    }
    pr.propertyDependencies = Object.fromEntries(Object.entries(byProperty).map(([k, urns]) => [k, resolve(urns)]));
  }
  return [...linked.values()];
}
