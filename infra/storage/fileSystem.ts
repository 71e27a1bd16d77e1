/**
 * The FSx for Lustre file system's identity (pure): the settings AWS cannot change in place. A
 * change to any of them replaces the file system — and destroys every shard on it not yet exported
 * to S3. The program exports the identity as a stack output and compares the next plan against it.
 */
import type { AwsPlatformSpec } from "../config/types";

export interface FileSystemIdentity {
  readonly deploymentType: string;
  readonly storageType: string;
  readonly availabilityZone: string;
  readonly kmsKeyAlias: string;
  readonly fileSystemTypeVersion: string;
  readonly storageCapacityGiB: number;
}

// Lustre 2.15: the version FSx recommends for PERSISTENT_2 and the one the CSI driver's client supports.
export const LUSTRE_VERSION = "2.15";
/** The SharedStorage component's type token: its inputs carry the identities the replacement policy compares. */
export const SHARED_STORAGE_TYPE = "llm-platform:storage:SharedStorage";
export const FSX_DEPLOYMENT_TYPE = "PERSISTENT_2";

export function fileSystemIdentity(spec: AwsPlatformSpec): FileSystemIdentity | undefined {
  if (!spec.storage) return undefined;
  return {
    deploymentType: FSX_DEPLOYMENT_TYPE,
    storageType: "SSD",
    availabilityZone: spec.storage.fsx.availabilityZone,
    kmsKeyAlias: dataKeyAlias(spec.stack),
    fileSystemTypeVersion: LUSTRE_VERSION,
    storageCapacityGiB: spec.storage.fsx.storageCapacityGiB,
  };
}

export const dataKeyAlias = (stack: string) => `alias/llm-platform-${stack}-data`;

/**
 * Why going from `previous` to `next` replaces the file system (empty: an in-place update or none).
 * Capacity can grow in place but never shrink (aws_fsx_lustre_file_system: storage_capacity).
 */
export function fileSystemReplacementReasons(previous: FileSystemIdentity, next: FileSystemIdentity): string[] {
  const reasons: string[] = [];
  for (const field of ["deploymentType", "storageType", "availabilityZone", "kmsKeyAlias", "fileSystemTypeVersion"] as const) {
    if (previous[field] !== next[field]) reasons.push(`${field} ${previous[field]} → ${next[field]}`);
  }
  if (next.storageCapacityGiB < previous.storageCapacityGiB) {
    reasons.push(`storageCapacityGiB ${previous.storageCapacityGiB} → ${next.storageCapacityGiB} (capacity can only grow in place)`);
  }
  return reasons;
}
