/**
 * Rules across the fields of a pool and across pools, checked on the decoded config before the
 * spec exists (so every problem is reported at once): counts, unique names, the system pool, AZs.
 */
import type { Target } from "./enums";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import { resolvedAwsFabric } from "./defaults";

/** A pool's AZs must be the VPC's, and an EFA pool must sit in exactly one. */
export function poolZoneProblems(pools: unknown[], zones: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  pools.forEach((pool, i) => {
    if (typeof pool !== "object" || pool === null) return;
    const p = pool as Record<string, unknown>;
    const at = `${key("nodePools")}[${i}].availabilityZones`;
    if (!Array.isArray(p.availabilityZones)) return;
    p.availabilityZones.forEach((zone, j) => {
      if (typeof zone === "string" && !zones.includes(zone)) {
        problems.push({ path: `${at}[${j}]`, message: `${show(zone)} is not one of the VPC's availability zones (${zones.join(", ")})` });
      }
    });
    const efa = typeof p.instanceType === "string" && typeof p.purpose === "string" && resolvedAwsFabric(p as never) === "efa";
    if (efa && p.availabilityZones.length > 1) {
      problems.push({ path: at, message: `${show(p.availabilityZones)} spreads an EFA pool over ${p.availabilityZones.length} subnets; EFA traffic does not cross AZs and jobs that mix subnets fail (list one AZ)` });
    }
  });
  return problems;
}

/** Rules across fields of a pool, and across pools: counts, names, the system pool. */
export function crossPoolProblems(target: Target, pools: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  pools.forEach((pool, i) => {
    if (typeof pool !== "object" || pool === null) return;
    const p = pool as Record<string, unknown>;
    const at = `${key("nodePools")}[${i}]`;
    if (typeof p.name === "string") {
      const first = seen.get(p.name);
      if (first !== undefined) problems.push({ path: `${at}.name`, message: `${show(p.name)} is already the name of nodePools[${first}] (pool names must be unique)` });
      else seen.set(p.name, i);
    }
    const min = p.minNodes;
    const max = p.maxNodes;
    if (typeof min === "number" && typeof max === "number" && min > max) {
      problems.push({ path: `${at}.minNodes`, message: `${min} is greater than maxNodes ${max} (minNodes must be ≤ maxNodes)` });
    }
    const desired = p.desiredNodes;
    if (typeof desired === "number" && typeof min === "number" && typeof max === "number" && min <= max && (desired < min || desired > max)) {
      problems.push({ path: `${at}.desiredNodes`, message: `${desired} is outside minNodes..maxNodes (${min}..${max})` });
    }
  });
  if (target === "existing") problems.push(...sameNodeSelectorProblems(pools));
  if (target === "aws") {
    const systemPools = pools.filter((p) => typeof p === "object" && p !== null && (p as Record<string, unknown>).purpose === "system");
    if (pools.length > 0 && systemPools.length !== 1) {
      problems.push({ path: key("nodePools"), message: `has ${systemPools.length} pools with purpose system; an AWS stack needs exactly one (it runs CoreDNS, operators and controllers)` });
    }
  }
  return problems;
}

/**
 * On an existing cluster a pool is the nodes its selector matches: two pools with one selector are
 * the same nodes, whose GPUs the quotas and the cost model would count twice.
 */
function sameNodeSelectorProblems(pools: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const canonical = pools.map((pool) => {
    const selector = (pool as { nodeSelector?: unknown } | null)?.nodeSelector;
    if (selector === null || typeof selector !== "object" || Array.isArray(selector)) return undefined;
    return JSON.stringify(Object.entries(selector as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
  canonical.forEach((c, j) => {
    const first = canonical.indexOf(c);
    if (c !== undefined && first !== j) {
      const selector = (pools[j] as { nodeSelector: unknown }).nodeSelector;
      problems.push({ path: `${key("nodePools")}[${j}].nodeSelector`, message: `${show(selector)} selects the same nodes as nodePools[${first}]; their GPUs would be counted twice by quotas and cost (give each pool its own labels)` });
    }
  });
  return problems;
}
