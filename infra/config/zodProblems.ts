/** zod's issues as the platform's problems: the full key path, and a message for the person editing the stack file. */
import { z } from "zod";
import type { Target } from "./enums";
import type { ConfigProblem } from "./errors";
import { show } from "./errors";
import { configKey as key } from "./keys";
import { awsNodePoolSchema, clusterSchema, existingNodePoolSchema, gpuStackSchema, imagesSchema, inferenceEndpointSchema, monitoringSchema, networkSchema, reclaimSchema } from "./schema";
import { didYouMean } from "./suggest";

export function toProblem(issue: z.core.$ZodIssue, input: Record<string, unknown>, target: Target): ConfigProblem {
  const [top, ...rest] = issue.path;
  const path = key(String(top)) + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const value = issue.path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined), input);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(issue.path, target);
      return {
        path,
        message: issue.keys
          .map((k) => `unknown key ${show(k)}${didYouMean(k, known) || (known.length ? ` (valid keys: ${known.join(", ")})` : "")}`)
          .join("; "),
      };
    }
    case "invalid_type":
      if (value === undefined) return { path, message: `is required${requiredHint(issue.path)}` };
      return { path, message: issue.message.startsWith("Invalid input") ? `${show(value)} is not a ${issue.expected}` : issue.message };
    case "invalid_key":
      // A map key the key schema refused: its own message says what a valid key is.
      return { path, message: issue.issues[0]?.message ?? issue.message };
    default:
      return { path, message: issue.message };
  }
}

const KEYS_BY_PATH: Record<string, readonly string[]> = {
  gpuStack: Object.keys(gpuStackSchema.shape),
  images: Object.keys(imagesSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  network: Object.keys(networkSchema.shape),
};

/** The keys of the object schema at `path` under `schema` (optional wrappers unwrapped). */
function keysOf(schema: z.ZodType | undefined, path: readonly PropertyKey[]): readonly string[] {
  const unwrap = (s: z.ZodType | undefined) => (s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s);
  let at = unwrap(schema);
  for (const key of path) at = unwrap(at instanceof z.ZodObject ? (at.shape as Record<string, z.ZodType>)[String(key)] : undefined);
  return at instanceof z.ZodObject ? Object.keys(at.shape) : [];
}

function knownKeysAt(path: readonly PropertyKey[], target: Target): readonly string[] {
  if (path[0] === "nodePools") return Object.keys((target === "aws" ? awsNodePoolSchema : existingNodePoolSchema).shape);
  if (path[0] === "monitoring") return keysOf(monitoringSchema, path.slice(1));
  if (path[0] === "teams" && path[2] === "reclaim") return Object.keys(reclaimSchema.shape);
  if (path[0] === "inferenceEndpoints") {
    const nested: Record<string, z.ZodObject> = {
      model: inferenceEndpointSchema.shape.model,
      replicas: inferenceEndpointSchema.shape.replicas,
      traffic: inferenceEndpointSchema.shape.traffic,
      loraAdapters: inferenceEndpointSchema.shape.loraAdapters.unwrap().element,
    };
    const inner = typeof path[2] === "string" ? nested[path[2]] : undefined;
    return Object.keys((path.length > 2 && inner ? inner : inferenceEndpointSchema).shape);
  }
  return KEYS_BY_PATH[String(path[0])] ?? [];
}

function requiredHint(path: readonly PropertyKey[]): string {
  const hints: Record<string, string> = {
    budgetUsdPerMonth: " (the monthly USD budget the cost policy enforces, e.g. 5000)",
    gpuStack: " ({ driverVersion, cudaVersion, pytorchVersion, deepspeedVersion })",
    images: ' ({ registry: "<host>/<path>" } where the aligned images are pushed)',
    nodePools: " (a list of node pools)",
    cluster: " ({ kubernetesVersion: \"1.34\", ... })",
    kubernetesVersion: ' (e.g. "1.33")',
  };
  return hints[String(path[path.length - 1])] ?? "";
}

