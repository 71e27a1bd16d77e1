import { execFileSync } from "child_process";
import * as path from "path";
import { podsOfObjects } from "../../infra/k8s/podTemplates";
import type { RecordedResource } from "../../infra/recorded";

export interface ScannedManifest {
  readonly stack: string;
  readonly manifest: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: unknown };
}

export interface ScanFinding {
  readonly stack: string;
  /** The scanner's rule id (PSS… Pod Security Standards, KBP… Trivy-derived practices). */
  readonly rule: string;
  /** "Kind namespace/name" of the scanned manifest. */
  readonly resource: string;
  /** Where in the manifest (the scanner's element path), "" when it names the whole resource. */
  readonly path: string;
  readonly message: string;
}

/** Kinds whose pods the scanner cannot see (it reads Pods, Deployments, StatefulSets, DaemonSets, Jobs and CronJobs). */
const TRAINING_KINDS = new Set(["ClusterTrainingRuntime", "TrainingRuntime", "TrainJob"]);

const podName = (where: string) =>
  where
    .toLowerCase()
    .replace(/^[a-z]+ /, (kind) => `${kind.trim()}-`)
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-");

/**
 * The plan's Kubernetes objects as the API server would receive them: every recorded `kubernetes:*`
 * resource but Helm releases and kustomizations (opaque under the mocks; their charts are upstream's),
 * plus each training runtime's and TrainJob's pods as the Pods the trainer makes (the scanner reads
 * no TrainJob), named after the object and replicated job they come from.
 */
export function manifestsOfPlan(stack: string, resources: readonly RecordedResource[]): ScannedManifest[] {
  const objects = resources
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && !r.type.startsWith("kubernetes:kustomize/"))
    .map((r) => r.inputs as ScannedManifest["manifest"])
    .filter((o) => o.kind && o.metadata?.name);
  const pods = podsOfObjects(objects.filter((o) => TRAINING_KINDS.has(o.kind))).map((pod) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: podName(pod.where.replace(/ [^ ]+\//, " ")), ...(pod.namespace ? { namespace: pod.namespace } : {}) },
    spec: pod.spec,
  }));
  return [...objects, ...pods].map((manifest) => ({ stack, manifest }));
}

const HELPER = path.join(__dirname, "monokleScan.mjs");

/** Runs @monokle/validation's bundled Pod Security and Trivy-derived rules over the manifests (in a node child process: the library is ESM only). */
export function scan(manifests: readonly ScannedManifest[]): { rules: number; findings: ScanFinding[] } {
  const out = execFileSync(process.execPath, [HELPER], { input: JSON.stringify(manifests), maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
  return JSON.parse(out);
}
