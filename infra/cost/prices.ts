/**
 * Prices the cost model uses, USD, us-east-1. Pure data: one place for every price.
 */

// EC2 on-demand USD per hour, us-east-1: karpenter-provider-aws v1.14.1
// pkg/providers/pricing/zz_generated.pricing_aws.go, generated 2026-07-06T14:20:29Z.
// p5e.48xlarge is absent from that table, so the cost model lists p5e pools as unpriced.
export const ON_DEMAND_USD_PER_HOUR: Readonly<Record<string, number>> = {
  "p3.2xlarge": 3.06,
  "p3.8xlarge": 12.24,
  "p3.16xlarge": 24.48,
  "p3dn.24xlarge": 31.212,
  "p4d.24xlarge": 21.957642,
  "p4de.24xlarge": 27.44705,
  "p5.48xlarge": 55.04,
  "p5en.48xlarge": 63.296,
  "p6-b200.48xlarge": 113.9328,
  "g5.xlarge": 1.006,
  "g5.2xlarge": 1.212,
  "g5.4xlarge": 1.624,
  "g5.8xlarge": 2.448,
  "g5.12xlarge": 5.672,
  "g5.16xlarge": 4.096,
  "g5.24xlarge": 8.144,
  "g5.48xlarge": 16.288,
  "g6e.xlarge": 1.861,
  "g6e.2xlarge": 2.24208,
  "g6e.4xlarge": 3.00424,
  "g6e.8xlarge": 4.52856,
  "g6e.12xlarge": 10.49264,
  "g6e.16xlarge": 7.57719,
  "g6e.24xlarge": 15.06559,
  "g6e.48xlarge": 30.13118,
  "m5.large": 0.096,
  "m5.xlarge": 0.192,
  "m5.2xlarge": 0.384,
  "m5.4xlarge": 0.768,
  "m5.8xlarge": 1.536,
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m6i.2xlarge": 0.384,
  "m6i.4xlarge": 0.768,
  "m6i.8xlarge": 1.536,
  "m7i.large": 0.1008,
  "m7i.xlarge": 0.2016,
  "m7i.2xlarge": 0.4032,
  "m7i.4xlarge": 0.8064,
  "m7i.8xlarge": 1.6128,
  "c6i.large": 0.085,
  "c6i.xlarge": 0.17,
  "c6i.2xlarge": 0.34,
  "c6i.4xlarge": 0.68,
  "c6i.8xlarge": 1.36,
  "r6i.large": 0.126,
  "r6i.xlarge": 0.252,
  "r6i.2xlarge": 0.504,
  "r6i.4xlarge": 1.008,
  "r6i.8xlarge": 2.016,
};

/** Hours in a billing month as AWS prices it (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

export const SERVICE_RATES = {
  eksControlPlaneUsdPerHour: 0.1, // aws.amazon.com/eks/pricing: standard support, per cluster
  natGatewayUsdPerHour: 0.045, // aws.amazon.com/vpc/pricing: NAT gateway hour, us-east-1 (data processed not priced)
  publicIpv4UsdPerHour: 0.005, // aws.amazon.com/vpc/pricing: public IPv4 address, since 2024-02-01
  ebsGp3UsdPerGbMonth: 0.08, // aws.amazon.com/ebs/pricing: gp3 storage, us-east-1 (baseline IOPS/throughput free)
  kmsKeyUsdPerMonth: 1, // aws.amazon.com/kms/pricing: customer managed key (requests not priced)
  s3StandardUsdPerGbMonth: 0.023, // aws.amazon.com/s3/pricing: S3 Standard, first 50 TB, us-east-1
  // aws.amazon.com/fsx/lustre/pricing: PERSISTENT_2 SSD, us-east-1, USD per GB-month by MB/s/TiB tier
  fsxLustrePersistent2UsdPerGbMonth: { 125: 0.145, 250: 0.21, 500: 0.34, 1000: 0.6 } as Readonly<Record<number, number>>,
} as const;
