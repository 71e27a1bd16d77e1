/**
 * Names made from config values, checked against the API that receives each (rules and the names
 * themselves in infra/naming.ts, the module the components name their objects with), and the
 * environment variable names a training job sets.
 */
import { tokeniseJobConfig } from "../data/tokenise";
import { vllmName } from "../inference/endpoints";
import { embedderName } from "../gateway/manifests";
import { reservedNamespaceReason } from "../k8s/namespaces";
import {
  acceptanceTestGenerateName,
  GENERATED_SUFFIX_LENGTH,
  launchTemplateName,
  MAX_STACK_NAME_LENGTH,
  NAME_RULES,
  NameRule,
  nameRuleViolation,
  nodeGroupName,
  placementGroupName,
  STACK_NAME_PATTERN,
  tokeniseJobName,
  trainJobName,
} from "../naming";
import { trainingGpuPools } from "../queues/pools";
import { planTrainingRun, trainJob } from "../training/runtime";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import type { PlatformSpec, TrainingRunSpec } from "./types";

/** Where a stack's own name is reported (it is not a config key: `pulumi stack init <name>`). */
const STACK_NAME_PATH = "(stack name)";

/** The stack's name, where AWS names carry it. */
export function stackNameProblems(stack: string): ConfigProblem[] {
  if (STACK_NAME_PATTERN.test(stack) && stack.length <= MAX_STACK_NAME_LENGTH) return [];
  return [{
    path: STACK_NAME_PATH,
    message: `${show(stack)} is not a stack name AWS resources can carry: node groups, IAM roles and the S3 bucket are named after it, so use at most ${MAX_STACK_NAME_LENGTH} lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
  }];
}

/** `value` (at `path`) is, or makes, `name`, which must satisfy `rule`. */
function nameProblem(path: string, value: string, name: string, rule: NameRule, what = rule.what): ConfigProblem[] {
  const violation = nameRuleViolation(name, rule);
  if (!violation) return [];
  return [{ path, message: name === value ? `${show(value)} ${violation}` : `${show(value)} makes the ${what} ${show(name)}, which ${violation}` }];
}

/** Every derived name of the spec that its API would refuse. */
export function derivedNameProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const poolPath = (i: number) => `${key("nodePools")}[${i}].name`;
  if (spec.target === "aws" && stackNameProblems(spec.stack).length === 0) {
    const efa = (i: number) => spec.nodePools[i].fabric === "efa";
    spec.nodePools.forEach((pool, i) => {
      problems.push(...nameProblem(poolPath(i), pool.name, nodeGroupName(spec.stack, pool.name), NAME_RULES.nodeGroup));
      problems.push(...nameProblem(poolPath(i), pool.name, launchTemplateName(spec.cluster.name, pool.name), NAME_RULES.launchTemplate));
      if (efa(i)) problems.push(...nameProblem(poolPath(i), pool.name, placementGroupName(spec.cluster.name, pool.name), NAME_RULES.placementGroup));
    });
  }
  for (const pool of trainingGpuPools(spec)) {
    // The fabric acceptance test (npm run fabric-test) runs as a TrainJob named from the pool.
    const name = `${acceptanceTestGenerateName(pool.name)}${"x".repeat(GENERATED_SUFFIX_LENGTH)}`;
    problems.push(...nameProblem(poolPath((spec.nodePools as readonly { name: string }[]).findIndex((p) => p.name === pool.name)), pool.name, name, NAME_RULES.trainJob, "fabric acceptance TrainJob name"));
  }

  const rawJobs = Array.isArray(decoded.trainingJobs) ? (decoded.trainingJobs as { name?: unknown; variants?: { name?: unknown }[] }[]) : [];
  for (const run of spec.trainingRuns) {
    const j = rawJobs.findIndex((job) => job.name === run.job);
    const k = run.variant === undefined ? -1 : (rawJobs[j]?.variants ?? []).findIndex((v) => v.name === run.variant);
    const path = `${key("trainingJobs")}[${j}]${k >= 0 ? `.variants[${k}]` : ""}.name`;
    problems.push(...nameProblem(path, run.variant ?? run.job, trainJobName(run.job, run.variant), NAME_RULES.trainJob));
  }

  spec.datasets.forEach((dataset, i) => {
    let manifestKey = "0".repeat(64); // a placeholder of the key's length when the shard plan fails (reported elsewhere)
    try {
      manifestKey = tokeniseJobConfig(spec, dataset).manifestKey;
    } catch {
      // the data set's own problem is reported at datasets[…]
    }
    problems.push(...nameProblem(`${key("datasets")}[${i}].name`, dataset.name, tokeniseJobName(dataset.name, manifestKey), NAME_RULES.job, "tokenise Job name"));
  });

  spec.inferenceEndpoints.forEach((endpoint, i) => {
    // The endpoint's Deployment, Service, PodDisruptionBudget and ScaledObject are `<name>-vllm`.
    const at = `${key("inferenceEndpoints")}[${i}].name`;
    const vllm = nameProblem(at, endpoint.name, vllmName(endpoint.name), NAME_RULES.service);
    // With a gateway, also `<name>-gateway` and `<name>-embedder` (Deployments, Services, the instance label): the longest decides.
    problems.push(...(vllm.length > 0 || !endpoint.gateway ? vllm : nameProblem(at, endpoint.name, embedderName(endpoint.name), NAME_RULES.service)));
  });

  spec.teams.forEach((team, i) => {
    const at = `${key("teams")}[${i}].name`;
    const reserved = reservedNamespaceReason(team.name);
    if (reserved) problems.push({ path: at, message: `${show(team.name)} ${reserved}; a team's namespace is named after the team, so choose another name` });
    else if (spec.monitoring.prometheus.kind === "existing" && spec.monitoring.prometheus.namespace === team.name) {
      problems.push({ path: at, message: `${show(team.name)} is the namespace of the existing Prometheus (monitoring.prometheus.existing.namespace); a team's namespace is its own, so choose another name` });
    }
  });
  return problems;
}

/**
 * A C identifier: what shells and the launcher's `mpirun -x NAME` can pass on, and what EnvVar.name
 * was documented to be before Kubernetes 1.30 relaxed it (k8s.io/api core/v1 types.go, EnvVar).
 */
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** trainingJobs[].env and variants[].env: names a process can read, none the platform sets itself. */
export function jobEnvProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const rawJobs = Array.isArray(decoded.trainingJobs) ? (decoded.trainingJobs as { name?: unknown; env?: unknown; variants?: { env?: unknown }[] }[]) : [];
  rawJobs.forEach((job, j) => {
    const run = spec.trainingRuns.find((r) => r.job === job.name);
    const platformNames = run ? platformEnvNames(spec, run) : new Set<string>();
    const check = (env: unknown, at: string) => {
      if (env === null || typeof env !== "object") return;
      for (const name of Object.keys(env)) {
        if (!C_IDENTIFIER.test(name)) problems.push({ path: `${at}.env`, message: `${show(name)} is not an environment variable name a process can read: use letters, digits and '_', not starting with a digit` });
        else if (platformNames.has(name)) problems.push({ path: `${at}.env`, message: `${show(name)} is set by the platform for every training run (its value would be replaced); remove it` });
      }
    };
    check(job.env, `${key("trainingJobs")}[${j}]`);
    (job.variants ?? []).forEach((v, k) => check(v?.env, `${key("trainingJobs")}[${j}].variants[${k}]`));
  });
  return problems;
}

/** The variables the platform's TrainJob sets for a run, read from the rendered TrainJob itself. */
function platformEnvNames(spec: PlatformSpec, run: TrainingRunSpec): Set<string> {
  try {
    const bare = { ...run, env: {} };
    const rendered = trainJob(spec, planTrainingRun(spec, bare), "image", "config");
    return new Set(rendered.spec.trainer.env.map((e) => e.name));
  } catch {
    return new Set(); // the run's pool or data set is missing: reported at trainingJobs[…]
  }
}
