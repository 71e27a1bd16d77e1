/**
 * The VPC CNI add-on's configuration (pure): its network policy agent enforces Kubernetes
 * NetworkPolicies (aws/amazon-vpc-cni-k8s, "Network Policies": `enableNetworkPolicy: "true"` in the
 * add-on's configuration values; off by default).
 */
export function vpcCniConfiguration() {
  return { enableNetworkPolicy: "true" };
}
