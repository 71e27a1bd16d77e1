/**
 * The FSx for Lustre file system's identity (pure): the settings AWS cannot change in place. A
 * change to any of them replaces the file system — and destroys every shard on it not yet exported
 * to S3. The program exports the identity as a stack output and compares the next plan against it.
 */
import type { AwsPlatformSpec } from "../config/types";
import { AWS_TYPES } from "../resourceTypes";
import { forcedChanges } from "../review/replacement";

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

const dataKeyAlias = (stack: string) => `alias/llm-platform-${stack}-data`;

/** The identity as the file system's inputs, so the replacement table (one rule for every check) can read it. */
function identityAsInputs(identity: FileSystemIdentity): Record<string, unknown> {
  return {
    deploymentType: identity.deploymentType,
    storageType: identity.storageType,
    // One subnet per AZ: another AZ is another subnet.
    subnetIds: `private subnet in ${identity.availabilityZone}`,
    kmsKeyId: identity.kmsKeyAlias,
    fileSystemTypeVersion: identity.fileSystemTypeVersion,
    storageCapacity: identity.storageCapacityGiB,
  };
}

const IDENTITY_FIELD: Readonly<Record<string, keyof FileSystemIdentity>> = {
  deploymentType: "deploymentType",
  storageType: "storageType",
  subnetIds: "availabilityZone",
  kmsKeyId: "kmsKeyAlias",
  fileSystemTypeVersion: "fileSystemTypeVersion",
  storageCapacity: "storageCapacityGiB",
};

/**
 * Why going from `previous` to `next` replaces the file system (empty: an in-place update or none),
 * by the replacement table (infra/review/replacement.ts): capacity grows in place but never shrinks,
 * a newer Lustre version upgrades in place, an older one replaces.
 */
export function fileSystemReplacementReasons(previous: FileSystemIdentity, next: FileSystemIdentity): string[] {
  return forcedChanges(AWS_TYPES.lustreFileSystem, identityAsInputs(previous), identityAsInputs(next)).map((f) => {
    const field = IDENTITY_FIELD[f.path];
    return `${field} ${previous[field]} → ${next[field]}${f.condition ? ` (${f.condition})` : ""}`;
  });
}
