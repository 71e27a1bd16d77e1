import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsStorageSpec } from "../../infra/config/types";
import { FileSystemIdentity, FSX_DEPLOYMENT_TYPE, LUSTRE_VERSION, SHARED_STORAGE_TYPE } from "../../infra/storage/fileSystem";
import { EXPECTED_DATA_TAG } from "../../infra/metadata";
import { FSX_CSI_DRIVER, fsxCsiDriverValues, SHARED_DATA_CLAIM } from "../../infra/storage/values";
import { CHARTS } from "../../infra/versions";
import { sharedDataVolumeName } from "../../infra/naming";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { teamDirectoriesJob } from "./teamDirectoriesJob";
import { teamMountName, teamVolumeHandle } from "../../infra/storage/teamDirectories";
import { SYSTEM_NAMESPACE } from "../../infra/security/namespaces";
import { ACCESS_LOG_PREFIX, ACCESS_LOG_RETENTION_DAYS, accessLogBucketPolicy, dataBucketPolicy } from "../../infra/storage/bucketPolicies";

/** The claim on the file system's root, in the platform's namespace (the team-directories Job's). */
const ROOT_CLAIM = "llm-shared-data-root";

/** What every static volume on the file system shares: RWX, never deleted with its claim, no class, flock. */
function sharedVolumeSpec(capacity: string) {
  return { capacity: { storage: capacity }, accessModes: ["ReadWriteMany"], persistentVolumeReclaimPolicy: "Retain", storageClassName: "", mountOptions: ["flock"] };
}

// Lustre client ↔ server ports (docs.aws.amazon.com/fsx/latest/LustreGuide/limit-access-security-groups.html).
const LUSTRE_PORTS = [{ from: 988, to: 988 }, { from: 1018, to: 1023 }] as const;

/**
 * The data key's policy: the account's IAM policies govern it (the default statement), and FSx's
 * per-file-system S3 access role may use it — without that, the data repository association cannot
 * read or write the SSE-KMS bucket (FSx for Lustre guide, "Linking your file system to an S3 bucket":
 * buckets encrypted with a customer managed key). The role's name ends in the file system's id, which
 * does not exist yet: hence the ARN pattern.
 */
function dataKeyPolicy(account: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "FsxS3DataRepositoryAccess",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account },
          ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*` },
        },
      },
    ],
  };
}

export interface SharedStorageArgs {
  /** The AWS account, for the data key's policy. */
  accountId: pulumi.Input<string>;
  storage: AwsStorageSpec;
  /** The file system's settings that force replacement, and the deployed ones (from the last stack outputs). */
  identity: FileSystemIdentity;
  previousIdentity?: pulumi.Input<FileSystemIdentity | undefined>;
  vpcId: pulumi.Input<string>;
  /** The private subnet of the file system's AZ (the EFA training pools' subnet). */
  subnetId: pulumi.Input<string>;
  /** The security group every node joins; Lustre clients connect from it. */
  nodeSecurityGroupId: pulumi.Input<string>;
  /** Team namespaces that get a ReadWriteMany claim on the file system. */
  teamNamespaces: Record<string, pulumi.Input<string>>;
  /** The platform's namespace: the team-directories Job and the only claim on the file system's root. */
  systemNamespace: pulumi.Input<string>;
  /** The image of the platform's small jobs (infra/versions.ts platformJobs). */
  jobImage: string;
  provider: k8s.Provider;
  tags: Record<string, string>;
}

/**
 * Shared storage for raw data, tokenised shards and checkpoints on AWS: an S3 bucket (SSE-KMS,
 * versioned, private, TLS-only), an FSx for Lustre PERSISTENT_2 file system linked to it both ways
 * (shards written once are visible to every worker and outlive the file system), the FSx CSI driver
 * and a ReadWriteMany claim in every team namespace. Bucket and file system are protected and
 * retained on delete.
 */
export class SharedStorage extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly fileSystem: aws.fsx.LustreFileSystem;
  public readonly dataKey: aws.kms.Key;
  /** Where the data bucket's server access logs go. */
  public readonly logBucket: aws.s3.Bucket;
  /** The Job that creates each team's tree: claims are usable once it has completed. */
  public readonly teamDirectories: k8s.batch.v1.Job;

  constructor(name: string, args: SharedStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    // The identities are the component's inputs so the replacement policy sees both at preview.
    super(SHARED_STORAGE_TYPE, name, { identity: args.identity, previousIdentity: args.previousIdentity }, opts);
    const parent = { parent: this };
    const keep = { parent: this, protect: true, retainOnDelete: true };
    const tags = args.tags;

    this.dataKey = new aws.kms.Key(`${name}-data`, {
      description: "llm-platform shared data (S3 bucket, FSx for Lustre)",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.output(args.accountId).apply((account) => JSON.stringify(dataKeyPolicy(account))),
      tags,
    }, { parent: this, protect: true, retainOnDelete: true }); // kept as long as the data it encrypts is
    new aws.kms.Alias(`${name}-data`, { name: args.identity.kmsKeyAlias, targetKeyId: this.dataKey.keyId }, parent);

    this.bucket = new aws.s3.Bucket(`${name}-data`, { forceDestroy: false, tags: { ...tags, [EXPECTED_DATA_TAG]: String(args.storage.s3.expectedDataGiB) } }, keep);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-data`, {
      bucket: this.bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.dataKey.arn }, bucketKeyEnabled: true }],
    }, parent);
    new aws.s3.BucketVersioning(`${name}-data`, { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    new aws.s3.BucketPublicAccessBlock(`${name}-data`, { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    new aws.s3.BucketLifecycleConfiguration(`${name}-data`, {
      bucket: this.bucket.id,
      rules: [
        { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        // Re-tokenising rewrites shards; keep superseded versions a month, not forever.
        { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } },
      ],
    }, parent);
    new aws.s3.BucketPolicy(`${name}-data`, { bucket: this.bucket.id, policy: this.bucket.arn.apply((arn) => JSON.stringify(dataBucketPolicy(arn))) }, parent);

    // Server access logs of the data bucket (who read or deleted which object), in a bucket of their
    // own: SSE-S3 (the only default encryption S3 log delivery writes to), versioned, private,
    // bucket-owner-enforced, TLS-only, kept a year; protected and retained like the data.
    this.logBucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: false, tags }, keep);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs`, { bucket: this.logBucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, parent);
    new aws.s3.BucketVersioning(`${name}-access-logs`, { bucket: this.logBucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    new aws.s3.BucketPublicAccessBlock(`${name}-access-logs`, { bucket: this.logBucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    new aws.s3.BucketOwnershipControls(`${name}-access-logs`, { bucket: this.logBucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketLifecycleConfiguration(`${name}-access-logs`, {
      bucket: this.logBucket.id,
      rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: ACCESS_LOG_RETENTION_DAYS }, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
    }, parent);
    const logPolicy = new aws.s3.BucketPolicy(`${name}-access-logs`, {
      bucket: this.logBucket.id,
      policy: pulumi.all([this.logBucket.arn, this.bucket.arn, args.accountId]).apply(([logArn, dataArn, account]) => JSON.stringify(accessLogBucketPolicy(logArn, dataArn, account))),
    }, parent);
    new aws.s3.BucketLogging(`${name}-data`, { bucket: this.bucket.id, targetBucket: this.logBucket.id, targetPrefix: ACCESS_LOG_PREFIX }, { parent: this, dependsOn: [logPolicy] });

    // Lustre traffic both ways between the file system and the nodes, and between file servers
    // (FSx for Lustre guide, "File system access control with Amazon VPC": inbound 988 and
    // 1018–1023 from the clients and from the file system's own group; the clients' group admits the
    // same ports from the file system, whose servers open connections back to the clients).
    const fsxSecurityGroup = new aws.ec2.SecurityGroup(`${name}-lustre`, { vpcId: args.vpcId, description: "FSx for Lustre: Lustre ports from the cluster's nodes only", tags }, parent);
    const lustreRules: pulumi.Resource[] = [];
    for (const { from, to } of LUSTRE_PORTS) {
      const ports = from === to ? `${from}` : `${from}-${to}`;
      const rule = { ipProtocol: "tcp", fromPort: from, toPort: to, tags };
      lustreRules.push(
        new aws.vpc.SecurityGroupIngressRule(`${name}-lustre-nodes-${ports}`, { ...rule, securityGroupId: fsxSecurityGroup.id, referencedSecurityGroupId: args.nodeSecurityGroupId, description: `Lustre ${ports} from nodes` }, parent),
        new aws.vpc.SecurityGroupIngressRule(`${name}-lustre-self-${ports}`, { ...rule, securityGroupId: fsxSecurityGroup.id, referencedSecurityGroupId: fsxSecurityGroup.id, description: `Lustre ${ports} between file servers` }, parent),
        new aws.vpc.SecurityGroupEgressRule(`${name}-lustre-out-self-${ports}`, { ...rule, securityGroupId: fsxSecurityGroup.id, referencedSecurityGroupId: fsxSecurityGroup.id, description: `Lustre ${ports} between file servers` }, parent),
        new aws.vpc.SecurityGroupEgressRule(`${name}-lustre-out-nodes-${ports}`, { ...rule, securityGroupId: fsxSecurityGroup.id, referencedSecurityGroupId: args.nodeSecurityGroupId, description: `Lustre ${ports} to nodes` }, parent),
        new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-from-lustre-${ports}`, { ...rule, securityGroupId: args.nodeSecurityGroupId, referencedSecurityGroupId: fsxSecurityGroup.id, description: `Lustre ${ports} from the file system` }, parent),
      );
    }

    this.fileSystem = new aws.fsx.LustreFileSystem(`${name}-shards`, {
      deploymentType: FSX_DEPLOYMENT_TYPE,
      storageType: args.identity.storageType,
      storageCapacity: args.storage.fsx.storageCapacityGiB,
      perUnitStorageThroughput: args.storage.fsx.throughputPerTiB,
      fileSystemTypeVersion: LUSTRE_VERSION,
      subnetIds: args.subnetId, // one subnet: PERSISTENT_2 file systems live in one AZ
      securityGroupIds: [fsxSecurityGroup.id],
      kmsKeyId: this.dataKey.arn,
      dataCompressionType: "LZ4",
      // The bucket is the durable copy (automatic export); FSx backups would pay twice for it.
      automaticBackupRetentionDays: 0,
      tags,
    }, { ...keep, dependsOn: lustreRules }); // CreateFileSystem checks the Lustre ports of its groups when it is called

    new aws.fsx.DataRepositoryAssociation(`${name}-shards`, {
      fileSystemId: this.fileSystem.id,
      fileSystemPath: "/",
      dataRepositoryPath: pulumi.interpolate`s3://${this.bucket.bucket}/`,
      batchImportMetaDataOnCreate: true,
      s3: {
        autoImportPolicy: { events: ["NEW", "CHANGED", "DELETED"] },
        // Deleting a file on the file system leaves the bucket's copy: a team's `rm -rf` (or a
        // mistaken job) cannot propagate to the durable copy. Cleaning S3 is a deliberate act.
        autoExportPolicy: { events: ["NEW", "CHANGED"] },
      },
      tags,
    }, parent);

    const capacity = `${args.storage.fsx.storageCapacityGiB}Gi`;
    const driver = pinnedRelease(`${name}-fsx-csi`, { releaseName: "aws-fsx-csi-driver", chart: CHARTS.fsxCsiDriver, namespace: "kube-system", values: fsxCsiDriverValues(), provider: args.provider }, this);

    // Each team mounts only its own tree (infra/storage/teamDirectories.ts): one PersistentVolume per
    // team on `<mount name>/teams/<team>`, made by the team-directories Job before any claim is used.
    // The Job alone mounts the root, from the platform's namespace.
    const rootVolume = new k8s.core.v1.PersistentVolume(`${name}-root`, {
      metadata: { name: "llm-shared-data-root" },
      spec: {
        ...sharedVolumeSpec(capacity),
        claimRef: { namespace: SYSTEM_NAMESPACE, name: ROOT_CLAIM },
        csi: { driver: FSX_CSI_DRIVER, volumeHandle: this.fileSystem.id, volumeAttributes: { dnsname: this.fileSystem.dnsName, mountname: this.fileSystem.mountName } },
      },
    }, { parent: this, provider: args.provider, dependsOn: [driver] });
    const rootClaim = new k8s.core.v1.PersistentVolumeClaim(`${name}-root`, {
      metadata: { name: ROOT_CLAIM, namespace: args.systemNamespace },
      spec: { accessModes: ["ReadWriteMany"], storageClassName: "", volumeName: rootVolume.metadata.name, resources: { requests: { storage: capacity } } },
    }, { parent: this, provider: args.provider });
    this.teamDirectories = teamDirectoriesJob(`${name}-team-directories`, { teams: Object.keys(args.teamNamespaces), namespace: args.systemNamespace, claim: rootClaim, image: args.jobImage, provider: args.provider }, this);

    for (const [team, namespace] of Object.entries(args.teamNamespaces)) {
      // A PersistentVolume binds one claim: one static volume per team, each on its own subtree.
      const volume = new k8s.core.v1.PersistentVolume(`${name}-${team}`, {
        metadata: { name: sharedDataVolumeName(team) },
        spec: {
          ...sharedVolumeSpec(capacity),
          claimRef: { namespace: team, name: SHARED_DATA_CLAIM },
          csi: {
            driver: FSX_CSI_DRIVER,
            volumeHandle: this.fileSystem.id.apply((id) => teamVolumeHandle(id, team)),
            volumeAttributes: { dnsname: this.fileSystem.dnsName, mountname: this.fileSystem.mountName.apply((m) => teamMountName(m, team)) },
          },
        },
      }, { parent: this, provider: args.provider, dependsOn: [driver, this.teamDirectories] });
      new k8s.core.v1.PersistentVolumeClaim(`${name}-${team}`, {
        metadata: { name: SHARED_DATA_CLAIM, namespace },
        spec: { accessModes: ["ReadWriteMany"], storageClassName: "", volumeName: volume.metadata.name, resources: { requests: { storage: capacity } } },
      }, { parent: this, provider: args.provider });
    }
    this.registerOutputs({ bucket: this.bucket.bucket, fileSystemId: this.fileSystem.id });
  }
}
