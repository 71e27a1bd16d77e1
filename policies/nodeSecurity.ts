import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { GPU_TAINT } from "../infra/nodes/labels";
import { nodePoolViews } from "./nodePools";

const isTrue = (v: unknown) => v === true || v === "true";

/** Nodes answer only IMDSv2: every node group on a launch template that requires tokens. */
export const nodeImdsv2Required: StackValidationPolicy = {
  name: "node-imdsv2-required",
  description: "Every node group must use a launch template with metadataOptions.httpTokens = required (IMDSv2 only).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const view of nodePoolViews(args.resources)) {
      if (!view.launchTemplate) {
        reportViolation(`pool ${view.pool}: node group has no launch template of this stack, so IMDSv2 is not enforced`, view.nodeGroup.urn);
      } else if (view.launchTemplate.props.metadataOptions?.httpTokens !== "required") {
        reportViolation(`pool ${view.pool}: launch template ${view.launchTemplate.props.name} allows IMDSv1 (httpTokens ${view.launchTemplate.props.metadataOptions?.httpTokens ?? "unset"}); set it to required`, view.launchTemplate.urn);
      }
    }
  },
};

/** No node gets a public IP: not through its launch template, not through its subnet. */
export const nodeNoPublicIp: ResourceValidationPolicy = {
  name: "node-no-public-ip",
  description: "Launch templates must not associate public IPs, and subnets must not map public IPs on launch.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, reportViolation) => {
      const publicInterfaces = (lt.networkInterfaces ?? []).filter((i) => isTrue(i.associatePublicIpAddress));
      if (publicInterfaces.length > 0) {
        reportViolation(`launch template ${lt.name ?? ""} gives nodes public IPs on ${publicInterfaces.length} interface(s); nodes live in private subnets behind NAT`);
      }
    }),
    validateResourceOfType(aws.ec2.Subnet, (subnet, _args, reportViolation) => {
      if (isTrue(subnet.mapPublicIpOnLaunch)) {
        reportViolation(`subnet ${subnet.cidrBlock ?? ""} maps public IPs on launch; set mapPublicIpOnLaunch false (NAT gateways and load balancers do not need it)`);
      }
    }),
  ],
};

/** GPU nodes repel pods that do not ask for a GPU. */
export const gpuPoolTainted: StackValidationPolicy = {
  name: "gpu-pool-tainted",
  description: `Node groups of GPU instance types must carry the taint ${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const view of nodePoolViews(args.resources)) {
      if (!view.instanceType?.gpu) continue;
      const taints = (view.nodeGroup.props.taints ?? []) as { key?: string; value?: string; effect?: string }[];
      if (!taints.some((t) => t.key === GPU_TAINT.key && t.value === GPU_TAINT.value && t.effect === "NO_SCHEDULE")) {
        reportViolation(`pool ${view.pool} (${view.instanceTypeName}, ${view.instanceType.gpu.count} × ${view.instanceType.gpu.model.name}) is not tainted ${GPU_TAINT.key}:${GPU_TAINT.effect}, so any pod can occupy its GPUs' node`, view.nodeGroup.urn);
      }
    }
  },
};
