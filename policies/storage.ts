import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../infra/resourceTypes";
import { FileSystemIdentity, fileSystemReplacementReasons, SHARED_STORAGE_TYPE } from "../infra/storage/fileSystem";

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

/**
 * The shards' bucket and file system cannot be deleted or replaced by accident. (CrossGuard's
 * resource options carry `protect` but not `retainOnDelete`; the SharedStorage component sets
 * both, and its tests assert both.)
 */
export const sharedStorageProtected: StackValidationPolicy = {
  name: "shared-storage-protected",
  description: "The shared data bucket and file system must be protected.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const r of args.resources.filter((x: PolicyResource) => STATEFUL.includes(x.type))) {
      if (!r.opts.protect) reportViolation(`${r.type.split(":").pop()} ${r.name} holds training data but is not protected`, r.urn);
    }
  },
};
