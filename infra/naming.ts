/**
 * Every name the platform derives from config values, and the rules of the API that receives each
 * (pure). Components name their objects with these functions and the config checks
 * (config/nameChecks.ts) validate the output of the same functions, so a name that passes the
 * check is the name that gets created.
 */
import { createHash } from "crypto";

/** What an API accepts as a name: its length limit and its syntax. */
export interface NameRule {
  /** What receives the name, for messages: "EKS node group name". */
  readonly what: string;
  readonly maxLength: number;
  readonly minLength: number;
  readonly pattern: RegExp;
  /** The pattern in words. */
  readonly syntax: string;
  /** Why the limit is what it is, when it is not the API's own field limit. */
  readonly why?: string;
}

const rule = (what: string, maxLength: number, pattern: RegExp, syntax: string, extra: { minLength?: number; why?: string } = {}): NameRule =>
  ({ what, maxLength, minLength: extra.minLength ?? 1, pattern, syntax, ...(extra.why ? { why: extra.why } : {}) });

// Kubernetes "Object Names and IDs" (kubernetes.io/docs/concepts/overview/working-with-objects/names/)
// and the validators behind it (k8s.io/apimachinery pkg/util/validation/validation.go:
// IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsValidLabelValue, IsQualifiedName).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_SYNTAX = "lowercase letters, digits and '-', starting and ending with a letter or digit";
const SUBDOMAIN_SYNTAX = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";

/**
 * Pod names of a TrainJob's JobSet: Kubeflow Trainer names the JobSet after the TrainJob
 * (kubeflow/trainer pkg/runtime/framework/plugins/jobset/jobset.go: JobSet(trainJob.Name, …)), and
 * JobSet's webhook refuses a JobSet whose longest pod name `<jobset>-<replicatedJob>-<job>-<pod>-xxxxx`
 * is not a DNS-1035 label (kubernetes-sigs/jobset pkg/webhooks/jobset_webhook.go, GenPodName).
 * The runtime's longest replicated job is `launcher` with one pod: `<name>-launcher-0-0-xxxxx`.
 */
const TRAINJOB_POD_NAME_OVERHEAD = "-launcher-0-0-xxxxx".length;

export const NAME_RULES = {
  namespace: rule("Kubernetes namespace name", 63, DNS1123_LABEL, LABEL_SYNTAX),
  object: rule("Kubernetes object name", 253, DNS1123_SUBDOMAIN, SUBDOMAIN_SYNTAX),
  /**
   * A Job's name is a DNS subdomain, but the Job controller puts it in every pod's `job-name` label
   * (a label value, ≤ 63): "Even when the name is a DNS subdomain, the name must be no longer than
   * 63 characters" (kubernetes.io/docs/concepts/workloads/controllers/job/, "Writing a Job spec").
   */
  job: rule("Kubernetes Job name", 63, DNS1123_SUBDOMAIN, SUBDOMAIN_SYNTAX, { why: "the Job controller writes it into each pod's job-name label, which holds at most 63" }),
  trainJob: rule("TrainJob name", 63 - TRAINJOB_POD_NAME_OVERHEAD, DNS1035_LABEL, "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit", {
    why: `its JobSet's pods are named <name>${"-launcher-0-0-xxxxx"}, and JobSet refuses pod names that are not DNS-1035 labels of at most 63`,
  }),
  // Services: "RFC 1035 Label Names" (Kubernetes "Object Names and IDs"): DNS-1035 label, ≤ 63.
  service: rule("Kubernetes Service name", 63, DNS1035_LABEL, "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit"),
  labelValue: rule("Kubernetes label value", 63, /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, "letters, digits, '-', '_' and '.', starting and ending with a letter or digit", { minLength: 0 }),
  // EKS CreateCluster name: 1–100, ^[0-9A-Za-z][A-Za-z0-9\-_]* (EKS API reference, CreateCluster).
  eksCluster: rule("EKS cluster name", 100, /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, "letters, digits, '-' and '_', starting with a letter or digit"),
  // EKS CreateNodegroup nodegroupName: at most 63, starting with a letter or digit, then letters,
  // digits, '-' and '_' (EKS API reference, CreateNodegroup; pulumi-aws eks.NodeGroup nodeGroupName).
  nodeGroup: rule("EKS node group name", 63, /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, "letters, digits, '-' and '_', starting with a letter or digit"),
  // EC2 CreateLaunchTemplate LaunchTemplateName: 3–128 of [a-zA-Z0-9().\-/_] (EC2 API reference).
  launchTemplate: rule("EC2 launch template name", 128, /^[a-zA-Z0-9().\-/_]+$/, "letters, digits and ( ) . - / _", { minLength: 3 }),
  // EC2 CreatePlacementGroup GroupName: up to 255 ASCII characters (EC2 API reference).
  placementGroup: rule("EC2 placement group name", 255, /^[\x20-\x7e]+$/, "ASCII characters"),
} as const;

/** Why `name` breaks `nameRule` ("is 70 characters, more than 63"), or undefined when it fits. */
export function nameRuleViolation(name: string, nameRule: NameRule): string | undefined {
  const a = /^[AEIOU]/.test(nameRule.what) ? "an" : "a";
  if (name.length > nameRule.maxLength) return `is ${name.length} characters, more than the ${nameRule.maxLength} ${a} ${nameRule.what} may have${nameRule.why ? ` (${nameRule.why})` : ""}`;
  if (name.length < nameRule.minLength) return `is ${name.length} characters, fewer than the ${nameRule.minLength} ${a} ${nameRule.what} needs`;
  if (!nameRule.pattern.test(name)) return `is not a valid ${nameRule.what} (${nameRule.syntax})`;
  return undefined;
}

// ---- Names the platform derives ------------------------------------------------------------

/**
 * Stack names become part of AWS names: Pulumi auto-names IAM roles `<logical name>-<7 random>`
 * and the longest role's logical name is `<stack>-block-storage-ebs-csi` (22 characters after the
 * stack); IAM role names hold 64 (IAM API reference, CreateRole RoleName). 30 leaves room for the
 * random suffix and for roles of components to come; test/names.test.ts plans a stack of this
 * length and checks every AWS and Kubernetes name in it.
 */
export const MAX_STACK_NAME_LENGTH = 30;
/** The S3 bucket is auto-named from the stack (S3 bucket names: lowercase letters, digits and '-'), and the default cluster name starts with `llm-`. */
export const STACK_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;

/** The EKS cluster's name when cluster.name is not set. */
export const defaultClusterName = (stack: string) => `llm-${stack}`;
/** The managed node group of a pool (the program's root component is named after the stack). */
export const nodeGroupName = (stack: string, pool: string) => `${stack}-${pool}`;
/** A pool's launch template, found by name at preview time by policies and the cost model. */
export const launchTemplateName = (cluster: string, pool: string) => `${cluster}-${pool}`;
/** An EFA pool's cluster placement group. */
export const placementGroupName = (cluster: string, pool: string) => `${cluster}-${pool}`;

/** The ClusterTrainingRuntime of a training pool. */
export const runtimeName = (pool: string) => `deepspeed-${pool}`;
/** The Kueue ResourceFlavor of a GPU pool. */
export const flavorName = (pool: string) => `pool-${pool}`;
/** Every fabric acceptance TrainJob's name starts so (generateName); its JobSet and Jobs inherit it (the NcclAcceptanceFailed alert matches it). */
export const NCCL_ACCEPTANCE_NAME_PREFIX = "nccl-allreduce-";
/** The acceptance TrainJob's generateName for a pool; the API server appends 5 random characters. */
export const acceptanceTestGenerateName = (pool: string) => `${NCCL_ACCEPTANCE_NAME_PREFIX}${pool}-`;
/** Characters the API server appends to a generateName. */
export const GENERATED_SUFFIX_LENGTH = 5;

/** A training run's TrainJob: the job's name, or `<job>-<variant>`. */
export const trainJobName = (job: string, variant?: string) => (variant ? `${job}-${variant}` : job);
/** The ConfigMap holding a run's DeepSpeed config. */
export const deepspeedConfigMapName = (run: string) => `${run}-deepspeed`;

/** A data set's tokenise Job: the manifest key in the name makes a changed identity a new Job. */
export const tokeniseJobName = (dataset: string, manifestKey: string) => `tokenise-${dataset}-${manifestKey.slice(0, 10)}`;
/** The ConfigMaps of a tokenise Job: its code and its config. */
export const tokeniseConfigMapNames = (jobName: string) => ({ code: `${jobName}-code`, config: `${jobName}-config` });

/** The FSx PersistentVolume bound to a team's shared-data claim (PersistentVolumes are cluster-scoped: one per team). */
export const sharedDataVolumeName = (team: string) => `llm-shared-data-${team}`;

/**
 * The key of an IAM principal's EKS access entry among the cluster's children: its name (the part
 * after the last '/') and a hash of the whole ARN, since roles of two accounts or two paths may share
 * a name and are still two principals.
 */
export const principalKey = (arn: string) => `${roleNameOf(arn).slice(0, 40)}-${shortHash(arn)}`;

/** The role name of a role ARN (the part after the last '/': a path comes before it). */
export const roleNameOf = (arn: string) => arn.split("/").pop() ?? arn;

/** Eight hex characters of the SHA-256 of a string: stable, and distinct for distinct inputs in practice. */
const shortHash = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 8);
