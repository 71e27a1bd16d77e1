/**
 * EKS Pod Identity (pure): the trust policy of a role that pods assume through the Pod Identity
 * agent (EKS user guide, "Create IAM role with trust policy required by EKS Pod Identity").
 */
export function podIdentityTrust() {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  };
}
