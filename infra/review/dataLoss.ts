/**
 * The data-loss guard: a change that replaces or deletes a resource holding data or running work.
 * One rule for the offline diff (`--baseline`) and for a real `pulumi preview --json`: each names
 * the resource, the input that forces the replacement and what the resource holds.
 *
 * Mandatory where the loss is documented and not undone by the next `pulumi up` (the data is gone,
 * or unreadable); advisory where the data survives elsewhere and only service is interrupted.
 */
import { AWS_TYPES } from "../resourceTypes";
import { resourceLabel } from "./planDocument";

export type ChangeOp = "replace" | "delete";

/** Why a resource is replaced: an input that forces it, or an input fed by a replaced resource. */
export interface ReplaceReason {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly condition?: string;
  /** The replaced resource this input's value comes from (its new outputs are unknown until created). */
  readonly cascadeFrom?: string;
  readonly source?: string;
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly reasons: readonly ReplaceReason[];
  /** The deployed resource's inputs (what is being replaced or deleted). */
  readonly inputs: Readonly<Record<string, any>>;
  readonly protect?: boolean;
}

export type Level = "mandatory" | "advisory";

export interface DataLossFinding {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly level: Level;
  /** Mandatory, but named by `--accept-replace`: reported, does not fail. */
  readonly accepted: boolean;
  readonly reasons: readonly ReplaceReason[];
  readonly holds: string;
  readonly why: string;
  readonly message: string;
}

interface StatefulKind {
  readonly holds: string;
  readonly assess: (inputs: Readonly<Record<string, any>>) => { level: Level; why: string };
}

const always = (level: Level, why: string) => () => ({ level, why });

const STATEFUL_KINDS: Readonly<Record<string, StatefulKind>> = {
  [AWS_TYPES.lustreFileSystem]: {
    holds: "tokenised shards and checkpoints not yet exported to the S3 bucket (export runs behind writes), and the hours of tokenising and import that filled it",
    assess: always("mandatory", "FSx deletes a file system's data with it; its replacement starts empty."),
  },
  [AWS_TYPES.bucket]: {
    holds: "raw data sets, tokenised shards and checkpoints (every version)",
    assess: always("mandatory", "A replacement bucket starts empty; the old one is deleted with its objects (forceDestroy) or blocks the update half-way."),
  },
  "aws:eks/cluster:Cluster": {
    holds: "every workload, Secret, claim binding, Kueue queue and running TrainJob in the cluster",
    assess: always("mandatory", "A new control plane has none of the old cluster's Kubernetes objects or etcd state."),
  },
  "aws:kms/key:Key": {
    holds: "the key to everything it encrypts (Kubernetes Secrets, or the data bucket and file system)",
    assess: always("mandatory", "The old key is scheduled for deletion; what it encrypted is unreadable once the deletion window ends."),
  },
  "aws:ebs/volume:Volume": {
    holds: "the volume's blocks",
    assess: always("mandatory", "A replacement volume starts empty."),
  },
  "kubernetes:core/v1:Namespace": {
    holds: "every object in the namespace: claims, Secrets, TrainJobs and their pods",
    assess: always("mandatory", "Deleting a namespace deletes everything in it."),
  },
  "kubernetes:core/v1:PersistentVolumeClaim": {
    holds: "the team's data on the claimed volume",
    assess: (inputs) =>
      inputs.spec?.volumeName
        ? { level: "advisory", why: `Bound to the pre-created volume ${inputs.spec.volumeName}: the data stays on it, but the volume is Released and a new claim binds only after its claimRef is cleared.` }
        : { level: "mandatory", why: "A dynamically provisioned claim: deleting it deletes the volume under the StorageClass's reclaim policy (Delete by default)." },
  },
  "kubernetes:core/v1:PersistentVolume": {
    holds: "the team's data on the backing storage",
    assess: (inputs) =>
      inputs.spec?.persistentVolumeReclaimPolicy === "Retain"
        ? { level: "advisory", why: "reclaimPolicy Retain: the backing storage keeps the data; the bound claim is Lost until it is bound again." }
        : { level: "mandatory", why: `reclaimPolicy ${inputs.spec?.persistentVolumeReclaimPolicy ?? "unset"}: deleting the volume may delete the backing storage.` },
  },
  [AWS_TYPES.nodeGroup]: {
    holds: "the pods running on the pool",
    assess: (inputs) =>
      inputs.labels?.["llm-platform/purpose"] === "training"
        ? { level: "mandatory", why: "A training pool: every running job is evicted and restarts from its last checkpoint; the GPU hours since are lost. Drain the pool (or let its jobs finish) first." }
        : { level: "advisory", why: "Its pods are evicted and rescheduled on the new group; capacity dips while it starts." },
  },
  "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation": {
    holds: "the link that exports the file system to the bucket",
    assess: (inputs) =>
      inputs.deleteDataInFilesystem === true
        ? { level: "mandatory", why: "deleteDataInFilesystem is set: deleting the association deletes its files from the file system." }
        : { level: "advisory", why: "While it is recreated, new files are not exported to the bucket." },
  },
};

function describeReason(r: ReplaceReason): string {
  if (r.cascadeFrom) return `\`${r.path}\` comes from ${resourceLabel(r.cascadeFrom)}, which is replaced`;
  const show = (v: unknown) => (v === undefined ? "unset" : typeof v === "string" ? v : JSON.stringify(v));
  const values = r.before !== undefined || r.after !== undefined ? ` ${show(r.before)} → ${show(r.after)}` : "";
  return `\`${r.path}\`${values}${r.condition ? ` (${r.condition})` : ""}`;
}

export function describeReasons(reasons: readonly ReplaceReason[]): string {
  return reasons.length > 0 ? reasons.map(describeReason).join("; ") : "the resource is no longer declared";
}

/** The guard's verdict on one replaced or deleted resource (undefined: it holds nothing the table knows of). */
export function assessChange(change: ResourceChange, accepted: readonly string[] = []): DataLossFinding | undefined {
  const kind = STATEFUL_KINDS[change.type];
  if (!kind) return undefined;
  const { level, why } = kind.assess(change.inputs);
  const isAccepted = level === "mandatory" && accepted.some((a) => a === change.name || a === change.urn);
  const verb = change.op === "replace" ? "replaces" : "deletes";
  const forcedBy = change.op === "replace" ? ` (forced by ${describeReasons(change.reasons)})` : "";
  const protectedNote = change.protect ? " It is protected: `pulumi up` would stop at the delete, after creating any replacement." : "";
  return {
    urn: change.urn,
    type: change.type,
    name: change.name,
    op: change.op,
    level,
    accepted: isAccepted,
    reasons: change.reasons,
    holds: kind.holds,
    why,
    message: `this change ${verb} ${resourceLabel(change.urn)}${forcedBy}, which holds ${kind.holds}. ${why}${protectedNote}`,
  };
}

export function guard(changes: readonly ResourceChange[], accepted: readonly string[] = []): DataLossFinding[] {
  const findings = changes.map((c) => assessChange(c, accepted)).filter((f): f is DataLossFinding => f !== undefined);
  return findings.sort((a, b) => Number(b.level === "mandatory") - Number(a.level === "mandatory"));
}

/** Findings that fail the check: mandatory and not accepted. */
export const blocking = (findings: readonly DataLossFinding[]) => findings.filter((f) => f.level === "mandatory" && !f.accepted);
