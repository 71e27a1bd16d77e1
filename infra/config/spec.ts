/**
 * Stack config → one immutable, typed platform spec (`parseSpec`). Every problem in the config is
 * collected and reported at once (ConfigError), each naming the key path, the bad value and what
 * would be valid. The steps live in their own modules: decoding (decode.ts), field rules
 * (schema.ts), zod issues as problems (zodProblems.ts), rules across pools (poolRules.ts), defaults
 * (defaults.ts) and rules on the resolved spec (dataChecks.ts). Pure: no Pulumi import.
 */
import { z } from "zod";
import { teamMemberProblems } from "./accessChecks";
import { gatewayProblems } from "./gatewayChecks";
import { storageAndDataProblems } from "./dataChecks";
import { decodeValue } from "./decode";
import { buildSpec, defaultZones, ParsedShape } from "./defaults";
import { TARGETS } from "./enums";
import type { Target } from "./enums";
import { ConfigError, ConfigProblem, show } from "./errors";
import { CONFIG_KEYS, configKey as key, PROJECT } from "./keys";
import { derivedNameProblems, jobEnvProblems, stackNameProblems } from "./nameChecks";
import { adminRoleProblems, nodeGroupQuotaProblems, publicAccessProblems, repeatedZoneProblems, vpcCidrProblems } from "./networkRules";
import { crossPoolProblems, poolZoneProblems } from "./poolRules";
import {
  awsNodePoolSchema,
  clusterSchema,
  datasetSchema,
  existingNodePoolSchema,
  gpuStackSchema,
  imagesSchema,
  inferenceEndpointSchema,
  monitoringSchema,
  networkSchema,
  pipelinesSchema,
  storageSchema,
  teamSchema,
  trainingJobSchema,
} from "./schema";
import { didYouMean } from "./suggest";
import type { PlatformSpec, RawStackConfig } from "./types";
import { toProblem } from "./zodProblems";

export function parseSpec(raw: RawStackConfig): PlatformSpec {
  const problems: ConfigProblem[] = [];
  const decoded: Record<string, unknown> = {};
  const undecodable = new Set<string>();
  const decodeProblems: ConfigProblem[] = [];

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const [namespace, ...rest] = fullKey.split(":");
    const name = rest.join(":");
    if (namespace !== PROJECT) continue; // other namespaces belong to providers (aws:region, …)
    const known = CONFIG_KEYS[name];
    if (!known) {
      problems.push({ path: fullKey, message: `is not a known key${didYouMean(name, Object.keys(CONFIG_KEYS)) || ` (known keys: ${Object.keys(CONFIG_KEYS).join(", ")})`}` });
      continue;
    }
    const value = decodeValue(fullKey, text, known.kind, raw.secretKeys.has(fullKey), decodeProblems);
    if (value !== undefined) decoded[name] = value;
    else undecodable.add(name);
  }

  const targetResult = z.enum(TARGETS).safeParse(decoded.target);
  if (!targetResult.success) {
    problems.push({ path: key("target"), message: `${show(decoded.target)} is not a target (valid: ${TARGETS.join(", ")})${didYouMean(decoded.target, TARGETS)}` });
    throw new ConfigError(raw.stack, sortByPath([...problems, ...decodeProblems]));
  }
  const target = targetResult.data;

  // How a key is stored matters only where the target uses it ("remove it" below says the rest).
  problems.push(...decodeProblems.filter((p) => CONFIG_KEYS[p.path.slice(PROJECT.length + 1)]?.targets.includes(target) ?? true));
  for (const [name, meta] of Object.entries(CONFIG_KEYS)) {
    if (decoded[name] !== undefined && !meta.targets.includes(target)) {
      problems.push({ path: key(name), message: `is only used with target ${meta.targets.join(" or ")}, but this stack's target is ${target} (remove it)` });
    }
  }

  const parsed = configSchema(target).safeParse(decoded);
  if (!parsed.success) {
    // A key that could not be decoded was reported already; zod would only add "is required".
    const issues = parsed.error.issues.filter((issue) => !undecodable.has(String(issue.path[0])));
    problems.push(...issues.map((issue) => toProblem(issue, decoded, target)));
  }

  const pools = Array.isArray(decoded.nodePools) ? (decoded.nodePools as unknown[]) : [];
  problems.push(...crossPoolProblems(target, pools));

  const region = raw.values["aws:region"];
  if (target === "aws") {
    problems.push(...stackNameProblems(raw.stack));
    if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      problems.push({ path: "aws:region", message: `${show(region)} is not an AWS region (e.g. "us-east-1")` });
    }
    const configured = (decoded.network as { availabilityZones?: unknown } | undefined)?.availabilityZones;
    if (region && Array.isArray(configured)) {
      configured.forEach((zone, i) => {
        if (typeof zone === "string" && !zone.startsWith(region)) {
          problems.push({ path: `${key("network")}.availabilityZones[${i}]`, message: `${show(zone)} is not in region ${region} (e.g. "${region}a")` });
        }
      });
    }
    const zones = Array.isArray(configured) ? (configured as unknown[]) : defaultZones(region ?? "");
    problems.push(...poolZoneProblems(pools, zones));
    const cluster = (decoded.cluster ?? {}) as { publicAccessCidrs?: unknown; adminRoleArns?: unknown };
    const network = (decoded.network ?? {}) as { vpcCidr?: unknown };
    problems.push(...publicAccessProblems(cluster.publicAccessCidrs), ...adminRoleProblems(cluster.adminRoleArns), ...vpcCidrProblems(network.vpcCidr));
    problems.push(...repeatedZoneProblems(configured, `${key("network")}.availabilityZones`, "each AZ gets one node subnet and one public subnet; EKS needs two different AZs"));
    pools.forEach((pool, i) => problems.push(...repeatedZoneProblems((pool as { availabilityZones?: unknown } | null)?.availabilityZones, `${key("nodePools")}[${i}].availabilityZones`, "the pool's subnets are one per AZ")));
    problems.push(...nodeGroupQuotaProblems(pools));
  } else if (decoded.kubeconfig === undefined && !problems.some((p) => p.path === key("kubeconfig"))) {
    problems.push({ path: key("kubeconfig"), message: `is required with target existing (set it with: pulumi config set --secret kubeconfig "$(cat ~/.kube/config)")` });
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortByPath(problems));
  const spec = buildSpec(raw, target, parsed.data as ParsedShape, region ?? "");
  // Rules that need the resolved spec (pool topologies, AZs, shard plans) run once it is whole.
  const dataProblems = [...storageAndDataProblems(spec, decoded), ...teamMemberProblems(spec), ...derivedNameProblems(spec, decoded), ...jobEnvProblems(spec, decoded), ...gatewayProblems(spec, decoded)];
  if (dataProblems.length > 0) throw new ConfigError(raw.stack, sortByPath(dataProblems));
  return deepFreeze(spec);
}

/**
 * The schema of a target's decoded config: every key of CONFIG_KEYS but the plain `target` and the
 * secret `kubeconfig`. docs/config.md is checked against it (test/configDoc.test.ts).
 */
export function configSchema(target: Target) {
  const common = z.object({
    budgetUsdPerMonth: z.number({ error: (i) => `${show(i.input)} is not a monthly budget in USD (a number > 0)` }).positive({ error: (i) => `${show(i.input)} is not a monthly budget in USD (a number > 0)` }),
    gpuStack: gpuStackSchema,
    images: imagesSchema,
  });
  const poolSchema = target === "aws" ? awsNodePoolSchema : existingNodePoolSchema;
  return common.extend({
    nodePools: z.array(poolSchema, { error: (i) => `${show(i.input)} is not a list of node pools` }).min(1, { error: "lists no node pool (at least one GPU pool is needed)" }),
    ...(target === "aws" ? { cluster: clusterSchema, network: networkSchema.optional() } : {}),
    storage: storageSchema.optional(),
    teams: z.array(teamSchema, { error: (i) => `${show(i.input)} is not a list of teams` }).optional(),
    datasets: z.array(datasetSchema, { error: (i) => `${show(i.input)} is not a list of data sets` }).optional(),
    trainingJobs: z.array(trainingJobSchema, { error: (i) => `${show(i.input)} is not a list of training jobs` }).optional(),
    pipelines: pipelinesSchema.optional(),
    monitoring: monitoringSchema.optional(),
    inferenceEndpoints: z.array(inferenceEndpointSchema, { error: (i) => `${show(i.input)} is not a list of inference endpoints` }).optional(),
  });
}

/**
 * Problems in key order (stable within a key), so a long report reads like the stack file; a
 * problem found twice (a job's own setting, checked once per variant) is reported once.
 */
function sortByPath(found: ConfigProblem[]): ConfigProblem[] {
  const order = (p: ConfigProblem) => p.path.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(4, "0")}]`);
  const problems = found.filter((p, i) => found.findIndex((q) => q.path === p.path && q.message === p.message) === i);
  return [...problems].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
