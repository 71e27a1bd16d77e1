/**
 * A node pool as the policies see it, assembled from planned resources: the managed node group,
 * its launch template (linked by name) and the placement group that template names. Names, not
 * ids: ids are unknown at preview time, names are inputs.
 */
import { PolicyResource } from "@pulumi/policy";
import { findInstanceType, InstanceType } from "../infra/catalog/instances";
import { FABRIC_LABEL, POOL_LABEL, PURPOSE_LABEL } from "../infra/nodes/labels";
import { AWS_TYPES } from "../infra/resourceTypes";

const { nodeGroup: NODE_GROUP, launchTemplate: LAUNCH_TEMPLATE, placementGroup: PLACEMENT_GROUP } = AWS_TYPES;

export interface NodePoolView {
  readonly nodeGroup: PolicyResource;
  readonly pool: string;
  readonly purpose?: string;
  readonly fabricLabel?: string;
  readonly instanceTypeName?: string;
  readonly instanceType?: InstanceType;
  readonly maxNodes: number;
  readonly subnetIds: readonly unknown[];
  readonly launchTemplate?: PolicyResource;
  readonly placementGroup?: PolicyResource;
  /** EFA interfaces the launch template attaches. */
  readonly efaInterfaceCount: number;
}

export function nodePoolViews(resources: readonly PolicyResource[]): NodePoolView[] {
  const byName = (type: string) => new Map(resources.filter((r) => r.type === type && typeof r.props.name === "string").map((r) => [r.props.name as string, r]));
  const templates = byName(LAUNCH_TEMPLATE);
  const placements = byName(PLACEMENT_GROUP);
  return resources
    .filter((r) => r.type === NODE_GROUP)
    .map((ng) => {
      const labels = (ng.props.labels ?? {}) as Record<string, string>;
      const instanceTypeName = ng.props.instanceTypes?.[0] as string | undefined;
      const launchTemplate = templates.get(ng.props.launchTemplate?.name);
      const placementGroup = placements.get(launchTemplate?.props.placement?.groupName);
      const interfaces = (launchTemplate?.props.networkInterfaces ?? []) as { interfaceType?: string }[];
      return {
        nodeGroup: ng,
        pool: labels[POOL_LABEL] ?? ng.name,
        purpose: labels[PURPOSE_LABEL],
        fabricLabel: labels[FABRIC_LABEL],
        instanceTypeName,
        instanceType: instanceTypeName ? findInstanceType(instanceTypeName) : undefined,
        maxNodes: Number(ng.props.scalingConfig?.maxSize ?? 0),
        subnetIds: (ng.props.subnetIds ?? []) as unknown[],
        launchTemplate,
        placementGroup,
        efaInterfaceCount: interfaces.filter((i) => i.interfaceType === "efa" || i.interfaceType === "efa-only").length,
      };
    });
}
