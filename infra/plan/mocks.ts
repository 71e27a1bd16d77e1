/**
 * The mock engine's side of the offline plan: what a "created" resource and an invoke return.
 * Values are placeholders (account 000000000000, `plan-` names); what the plan reports are the
 * inputs the program sends, never these outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AWS_TYPES } from "../resourceTypes";

const PLAN_ACCOUNT = "000000000000";
export const PLAN_ORGANIZATION = "organization";
export const PLAN_DEPLOYER_ROLE = `arn:aws:iam::${PLAN_ACCOUNT}:role/plan-deployer`;

export interface MockCall {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
}

/** Outputs AWS would compute for the types whose outputs the program reads. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const physicalName = inputs.name ?? name;
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${PLAN_ACCOUNT}:${resource}`;
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return {
        name: physicalName,
        arn: arnOf("eks", `cluster/${physicalName}`),
        endpoint: `https://plan-${physicalName}.eks.amazonaws.invalid`,
        certificateAuthority: { data: Buffer.from(`plan CA for ${physicalName}`).toString("base64") },
        vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: `plan-${name}-cluster-sg` },
      };
    case AWS_TYPES.launchTemplate:
      return { name: physicalName, arn: arnOf("ec2", `launch-template/plan-${name}`), latestVersion: 1 };
    case AWS_TYPES.bucket:
      return { bucket: `plan-${name}`, arn: `arn:aws:s3:::plan-${name}` };
    case AWS_TYPES.lustreFileSystem:
      return { arn: arnOf("fsx", `file-system/plan-${name}`), dnsName: `plan-${name}.fsx.us-east-1.amazonaws.invalid`, mountName: "plan0mnt" };
    case AWS_TYPES.placementGroup:
      return { name: physicalName, arn: arnOf("ec2", `placement-group/${physicalName}`) };
    case "aws:kms/key:Key":
      return { arn: arnOf("kms", `key/plan-${name}`), keyId: `plan-${name}` };
    case "aws:iam/role:Role":
      return { name: physicalName, arn: `arn:aws:iam::${PLAN_ACCOUNT}:role/${physicalName}` };
    case AWS_TYPES.nodeGroup:
      return { arn: arnOf("eks", `nodegroup/${physicalName}`), resources: [{ autoscalingGroups: [{ name: `eks-${name}-plan` }] }] };
    default:
      return inputs.arn === undefined && type.startsWith("aws:") ? { arn: arnOf(type.split(":")[1].split("/")[0], physicalName) } : {};
  }
}

export class PlanMocks implements pulumi.runtime.Mocks {
  /** Every registration the engine saw, in order (inputs as the program sent them, resolved). */
  public readonly calls: MockCall[] = [];

  /** @param deployedOutputs the stack's outputs from its last `pulumi up` (none: a new stack). */
  constructor(private readonly deployedOutputs: Record<string, unknown> = {}) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
    this.calls.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
    if (args.type === "pulumi:pulumi:StackReference") {
      return { id: args.inputs.name, state: { name: args.inputs.name, outputs: this.deployedOutputs, secretOutputNames: [] } };
    }
    return {
      id: args.custom ? `plan-${args.name}-id` : undefined,
      state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: PLAN_ACCOUNT, arn: `arn:aws:sts::${PLAN_ACCOUNT}:assumed-role/plan-deployer/plan`, userId: "PLAN:plan", id: PLAN_ACCOUNT };
      case "aws:iam/getSessionContext:getSessionContext":
        return { arn: args.inputs.arn, issuerArn: PLAN_DEPLOYER_ROLE, issuerId: "PLAN", issuerName: "plan-deployer", sessionName: "plan" };
      default:
        throw new Error(`the offline plan has no mock for invoke ${args.token}; add one to infra/plan/mocks.ts`);
    }
  }
}
