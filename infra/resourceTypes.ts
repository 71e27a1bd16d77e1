/**
 * Pulumi type tokens that more than one module keys on (cost model, plan mocks, policies): one
 * spelling each. Tokens as @pulumi/aws registers them (`__pulumiType`).
 */
export const AWS_TYPES = {
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  placementGroup: "aws:ec2/placementGroup:PlacementGroup",
  bucket: "aws:s3/bucket:Bucket",
  lustreFileSystem: "aws:fsx/lustreFileSystem:LustreFileSystem",
} as const;
