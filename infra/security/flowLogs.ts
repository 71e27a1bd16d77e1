/**
 * VPC flow logs (pure): who may write them and how long they are kept. The delivery role is
 * assumable by the flow-logs service only for this account's flow logs (VPC user guide, "IAM role
 * for publishing flow logs to CloudWatch Logs", confused-deputy conditions), and may write only to
 * the platform's flow-log group.
 */

/** Days flow logs and control-plane logs are kept (CIS AWS Foundations asks for at least 90 days of retained logs). */
export const LOG_RETENTION_DAYS = 90;

export const flowLogGroupName = (clusterName: string) => `/aws/vpc/${clusterName}/flow-logs`;

export function flowLogsTrust(account: string, region: string) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${region}:${account}:vpc-flow-log/*` },
      },
    }],
  };
}

export function flowLogsWritePolicy(logGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
      Resource: [logGroupArn, `${logGroupArn}:*`],
    }],
  };
}
