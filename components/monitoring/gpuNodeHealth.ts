import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { JOB_CONFIG_FILE, jobCronSpec, NODE_EVENTS_NAMESPACE, NODE_GUARD_NAME, NODE_GUARD_SCHEDULE, nodeGuardClusterRoleRules, nodeGuardConfig, nodeGuardEventRules } from "../../infra/monitoring/reclaim";
import { reclaimSources } from "./gpuReclaimer";

/** The EKS add-on that reports GPU faults (NVIDIA XIDs among them) as the AcceleratedHardwareReady node condition. */
const NODE_MONITORING_AGENT_ADDON = "eks-node-monitoring-agent";

export interface GpuNodeHealthArgs {
  spec: PlatformSpec;
  /** AWS: the EKS cluster's name (the add-on's target). */
  clusterName?: pulumi.Input<string>;
  tags?: Record<string, string>;
  /** Existing clusters: the platform's system namespace, where the node guard runs. */
  namespace?: pulumi.Input<string>;
  image?: string;
  provider: k8s.Provider;
}

/**
 * GPU nodes with fatal faults stop receiving work. On AWS: the EKS node monitoring agent marks them
 * (AcceleratedHardwareReady) and node auto repair, enabled on the GPU node groups, reboots or
 * replaces them after 10 minutes (docs.aws.amazon.com/eks/latest/userguide/node-repair.html).
 * Elsewhere: the platform's node guard cordons the nodes the GpuFatalXid alert names.
 */
export class GpuNodeHealth extends pulumi.ComponentResource {
  constructor(name: string, args: GpuNodeHealthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:monitoring:GpuNodeHealth", name, {}, opts);
    if (args.spec.target === "aws") {
      if (args.clusterName === undefined) throw new Error(`GpuNodeHealth ${name}: clusterName is required on AWS (the node monitoring agent add-on's cluster)`);
      new aws.eks.Addon(`${name}-node-monitoring-agent`, { clusterName: args.clusterName, addonName: NODE_MONITORING_AGENT_ADDON, tags: args.tags }, { parent: this });
      this.registerOutputs({});
      return;
    }
    if (args.namespace === undefined || args.image === undefined) throw new Error(`GpuNodeHealth ${name}: namespace and image are required on an existing cluster (the node guard's)`);
    const child = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/name": NODE_GUARD_NAME, [MANAGED_BY_LABEL]: MANAGED_BY };
    const account = new k8s.core.v1.ServiceAccount(name, { metadata: { name: NODE_GUARD_NAME, namespace: args.namespace, labels } }, child);
    const subjects = [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.namespace }];
    const clusterRole = new k8s.rbac.v1.ClusterRole(name, { metadata: { name: `llm-platform-${NODE_GUARD_NAME}`, labels }, rules: nodeGuardClusterRoleRules() }, child);
    new k8s.rbac.v1.ClusterRoleBinding(name, { metadata: { name: `llm-platform-${NODE_GUARD_NAME}`, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name }, subjects }, child);
    const eventsRole = new k8s.rbac.v1.Role(`${name}-events`, { metadata: { name: `llm-platform-${NODE_GUARD_NAME}`, namespace: NODE_EVENTS_NAMESPACE, labels }, rules: nodeGuardEventRules() }, child);
    new k8s.rbac.v1.RoleBinding(`${name}-events`, { metadata: { name: `llm-platform-${NODE_GUARD_NAME}`, namespace: NODE_EVENTS_NAMESPACE, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: eventsRole.metadata.name }, subjects }, child);
    const code = new k8s.core.v1.ConfigMap(`${name}-code`, { metadata: { name: `${NODE_GUARD_NAME}-code`, namespace: args.namespace, labels }, data: reclaimSources() }, child);
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: `${NODE_GUARD_NAME}-config`, namespace: args.namespace, labels },
      data: { [JOB_CONFIG_FILE]: JSON.stringify(nodeGuardConfig(args.spec), null, 2) },
    }, child);
    new k8s.batch.v1.CronJob(name, {
      metadata: { name: NODE_GUARD_NAME, namespace: args.namespace, labels },
      spec: jobCronSpec(NODE_GUARD_SCHEDULE, { name: NODE_GUARD_NAME, image: args.image, script: "cordon.py", serviceAccountName: NODE_GUARD_NAME, codeConfigMap: `${NODE_GUARD_NAME}-code`, configConfigMap: `${NODE_GUARD_NAME}-config` }),
    }, { ...child, dependsOn: [account, code, config] });
    this.registerOutputs({});
  }
}
