/**
 * AWS-side security checks (issue 11): flow logs, access logs, log encryption and retention, the
 * cluster's audit trail and deletion protection, least privilege in IAM and KMS, the VPC CNI's
 * credentials, one Pod Identity role per workload, key rotation. Sources: Checkov
 * (bridgecrewio/checkov checkov/terraform/checks, 3.3.13), AWS Config managed rules, Pulumi's AWS
 * guard pack (pulumi/pulumi-policy-aws v0.4.0 src/), EKS Best Practices (aws/aws-eks-best-practices
 * latest/bpg/security).
 *
 * References between resources are read from the engine's property dependencies first (at preview
 * the referenced ids and ARNs are unknown), then from the recorded values.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { EKS_LOG_TYPES } from "../infra/security/auditLogs";
import { LOG_RETENTION_DAYS } from "../infra/security/flowLogs";

const dependsOn = (r: PolicyResource, prop: string, type?: string) => (r.propertyDependencies?.[prop] ?? []).filter((d) => !type || d.type === type);
const byType = (resources: readonly PolicyResource[], type: string) => resources.filter((r) => r.type === type);
/** Whether an input was given: a value, or an Output of another resource (unknown at preview). */
const given = (r: PolicyResource, prop: string) => (r.props[prop] !== undefined && r.props[prop] !== null && r.props[prop] !== "") || dependsOn(r, prop).length > 0;

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const ROLE = "aws:iam/role:Role";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** Checkov CKV2_AWS_11; AWS Config vpc-flow-logs-enabled. */
export const vpcFlowLogsEnabled: StackValidationPolicy = {
  name: "vpc-flow-logs-enabled",
  description: "Every VPC the platform creates has a flow log (Checkov CKV2_AWS_11; AWS Config vpc-flow-logs-enabled; CIS AWS Foundations 3.9): the record of who talked to what when an incident is investigated.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const flowLogs = byType(args.resources, FLOW_LOG);
    for (const vpc of byType(args.resources, VPC)) {
      const logged = flowLogs.some((f) => dependsOn(f, "vpcId").some((d) => d.urn === vpc.urn));
      if (!logged) report(`VPC ${vpc.name} has no flow log: accepted and rejected connections go unrecorded; add an aws.ec2.FlowLog with trafficType ALL (CKV2_AWS_11)`, vpc.urn);
    }
  },
};

/** Checkov CKV_AWS_18; AWS Config s3-bucket-logging-enabled; awsguard s3-bucket-logging-enabled. */
export const s3AccessLogging: StackValidationPolicy = {
  name: "s3-access-logging",
  description: "Every S3 bucket logs its server access to another bucket, as an aws.s3.BucketLogging resource or the bucket's own logging (Checkov CKV_AWS_18; AWS Config s3-bucket-logging-enabled; awsguard s3-bucket-logging-enabled, which reads only the bucket's inline loggings and so flags the platform's data bucket). Exemption: a bucket that receives access logs (logging it would log its own log deliveries).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const buckets = byType(args.resources, BUCKET);
    const loggings = byType(args.resources, BUCKET_LOGGING);
    const refersTo = (l: PolicyResource, prop: string, bucket: PolicyResource) => dependsOn(l, prop).some((d) => d.urn === bucket.urn);
    const targets = new Set(loggings.flatMap((l) => dependsOn(l, "targetBucket", BUCKET).map((d) => d.urn)));
    for (const bucket of buckets) {
      const inline = [...(bucket.props.loggings ?? []), ...(bucket.props.logging ? [bucket.props.logging] : [])];
      const logging = loggings.filter((l) => refersTo(l, "bucket", bucket));
      if (logging.some((l) => refersTo(l, "targetBucket", bucket))) report(`bucket ${bucket.name} logs its access into itself: every log delivery is logged again; send its logs to a separate bucket`, bucket.urn);
      else if (logging.length === 0 && inline.length === 0 && !targets.has(bucket.urn)) report(`bucket ${bucket.name} has no server access logging: reads and deletions of its objects go unrecorded; add an aws.s3.BucketLogging to a log bucket (CKV_AWS_18)`, bucket.urn);
    }
  },
};

/** Checkov CKV_AWS_158, CKV_AWS_66; AWS Config cloudwatch-log-group-encrypted, cw-loggroup-retention-period-check (MinRetentionTime 90). */
export const logGroupsEncryptedRetained: StackValidationPolicy = {
  name: "log-groups-encrypted-retained",
  description: `Every CloudWatch log group is encrypted with a KMS key and keeps its logs at least ${LOG_RETENTION_DAYS} days, never forever by omission (Checkov CKV_AWS_158, CKV_AWS_66; AWS Config cloudwatch-log-group-encrypted, cw-loggroup-retention-period-check with MinRetentionTime ${LOG_RETENTION_DAYS}; CIS AWS Foundations: 90 days).`,
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const group of byType(args.resources, LOG_GROUP)) {
      const name = group.props.name ?? group.name;
      if (!given(group, "kmsKeyId")) report(`log group ${name} is not encrypted with a KMS key (kmsKeyId unset): audit and flow logs name principals and addresses (CKV_AWS_158)`, group.urn);
      const days = group.props.retentionInDays;
      if (days === undefined || days === 0) report(`log group ${name} sets no retention: CloudWatch keeps it forever and bills it forever; set retentionInDays (at least ${LOG_RETENTION_DAYS}) (CKV_AWS_66)`, group.urn);
      else if (Number(days) < LOG_RETENTION_DAYS) report(`log group ${name} keeps logs ${days} days, under the ${LOG_RETENTION_DAYS} an investigation needs (cw-loggroup-retention-period-check)`, group.urn);
    }
  },
};

/** Checkov CKV_AWS_37; AWS Config eks-cluster-logging-enabled; EKS Best Practices, Auditing and logging: "Enable audit logs". */
export const eksControlPlaneLogging: StackValidationPolicy = {
  name: "eks-control-plane-logging",
  description: "The EKS cluster sends every control-plane log type to CloudWatch (Checkov CKV_AWS_37; AWS Config eks-cluster-logging-enabled; EKS Best Practices, Auditing and logging: \"Enable audit logs\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const cluster of byType(args.resources, EKS_CLUSTER)) {
      const enabled: string[] = cluster.props.enabledClusterLogTypes ?? [];
      const missing = EKS_LOG_TYPES.filter((t) => !enabled.includes(t));
      if (missing.length > 0) report(`EKS cluster ${cluster.props.name ?? cluster.name} does not log ${missing.join(", ")}: who did what to the cluster is lost (CKV_AWS_37)`, cluster.urn);
    }
  },
};

/** Platform (issue 11): EKS UpdateClusterConfig deletionProtection. */
export const eksDeletionProtection: StackValidationPolicy = {
  name: "eks-deletion-protection",
  description: "The EKS cluster has deletion protection on and is a protected resource: a destroy or a console click cannot delete it with every team's jobs (platform, issue 11; EKS API deletionProtection).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const cluster of byType(args.resources, EKS_CLUSTER)) {
      const name = cluster.props.name ?? cluster.name;
      if (cluster.props.deletionProtection !== true) report(`EKS cluster ${name} has deletionProtection ${cluster.props.deletionProtection ?? "unset"}: the AWS API deletes it on request; set it to true`, cluster.urn);
      if (!cluster.opts.protect) report(`EKS cluster ${name} is not protected: pulumi destroy would try to delete it`, cluster.urn);
    }
  },
};

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Principal?: string | { AWS?: string | string[]; Service?: string | string[] };
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const parseDocument = (doc: unknown): { Statement?: Statement | Statement[] } | undefined => {
  if (typeof doc === "string") {
    try {
      return JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  return doc && typeof doc === "object" ? (doc as { Statement?: Statement[] }) : undefined;
};
const statementsOf = (doc: unknown): Statement[] => list(parseDocument(doc)?.Statement as never) as unknown as Statement[];
const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

/**
 * The KMS default key policy statement: the account's root principal with kms:* gives the account's
 * IAM policies control of the key, without which the key becomes unmanageable (KMS developer guide,
 * "Default key policy"). It is the one wildcard statement allowed.
 */
const isAccountRootStatement = (s: Statement) => typeof s.Principal === "object" && list(s.Principal.AWS).length > 0 && list(s.Principal.AWS).every((p) => /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(p));

/** Checkov CKV_AWS_62, CKV_AWS_63; AWS Config iam-policy-no-statements-with-admin-access, iam-policy-no-statements-with-full-access. */
export const iamNoWildcardActions: StackValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: "No IAM policy the platform writes (role inline policies, managed policies, KMS key policies) allows \"*\" or \"service:*\" actions, or everything but a list (NotAction) (Checkov CKV_AWS_62, CKV_AWS_63; AWS Config iam-policy-no-statements-with-admin-access, iam-policy-no-statements-with-full-access; EKS Best Practices, IAM: \"Employ least privileged access to AWS Resources\"). Exemption: a key policy's statement for the account root (the KMS default key policy).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const documents: { r: PolicyResource; what: string; doc: unknown; keyPolicy?: boolean }[] = [
      ...byType(args.resources, "aws:iam/rolePolicy:RolePolicy").map((r) => ({ r, what: `role policy ${r.name}`, doc: r.props.policy })),
      ...byType(args.resources, "aws:iam/policy:Policy").map((r) => ({ r, what: `IAM policy ${r.name}`, doc: r.props.policy })),
      ...byType(args.resources, ROLE).flatMap((r) => ((r.props.inlinePolicies ?? []) as { name?: string; policy?: unknown }[]).map((p) => ({ r, what: `role ${r.name} inline policy ${p.name ?? "?"}`, doc: p.policy }))),
      ...byType(args.resources, "aws:kms/key:Key").map((r) => ({ r, what: `KMS key ${r.name}'s policy`, doc: r.props.policy, keyPolicy: true })),
    ];
    for (const { r, what, doc, keyPolicy } of documents) {
      statementsOf(doc).forEach((s, i) => {
        if (s.Effect !== "Allow" || (keyPolicy && isAccountRootStatement(s))) return;
        const label = `statement ${s.Sid ?? i}`;
        const wild = list(s.Action).filter((a) => WILDCARD_ACTION.test(a));
        if (wild.length > 0) report(`${what}: ${label} allows ${wild.join(", ")}: every action${wild.some((a) => a !== "*") ? " of the service" : ""}, present and future; list the actions it needs (CKV_AWS_63, iam-policy-no-statements-with-full-access)`, r.urn);
        if (s.NotAction !== undefined) report(`${what}: ${label} allows every action but ${list(s.NotAction).join(", ")} (NotAction with Allow); list the actions it needs`, r.urn);
      });
    }
  },
};

const CNI_POLICY = /:policy\/AmazonEKS_CNI(_IPv6)?_Policy$/;

/** EKS Best Practices, IAM: "Update the aws-node daemonset to use IRSA"; EKS user guide, "Amazon EKS node IAM role". */
export const cniPolicyOffNodeRole: StackValidationPolicy = {
  name: "cni-policy-off-node-role",
  description: "The VPC CNI's policy (AmazonEKS_CNI_Policy) is not attached to a node role: there every pod on the node could attach ENIs and assign addresses; the CNI gets it through its own Pod Identity role (EKS Best Practices, IAM: \"Update the aws-node daemonset to use IRSA\"; EKS user guide, \"Amazon EKS node IAM role\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const ec2Trusted = (role: PolicyResource) => statementsOf(role.props.assumeRolePolicy).some((s) => typeof s.Principal === "object" && list(s.Principal.Service).includes("ec2.amazonaws.com"));
    const nodeRoles = new Set([
      ...byType(args.resources, NODE_GROUP).flatMap((g) => dependsOn(g, "nodeRoleArn", ROLE).map((d) => d.urn)),
      ...byType(args.resources, ROLE).filter(ec2Trusted).map((r) => r.urn),
    ]);
    const roleName = (urn: string) => args.resources.find((r) => r.urn === urn)?.name ?? urn;
    for (const a of byType(args.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => CNI_POLICY.test(String(a.props.policyArn)))) {
      for (const role of dependsOn(a, "role", ROLE).filter((d) => nodeRoles.has(d.urn))) {
        report(`${String(a.props.policyArn).split("/").pop()} is attached to node role ${roleName(role.urn)}: every pod on those nodes gets the CNI's permissions; give the vpc-cni add-on its own Pod Identity role`, a.urn);
      }
    }
    for (const role of byType(args.resources, ROLE).filter((r) => nodeRoles.has(r.urn))) {
      for (const arn of ((role.props.managedPolicyArns ?? []) as string[]).filter((p) => CNI_POLICY.test(p))) report(`node role ${role.name} carries ${arn.split("/").pop()} in managedPolicyArns: every pod on those nodes gets the CNI's permissions`, role.urn);
    }
  },
};

/** EKS Best Practices, IAM: "Use one IAM role per application", "Scope the IAM Role trust policy ... to the service account". */
export const podIdentityRolePerWorkload: StackValidationPolicy = {
  name: "pod-identity-role-per-workload",
  description: "Every EKS Pod Identity association (standalone, or an add-on's) has a role of its own: no IAM role is shared by two service accounts, which would give each the other's permissions (EKS Best Practices, IAM: \"Use one IAM role per application\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const users = new Map<string, { accounts: Set<string>; urns: string[] }>();
    const use = (role: string, account: string, urn: string) => {
      const entry = users.get(role) ?? { accounts: new Set(), urns: [] };
      entry.accounts.add(account);
      if (!entry.urns.includes(urn)) entry.urns.push(urn);
      users.set(role, entry);
    };
    const roleKey = (r: PolicyResource, prop: string, value: unknown) => (typeof value === "string" && value ? value : dependsOn(r, prop, ROLE)[0]?.urn);
    for (const a of byType(args.resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation")) {
      const role = roleKey(a, "roleArn", a.props.roleArn);
      if (role) use(role, `${a.props.namespace}/${a.props.serviceAccount}`, a.urn);
    }
    for (const addon of byType(args.resources, "aws:eks/addon:Addon")) {
      for (const p of (addon.props.podIdentityAssociations ?? []) as { roleArn?: string; serviceAccount?: string }[]) {
        const role = roleKey(addon, "podIdentityAssociations", p.roleArn);
        if (role) use(role, `add-on ${addon.props.addonName}/${p.serviceAccount}`, addon.urn);
      }
    }
    for (const [role, { accounts, urns }] of users) {
      if (accounts.size > 1) report(`IAM role ${role.split("/").pop()} is assumed by ${accounts.size} service accounts (${[...accounts].join(", ")}): each gets the other's permissions; give each its own role`, urns[0]);
    }
  },
};

/** Checkov CKV_AWS_7; AWS Config and awsguard cmk-backing-key-rotation-enabled; EKS Best Practices, Data encryption: "Rotate your CMKs periodically". */
export const kmsKeyRotation: StackValidationPolicy = {
  name: "kms-key-rotation",
  description: "Every KMS key the platform creates rotates its key material yearly (Checkov CKV_AWS_7; AWS Config and awsguard cmk-backing-key-rotation-enabled; EKS Best Practices, Data encryption: \"Rotate your CMKs periodically\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const key of byType(args.resources, "aws:kms/key:Key")) {
      if (key.props.enableKeyRotation !== true) report(`KMS key ${key.name} does not rotate its key material (enableKeyRotation ${key.props.enableKeyRotation ?? "unset"}) (CKV_AWS_7)`, key.urn);
    }
  },
};

export const awsSecurityPolicies = [
  vpcFlowLogsEnabled,
  s3AccessLogging,
  logGroupsEncryptedRetained,
  eksControlPlaneLogging,
  eksDeletionProtection,
  iamNoWildcardActions,
  cniPolicyOffNodeRole,
  podIdentityRolePerWorkload,
  kmsKeyRotation,
];
