import { RecordedResource } from "../infra/plan/record";
import {
  awsSecurityPolicies,
  cniPolicyOffNodeRole,
  eksControlPlaneLogging,
  eksDeletionProtection,
  iamNoWildcardActions,
  kmsKeyRotation,
  logGroupsEncryptedRetained,
  podIdentityRolePerWorkload,
  s3AccessLogging,
  vpcFlowLogsEnabled,
} from "../policies/awsSecurity";
import { sharedStorageProtected } from "../policies/storage";
import { byName, inputs, messages, planWith } from "./helpers/policyRun";

// Each AWS-side security check (issue 11) both ways on the reference plans: as declared they pass;
// with the defect put back they fail with the exact message.

const A = {
  vpc: "aws:ec2/vpc:Vpc",
  flowLog: "aws:ec2/flowLog:FlowLog",
  bucket: "aws:s3/bucket:Bucket",
  bucketLogging: "aws:s3/bucketLogging:BucketLogging",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  cluster: "aws:eks/cluster:Cluster",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  key: "aws:kms/key:Key",
  addon: "aws:eks/addon:Addon",
  fsx: "aws:fsx/lustreFileSystem:LustreFileSystem",
  pv: "kubernetes:core/v1:PersistentVolume",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
};

const remove = (rs: RecordedResource[], r: RecordedResource) => rs.splice(rs.indexOf(r), 1);
const deps = (r: RecordedResource) => r.propertyDependencies as Record<string, string[]>;
const options = (r: RecordedResource) => r.options as { protect: boolean };
const policyOf = (r: RecordedResource) => JSON.parse(inputs(r).policy);
const setPolicy = (r: RecordedResource, doc: unknown) => { inputs(r).policy = JSON.stringify(doc); };

describe.each(["dev", "staging", "prod", "onprem"])("AWS security policies on the %s stack", (stack) => {
  it("all pass as declared", async () => {
    const resources = await planWith(stack);
    for (const policy of [...awsSecurityPolicies, sharedStorageProtected]) expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
  });
});

describe("policy vpc-flow-logs-enabled (mandatory)", () => {
  it("fails a VPC without a flow log, and one whose flow log records another VPC", async () => {
    const none = await planWith("dev", (rs) => remove(rs, rs.find((r) => r.type === A.flowLog)!));
    expect(await messages(vpcFlowLogsEnabled, none)).toEqual(["mandatory: VPC dev-vpc has no flow log: accepted and rejected connections go unrecorded; add an aws.ec2.FlowLog with trafficType ALL (CKV2_AWS_11)"]);
    const elsewhere = await planWith("dev", (rs) => { deps(rs.find((r) => r.type === A.flowLog)!).vpcId = ["urn:pulumi:dev::llm-platform::aws:ec2/vpc:Vpc::other"]; });
    expect(await messages(vpcFlowLogsEnabled, elsewhere)).toHaveLength(1);
  });
});

describe("policy s3-access-logging (mandatory)", () => {
  it("fails the data bucket without its access logging, as before the fix — and then the log bucket, no longer a log target, too", async () => {
    const resources = await planWith("prod", (rs) => remove(rs, rs.find((r) => r.type === A.bucketLogging)!));
    expect(await messages(s3AccessLogging, resources)).toEqual([
      "mandatory: bucket prod-storage-data has no server access logging: reads and deletions of its objects go unrecorded; add an aws.s3.BucketLogging to a log bucket (CKV_AWS_18)",
      "mandatory: bucket prod-storage-access-logs has no server access logging: reads and deletions of its objects go unrecorded; add an aws.s3.BucketLogging to a log bucket (CKV_AWS_18)",
    ]);
  });

  it("fails a bucket that logs into itself, and accepts the bucket's own inline logging", async () => {
    const self = await planWith("staging", (rs) => {
      const logging = rs.find((r) => r.type === A.bucketLogging)!;
      deps(logging).targetBucket = deps(logging).bucket;
    });
    expect(await messages(s3AccessLogging, self)).toEqual([
      "mandatory: bucket staging-storage-data logs its access into itself: every log delivery is logged again; send its logs to a separate bucket",
      "mandatory: bucket staging-storage-access-logs has no server access logging: reads and deletions of its objects go unrecorded; add an aws.s3.BucketLogging to a log bucket (CKV_AWS_18)",
    ]);
    const inline = await planWith("staging", (rs) => {
      remove(rs, rs.find((r) => r.type === A.bucketLogging)!);
      for (const b of rs.filter((r) => r.type === A.bucket)) inputs(b).loggings = [{ targetBucket: "elsewhere", targetPrefix: "s3/" }];
    });
    expect(await messages(s3AccessLogging, inline)).toEqual([]);
  });
});

describe("policy log-groups-encrypted-retained (mandatory)", () => {
  const withRetention = (days: number | undefined) => planWith("prod", (rs) => {
    const group = byName(rs, A.logGroup, "prod-eks-control-plane");
    if (days === undefined) delete inputs(group).retentionInDays;
    else inputs(group).retentionInDays = days;
  });

  it("accepts 90 days (on the threshold) and a year, fails 89 (just under), 0 and unset (kept forever)", async () => {
    expect(await messages(logGroupsEncryptedRetained, await withRetention(90))).toEqual([]);
    expect(await messages(logGroupsEncryptedRetained, await withRetention(365))).toEqual([]);
    expect(await messages(logGroupsEncryptedRetained, await withRetention(89))).toEqual(["mandatory: log group /aws/eks/llm-prod/cluster keeps logs 89 days, under the 90 an investigation needs (cw-loggroup-retention-period-check)"]);
    const forever = "mandatory: log group /aws/eks/llm-prod/cluster sets no retention: CloudWatch keeps it forever and bills it forever; set retentionInDays (at least 90) (CKV_AWS_66)";
    expect(await messages(logGroupsEncryptedRetained, await withRetention(0))).toEqual([forever]);
    expect(await messages(logGroupsEncryptedRetained, await withRetention(undefined))).toEqual([forever]);
  });

  it("fails a log group without a KMS key, and takes a key that is only an Output (unknown at preview) as given", async () => {
    const unencrypted = await planWith("prod", (rs) => {
      const group = byName(rs, A.logGroup, "prod-vpc-flow-logs");
      delete inputs(group).kmsKeyId;
      delete deps(group).kmsKeyId;
    });
    expect(await messages(logGroupsEncryptedRetained, unencrypted)).toEqual(["mandatory: log group /aws/vpc/llm-prod/flow-logs is not encrypted with a KMS key (kmsKeyId unset): audit and flow logs name principals and addresses (CKV_AWS_158)"]);
    const unknown = await planWith("prod", (rs) => { delete inputs(byName(rs, A.logGroup, "prod-vpc-flow-logs")).kmsKeyId; });
    expect(await messages(logGroupsEncryptedRetained, unknown)).toEqual([]);
  });
});

describe("policies eks-control-plane-logging and eks-deletion-protection (mandatory)", () => {
  it("fails a cluster that stops logging audit and authenticator events", async () => {
    const resources = await planWith("staging", (rs) => { inputs(rs.find((r) => r.type === A.cluster)!).enabledClusterLogTypes = ["api", "controllerManager", "scheduler"]; });
    expect(await messages(eksControlPlaneLogging, resources)).toEqual(["mandatory: EKS cluster llm-staging does not log audit, authenticator: who did what to the cluster is lost (CKV_AWS_37)"]);
  });

  it("fails a cluster without deletion protection, and one no longer protected from pulumi destroy", async () => {
    const resources = await planWith("dev", (rs) => {
      const cluster = rs.find((r) => r.type === A.cluster)!;
      delete inputs(cluster).deletionProtection;
      options(cluster).protect = false;
    });
    expect(await messages(eksDeletionProtection, resources)).toEqual([
      "mandatory: EKS cluster llm-dev has deletionProtection unset: the AWS API deletes it on request; set it to true",
      "mandatory: EKS cluster llm-dev is not protected: pulumi destroy would try to delete it",
    ]);
  });
});

describe("policy iam-no-wildcard-actions (mandatory)", () => {
  it("fails the autoscaler's policy with ec2:* or *, and a NotAction allow", async () => {
    const resources = await planWith("prod", (rs) => {
      const policy = byName(rs, A.rolePolicy, "prod-autoscaler");
      const doc = policyOf(policy);
      doc.Statement[0].Action = ["ec2:*", "autoscaling:DescribeTags"];
      doc.Statement[1].Action = "*";
      doc.Statement.push({ Sid: "Broad", Effect: "Allow", NotAction: "iam:*", Resource: "*" });
      setPolicy(policy, doc);
    });
    expect(await messages(iamNoWildcardActions, resources)).toEqual([
      "mandatory: role policy prod-autoscaler: statement 0 allows ec2:*: every action of the service, present and future; list the actions it needs (CKV_AWS_63, iam-policy-no-statements-with-full-access)",
      "mandatory: role policy prod-autoscaler: statement 1 allows *: every action, present and future; list the actions it needs (CKV_AWS_63, iam-policy-no-statements-with-full-access)",
      "mandatory: role policy prod-autoscaler: statement Broad allows every action but iam:* (NotAction with Allow); list the actions it needs",
    ]);
  });

  it("accepts a prefix wildcard (ec2:Describe*), a Deny of s3:*, and the key policy's account-root statement, but not kms:* for anyone else", async () => {
    const ok = await planWith("prod", (rs) => {
      const policy = byName(rs, A.rolePolicy, "prod-autoscaler");
      const doc = policyOf(policy);
      doc.Statement[0].Action = ["ec2:Describe*"];
      doc.Statement.push({ Effect: "Deny", Action: "s3:*", Resource: "*" });
      setPolicy(policy, doc);
    });
    expect(await messages(iamNoWildcardActions, ok)).toEqual([]);
    const key = await planWith("prod", (rs) => {
      const k = byName(rs, A.key, "prod-logs");
      const doc = policyOf(k);
      doc.Statement[1].Action = "kms:*";
      setPolicy(k, doc);
    });
    expect(await messages(iamNoWildcardActions, key)).toEqual(["mandatory: KMS key prod-logs's policy: statement CloudWatchLogs allows kms:*: every action of the service, present and future; list the actions it needs (CKV_AWS_63, iam-policy-no-statements-with-full-access)"]);
  });

  it("reads a role's inline policies too", async () => {
    const resources = await planWith("dev", (rs) => { inputs(byName(rs, A.role, "dev-vpc-flow-logs")).inlinePolicies = [{ name: "logs", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] }) }]; });
    expect(await messages(iamNoWildcardActions, resources)).toEqual(["mandatory: role dev-vpc-flow-logs inline policy logs: statement 0 allows logs:*: every action of the service, present and future; list the actions it needs (CKV_AWS_63, iam-policy-no-statements-with-full-access)"]);
  });
});

describe("policy cni-policy-off-node-role (mandatory)", () => {
  it("fails the CNI policy back on the node role, attached or among its managed policies", async () => {
    const resources = await planWith("staging", (rs) => {
      const cni = byName(rs, A.attachment, "staging-eks-vpc-cni");
      const node = byName(rs, A.role, "staging-eks-node");
      rs.push({ ...structuredClone(cni), urn: `${cni.urn}-node`, name: "staging-eks-node-AmazonEKS_CNI_Policy", inputs: { ...inputs(cni), role: "staging-eks-node" }, propertyDependencies: { role: [node.urn] } });
      inputs(node).managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"];
    });
    expect(await messages(cniPolicyOffNodeRole, resources)).toEqual([
      "mandatory: AmazonEKS_CNI_Policy is attached to node role staging-eks-node: every pod on those nodes gets the CNI's permissions; give the vpc-cni add-on its own Pod Identity role",
      "mandatory: node role staging-eks-node carries AmazonEKS_CNI_Policy in managedPolicyArns: every pod on those nodes gets the CNI's permissions",
    ]);
  });
});

describe("policy pod-identity-role-per-workload (mandatory)", () => {
  it("fails the EBS CSI driver and the autoscaler sharing one role", async () => {
    const resources = await planWith("prod", (rs) => {
      inputs(byName(rs, A.addon, "prod-block-storage-ebs-csi")).podIdentityAssociations[0].roleArn = "arn:aws:iam::000000000000:role/prod-autoscaler";
    });
    expect(await messages(podIdentityRolePerWorkload, resources)).toEqual([
      "mandatory: IAM role prod-autoscaler is assumed by 2 service accounts (kube-system/cluster-autoscaler, add-on aws-ebs-csi-driver/ebs-csi-controller-sa): each gets the other's permissions; give each its own role",
    ]);
  });

  it("tells roles apart by their resource when the ARNs are unknown (at preview)", async () => {
    const resources = await planWith("prod", (rs) => {
      for (const a of rs.filter((r) => r.type === A.addon || r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation")) {
        delete inputs(a).roleArn;
        for (const p of inputs(a).podIdentityAssociations ?? []) delete p.roleArn;
      }
    });
    expect(await messages(podIdentityRolePerWorkload, resources)).toEqual([]);
  });
});

describe("policy kms-key-rotation (mandatory)", () => {
  it("fails a key that does not rotate", async () => {
    const resources = await planWith("dev", (rs) => { delete inputs(byName(rs, A.key, "dev-logs")).enableKeyRotation; });
    expect(await messages(kmsKeyRotation, resources)).toEqual(["mandatory: KMS key dev-logs does not rotate its key material (enableKeyRotation unset) (CKV_AWS_7)"]);
  });
});

describe("policy shared-storage-protected (mandatory), extended to every store of the data", () => {
  it("fails the access-log bucket and the data key unprotected", async () => {
    const resources = await planWith("prod", (rs) => {
      options(byName(rs, A.bucket, "prod-storage-access-logs")).protect = false;
      options(byName(rs, A.key, "prod-storage-data")).protect = false;
    });
    expect(await messages(sharedStorageProtected, resources)).toEqual([
      "mandatory: Bucket prod-storage-access-logs holds training data but is not protected",
      "mandatory: KMS key prod-storage-data encrypts the shared data but is not protected: deleting it makes the data unreadable",
    ]);
  });

  it("fails the on-prem claim unprotected, as before the fix (its StorageClass deletes the volume with it)", async () => {
    const resources = await planWith("onprem", (rs) => { options(rs.find((r) => r.type === A.pvc)!).protect = false; });
    expect(await messages(sharedStorageProtected, resources)).toEqual(["mandatory: claim sales-dialogue/llm-shared-data is provisioned by its StorageClass but not protected: deleting it deletes the team's data under the Delete reclaim policy"]);
  });

  it("fails a team's static volume that would be deleted with its claim", async () => {
    const resources = await planWith("prod", (rs) => { inputs(byName(rs, A.pv, "prod-storage-research")).spec.persistentVolumeReclaimPolicy = "Delete"; });
    expect(await messages(sharedStorageProtected, resources)).toEqual(["mandatory: claim research/llm-shared-data is bound to volume llm-shared-data-research with reclaim policy Delete: releasing the claim deletes the data; set Retain"]);
  });

  it("leaves keys that encrypt no data (the logs and secrets keys) to the key policies", async () => {
    const resources = await planWith("prod", (rs) => { options(byName(rs, A.key, "prod-logs")).protect = false; });
    expect(await messages(sharedStorageProtected, resources)).toEqual([]);
  });
});
