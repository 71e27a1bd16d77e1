import Ajv from "ajv";
import { readUpstreamYaml } from "./upstream";

/** A validator for one served version of a pinned upstream CRD (ajv, non-strict: x-kubernetes-* keywords pass). */
export function crdValidator(relativePath: string, version: string) {
  const crd = readUpstreamYaml(relativePath);
  const served = crd.spec.versions.find((v: { name: string }) => v.name === version);
  if (!served) throw new Error(`${relativePath} serves no version ${version}`);
  // CRD patterns are Go (RE2) regular expressions: an inline `(?i)` becomes JavaScript's `i` flag
  // (prometheus-operator's PrometheusRule partial_response_strategy uses it).
  const regExp = Object.assign((pattern: string, flags: string) => (pattern.includes("(?i)") ? new RegExp(pattern.replace("(?i)", ""), `${flags}i`) : new RegExp(pattern, flags)), { code: "new RegExp" });
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp } });
  // The OpenAPI formats Kubernetes CRDs use.
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  const validate = ajv.compile(served.schema.openAPIV3Schema);
  return (object: unknown): string[] => (validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
