import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../infra/resourceTypes";
import { FileSystemIdentity, fileSystemReplacementReasons, SHARED_STORAGE_TYPE } from "../infra/storage/fileSystem";
import { SHARED_DATA_CLAIM } from "../infra/storage/values";

/** Stores whose deletion loses data: every S3 bucket the platform makes (data and access logs) and the file system. */
const STATEFUL: string[] = [AWS_TYPES.bucket, AWS_TYPES.lustreFileSystem];

/**
 * Reports, before `pulumi up` can act on it, a change that would replace the FSx file system:
 * deployment type, AZ/subnet, KMS key, an older Lustre version, or a smaller capacity — the
 * replacement table's rules (infra/review/replacement.ts), the same the review's data-loss guard
 * applies. Replacing it destroys every shard not yet exported to S3 (and hours of tokenising).
 */
export const fileSystemNotReplaced: StackValidationPolicy = {
  name: "file-system-not-replaced",
  description: "A change must not replace the FSx for Lustre file system holding the shards (deployment type, AZ, KMS key, an older Lustre version, or a capacity decrease).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const component of args.resources.filter((r) => r.type === SHARED_STORAGE_TYPE)) {
      const previous = component.props.previousIdentity as FileSystemIdentity | undefined;
      const next = component.props.identity as FileSystemIdentity | undefined;
      if (!previous || !next) continue; // a new stack: nothing deployed to replace
      const reasons = fileSystemReplacementReasons(previous, next);
      if (reasons.length > 0) {
        reportViolation(
          `this change replaces the FSx file system and destroys the shards on it: ${reasons.join("; ")}. ` +
            `Revert it, or export the shards to S3, then change storage.fsx deliberately with this policy disabled for that one update.`,
          component.urn,
        );
      }
    }
  },
};

/** The data's encryption key: a key the file system or a bucket's default encryption names (losing it loses the data). */
function dataKeys(resources: readonly PolicyResource[]): PolicyResource[] {
  const users = resources.filter((r) => r.type === AWS_TYPES.lustreFileSystem || r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
  const urns = new Set(users.flatMap((r) => [...(r.propertyDependencies?.kmsKeyId ?? []), ...(r.propertyDependencies?.rules ?? [])]).filter((d) => d.type === "aws:kms/key:Key").map((d) => d.urn));
  return resources.filter((r) => urns.has(r.urn));
}

/**
 * The data cannot be deleted or replaced by accident: the buckets (data and access logs), the file
 * system, the key that encrypts them, and each team's shared-data claim — protected where deleting
 * the claim deletes its volume (a dynamically provisioned claim under the usual Delete reclaim
 * policy), and on a Retain volume where it is bound to a static one. (CrossGuard's resource options
 * carry `protect` but not `retainOnDelete`; the components set both, and their tests assert both.)
 */
export const sharedStorageProtected: StackValidationPolicy = {
  name: "shared-storage-protected",
  description: "The shared data's stores are protected: S3 buckets, the FSx file system, the KMS key that encrypts them, and each team's shared-data claim (protected when dynamically provisioned, bound to a Retain volume when static). Source: platform (issue 11: the on-prem claim's reclaim policy deleted data; the data key must live as long as the data it encrypts).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const r of args.resources.filter((x: PolicyResource) => STATEFUL.includes(x.type))) {
      if (!r.opts.protect) reportViolation(`${r.type.split(":").pop()} ${r.name} holds training data but is not protected`, r.urn);
    }
    for (const key of dataKeys(args.resources)) {
      if (!key.opts.protect) reportViolation(`KMS key ${key.name} encrypts the shared data but is not protected: deleting it makes the data unreadable`, key.urn);
    }
    const volumes = args.resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolume");
    for (const claim of args.resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim" && r.props.metadata?.name === SHARED_DATA_CLAIM)) {
      const at = `claim ${claim.props.metadata?.namespace}/${SHARED_DATA_CLAIM}`;
      const volumeName = claim.props.spec?.volumeName;
      if (volumeName === undefined && (claim.propertyDependencies?.spec ?? []).length === 0) {
        if (!claim.opts.protect) reportViolation(`${at} is provisioned by its StorageClass but not protected: deleting it deletes the team's data under the Delete reclaim policy`, claim.urn);
        continue;
      }
      const volume = volumes.find((v) => v.props.metadata?.name === volumeName);
      if (volume && volume.props.spec?.persistentVolumeReclaimPolicy !== "Retain") {
        reportViolation(`${at} is bound to volume ${volumeName} with reclaim policy ${volume.props.spec?.persistentVolumeReclaimPolicy ?? "unset (Delete for dynamic volumes)"}: releasing the claim deletes the data; set Retain`, volume.urn);
      }
    }
  },
};
