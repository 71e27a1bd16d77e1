import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isOpenToInternet } from "../infra/network/cidr";

/**
 * The EKS API endpoint is not open to the internet: public access only with a CIDR allow-list
 * that excludes 0.0.0.0/0. AWS defaults a cluster to a public endpoint open to 0.0.0.0/0, so an
 * unset field counts as open.
 */
export const eksEndpointNotPublic: ResourceValidationPolicy = {
  name: "eks-endpoint-not-public",
  description: "The EKS API endpoint must be private, or public only to an allow-list of CIDRs that excludes 0.0.0.0/0.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, reportViolation) => {
    const vpc = cluster.vpcConfig;
    const isPublic = vpc?.endpointPublicAccess !== false; // AWS default: public
    if (!isPublic) return;
    const cidrs = vpc?.publicAccessCidrs ?? [];
    if (cidrs.length === 0) {
      reportViolation(`cluster ${cluster.name ?? ""} has a public API endpoint with no CIDR allow-list (AWS then allows 0.0.0.0/0); set endpointPublicAccess false or list CIDRs in llm-platform:cluster.publicAccessCidrs`);
      return;
    }
    const open = cidrs.filter(isOpenToInternet);
    if (open.length > 0) {
      reportViolation(`cluster ${cluster.name ?? ""} allows ${open.join(", ")} to reach its public API endpoint; list only your CI runners' or VPN's CIDRs`);
    }
  }),
};
