/**
 * The nodes' software is the software the stack declares: node groups pinned to an EKS AMI release
 * whose NVIDIA driver is gpuStack's, the cluster autoscaler of the cluster's minor, and GPU node
 * groups labelled so the autoscaler treats them as GPU nodes.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { findAmiRelease, isNewerThanTable } from "../infra/nodes/eksAmi";
import { AWS_ACCELERATOR_LABEL } from "../infra/nodes/labels";
import { AWS_TYPES } from "../infra/resourceTypes";
import { CLUSTER_AUTOSCALER_BY_MINOR } from "../infra/versions";
import { findManifest } from "./manifest";
import { nodePoolViews } from "./nodePools";

const NVIDIA_AMI_TYPES = ["AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA"];
const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** Node groups are pinned to an AMI release, and a GPU node group's release ships gpuStack.driverVersion. */
export const nodeImagePinned: StackValidationPolicy = {
  name: "node-image-pinned",
  description: "Every EKS node group pins its AMI (releaseVersion); on NVIDIA AMIs the release's driver is gpuStack.driverVersion when the node image manages the driver.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = findManifest(args.resources);
    for (const ng of args.resources.filter((r) => r.type === AWS_TYPES.nodeGroup)) {
      const release = ng.props.releaseVersion as string | undefined;
      if (!release) {
        reportViolation(`node group ${ng.props.nodeGroupName ?? ng.name} has no releaseVersion: it takes whatever AMI is newest when created or updated, and with it another NVIDIA driver than the stack declares`, ng.urn);
        continue;
      }
      if (!manifest || manifest.gpuStack.driverManagedBy !== "node-image" || !NVIDIA_AMI_TYPES.includes(ng.props.amiType)) continue;
      const known = findAmiRelease(release);
      if (known && known.nvidiaDriver !== manifest.gpuStack.driverVersion) {
        reportViolation(`node group ${ng.props.nodeGroupName ?? ng.name}: AMI release ${release} ships NVIDIA driver ${known.nvidiaDriver}, but gpuStack.driverVersion is ${manifest.gpuStack.driverVersion}; set the driver to ${known.nvidiaDriver} or pin a release that ships ${manifest.gpuStack.driverVersion}`, ng.urn);
      }
    }
  },
};

/** Advisory: a pinned release the platform's AMI table does not know, so its driver is not checked. */
export const nodeImageKnown: StackValidationPolicy = {
  name: "node-image-known",
  description: "A GPU node group's AMI release is in the platform's table of EKS AMI releases (otherwise its driver cannot be checked against gpuStack).",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    for (const ng of args.resources.filter((r) => r.type === AWS_TYPES.nodeGroup && NVIDIA_AMI_TYPES.includes(r.props.amiType))) {
      const release = ng.props.releaseVersion as string | undefined;
      if (!release || findAmiRelease(release)) continue;
      reportViolation(isNewerThanTable(release)
        ? `node group ${ng.props.nodeGroupName ?? ng.name}: AMI release ${release} is newer than the platform's table (infra/nodes/eksAmi.ts), so its NVIDIA driver is not checked — the table is behind; add the release from amazon-eks-ami's release notes`
        : `node group ${ng.props.nodeGroupName ?? ng.name}: AMI release ${release} is not an EKS AL2023 NVIDIA release the table knows; check the version, its driver is not checked`, ng.urn);
    }
  },
};

/** The autoscaler's chart and image belong to the cluster's Kubernetes minor (kubernetes/autoscaler#7897, #7663). */
export const clusterAutoscalerMatchesCluster: StackValidationPolicy = {
  name: "cluster-autoscaler-matches-cluster",
  description: "The cluster autoscaler runs the image of the cluster's Kubernetes minor from the chart pinned for that minor (a chart for an older autoscaler lacks RBAC the newer one waits for).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cluster = args.resources.find((r) => r.type === EKS_CLUSTER);
    const minor = cluster?.props.version as string | undefined;
    for (const release of args.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === "cluster-autoscaler")) {
      const pin = minor ? CLUSTER_AUTOSCALER_BY_MINOR[minor] : undefined;
      if (!pin) {
        reportViolation(`cluster autoscaler release for Kubernetes ${minor ?? "(unknown)"}: no chart is pinned for that minor (pinned: ${Object.keys(CLUSTER_AUTOSCALER_BY_MINOR).join(", ")})`, release.urn);
        continue;
      }
      const tag = String(release.props.values?.image?.tag ?? "");
      if (release.props.version !== pin.chart.version) reportViolation(`cluster autoscaler chart ${release.props.version} is not ${pin.chart.version}, the chart for Kubernetes ${minor}; its ClusterRole may lack what this autoscaler watches`, release.urn);
      if (!tag.startsWith(`v${minor}.`)) reportViolation(`cluster autoscaler image ${tag || "(chart default)"} is not of the cluster's minor ${minor} (the autoscaler's minor must match the cluster's)`, release.urn);
    }
  },
};

/**
 * GPU node groups carry the label the autoscaler's AWS provider reads to know a node has GPUs, on
 * the nodes and, for pools that scale from zero, in the node-template tags (CA AWS README, "GPU Node
 * Groups"): without it the autoscaler adds nodes again while the device plugin starts.
 */
export const gpuNodeGroupAcceleratorLabel: StackValidationPolicy = {
  name: "gpu-node-group-accelerator-label",
  description: `GPU node groups carry ${AWS_ACCELERATOR_LABEL}, and a pool that scales from zero also carries its node-template tag on the Auto Scaling group.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const asgTags = args.resources.filter((r) => r.type === "aws:autoscaling/tag:Tag");
    for (const view of nodePoolViews(args.resources)) {
      if (!view.instanceType?.gpu) continue;
      const labels = (view.nodeGroup.props.labels ?? {}) as Record<string, string>;
      if (!labels[AWS_ACCELERATOR_LABEL]) {
        reportViolation(`pool ${view.pool} (${view.instanceTypeName}) has no ${AWS_ACCELERATOR_LABEL} label: the autoscaler over-scales while its GPUs are not yet advertised`, view.nodeGroup.urn);
        continue;
      }
      const minSize = Number(view.nodeGroup.props.scalingConfig?.minSize ?? 0);
      const templateKey = `k8s.io/cluster-autoscaler/node-template/label/${AWS_ACCELERATOR_LABEL}`;
      // The pool's Auto Scaling group tags are siblings of its node group (children of one NodePool component).
      const tagged = asgTags.some((t) => t.props.tag?.key === templateKey && t.parent?.urn === view.nodeGroup.parent?.urn);
      if (minSize === 0 && !tagged) {
        reportViolation(`pool ${view.pool} scales from zero but its Auto Scaling group has no ${templateKey} tag: from zero the autoscaler cannot know the node will have GPUs`, view.nodeGroup.urn);
      }
    }
  },
};
