import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { MANAGED_BY, MANAGED_BY_LABEL, TEAM_LABEL } from "../../infra/metadata";
import { gpuResourceQuota } from "../../infra/queues/kueue";
import { teamPodAdmission } from "../../infra/security/admission";
import { teamNetworkPolicies } from "../../infra/security/networkPolicies";
import { monitoringNamespace } from "../../infra/monitoring/prometheus";
import { podSecurityLabels, teamPodSecurity } from "../../infra/security/podSecurity";
import { TEAM_ROLE, teamGroup, teamRoleRules } from "../../infra/security/teamAccess";

export interface TeamNamespacesArgs {
  spec: PlatformSpec;
  provider: k8s.Provider;
}

/**
 * One namespace per team, where its jobs, shared-data claim and queue live, isolated from the other
 * teams: Pod Security (restricted, or the RDMA exemption), default-deny NetworkPolicies with the
 * training allowances, a Role for its members in its namespace only, and a GPU ResourceQuota.
 */
export class TeamNamespaces extends pulumi.ComponentResource {
  /** Namespace name output by team name (depend on these to order objects after their namespace). */
  public readonly namespaces: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TeamNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:k8s:TeamNamespaces", name, {}, opts);
    const { spec, provider } = args;
    const child = { parent: this, provider };
    const level = teamPodSecurity(spec);
    if (level === "privileged" && spec.teams.length > 0) {
      // The namespace level admits IPC_LOCK for RDMA; this policy admits nothing else beyond restricted.
      const admission = teamPodAdmission();
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-pod-policy`, admission.policy as never, child);
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-pod-policy`, admission.binding as never, { ...child, dependsOn: [policy] });
    }
    for (const team of spec.teams) {
      const ns = new k8s.core.v1.Namespace(`${name}-${team.name}`, {
        metadata: { name: team.name, labels: { [TEAM_LABEL]: team.name, [MANAGED_BY_LABEL]: MANAGED_BY, ...podSecurityLabels(level) } },
      }, child);
      this.namespaces[team.name] = ns.metadata.name;
      const inNamespace = { ...child, dependsOn: [ns] };
      for (const policy of teamNetworkPolicies(team.name, monitoringNamespace(spec))) {
        new k8s.networking.v1.NetworkPolicy(`${name}-${team.name}-${policy.metadata.name}`, policy as never, inNamespace);
      }
      const role = new k8s.rbac.v1.Role(`${name}-${team.name}-member`, { metadata: { name: TEAM_ROLE, namespace: team.name }, rules: teamRoleRules() }, inNamespace);
      new k8s.rbac.v1.RoleBinding(`${name}-${team.name}-member`, {
        metadata: { name: TEAM_ROLE, namespace: team.name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: TEAM_ROLE },
        // On EKS the members' access entries carry this group; on an existing cluster the members are groups.
        subjects: [teamGroup(team.name), ...(spec.target === "existing" ? team.members : [])].map((group) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group })),
      }, { ...inNamespace, dependsOn: [ns, role] });
      new k8s.core.v1.ResourceQuota(`${name}-${team.name}-gpu`, gpuResourceQuota(spec, team.name) as never, inNamespace);
    }
    this.registerOutputs({});
  }
}
