/**
 * The shared data bucket's and its access-log bucket's policies (pure).
 */

/** Refuses every request not made over TLS (S3 user guide, "Enforce encryption in transit"; AWS Config rule s3-bucket-ssl-requests-only). */
function denyInsecureTransport(bucketArn: string) {
  return { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } };
}

export function dataBucketPolicy(bucketArn: string) {
  return { Version: "2012-10-17", Statement: [denyInsecureTransport(bucketArn)] };
}

/** Prefix of the data bucket's server access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = "s3-access/";
/** Days access logs are kept (the same year auditors usually ask of CloudTrail data events). */
export const ACCESS_LOG_RETENTION_DAYS = 365;

/**
 * The log bucket's policy: the S3 logging service may write the data bucket's logs under their
 * prefix, only for that bucket of this account (S3 user guide, "Permissions for log delivery":
 * logging.s3.amazonaws.com with aws:SourceArn and aws:SourceAccount; the bucket uses
 * BucketOwnerEnforced, so ACL-based delivery is not used); TLS only for everyone else.
 */
export function accessLogBucketPolicy(logBucketArn: string, sourceBucketArn: string, account: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "S3ServerAccessLogsPolicy",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${logBucketArn}/${ACCESS_LOG_PREFIX}*`,
        Condition: { ArnLike: { "aws:SourceArn": sourceBucketArn }, StringEquals: { "aws:SourceAccount": account } },
      },
      denyInsecureTransport(logBucketArn),
    ],
  };
}
