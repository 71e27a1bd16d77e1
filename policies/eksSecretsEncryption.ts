import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** Kubernetes Secrets are envelope-encrypted with a customer managed KMS key. */
export const eksSecretsEncrypted: ResourceValidationPolicy = {
  name: "eks-secrets-encrypted",
  description: "EKS clusters must envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfig with resources [secrets]).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, reportViolation) => {
    const config = cluster.encryptionConfig;
    if (!config?.resources?.includes("secrets") || !config.provider?.keyArn) {
      reportViolation(`cluster ${cluster.name ?? ""} does not encrypt Secrets with a KMS key; set encryptionConfig { provider.keyArn, resources: ["secrets"] } (the EksCluster component does)`);
    }
  }),
};
