/**
 * KMS key policies (pure). Each names exactly who may use the key: the account's IAM policies (the
 * default statement, without which nobody could administer the key), and the AWS service that
 * encrypts with it, scoped to this account's resources.
 */

/** The default key policy statement: IAM policies of this account govern the key (KMS developer guide, "Default key policy"). */
const accountIamStatement = (account: string) => ({
  Sid: "AccountIamPolicies",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${account}:root` },
  Action: "kms:*",
  Resource: "*",
});

/**
 * CloudWatch Logs encrypts the cluster's control-plane logs and the VPC flow logs with this key,
 * only for log groups of this account and region (CloudWatch Logs user guide, "Encrypt log data in
 * CloudWatch Logs using AWS KMS": the logs service principal with an encryption-context condition).
 */
export function logsKeyPolicy(account: string, region: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      accountIamStatement(account),
      {
        Sid: "CloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:*` } },
      },
    ],
  };
}
