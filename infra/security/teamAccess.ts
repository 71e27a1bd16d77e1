/**
 * What a team's members may do (pure): run and watch their own jobs in their own namespace, nothing
 * elsewhere. Pods are created only through Jobs and TrainJobs, which Kueue queues against the team's
 * quota; Secrets can be written (the Hugging Face token) but not read back.
 */
import { PROJECT } from "../config/keys";

/** The Kubernetes group a team's members are mapped to (EKS access entries' kubernetesGroups; may not start with "system:"). */
export const teamGroup = (team: string) => `${PROJECT}:team:${team}`;
export const TEAM_ROLE = "llm-platform-team-member";

export function teamRoleRules() {
  return [
    { apiGroups: ["trainer.kubeflow.org"], resources: ["trainjobs"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["create", "update", "patch", "delete"] },
    { apiGroups: [""], resources: ["pods", "pods/log", "events", "persistentvolumeclaims"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["kueue.x-k8s.io"], resources: ["workloads", "localqueues"], verbs: ["get", "list", "watch"] },
  ];
}

/** Each member principal once, with the groups of every team it belongs to (an EKS access entry is one per principal). */
export function membersByPrincipal(teams: readonly { name: string; members: readonly string[] }[]): { principalArn: string; groups: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const team of teams) for (const member of team.members) groups.set(member, [...(groups.get(member) ?? []), teamGroup(team.name)]);
  return [...groups].map(([principalArn, g]) => ({ principalArn, groups: g }));
}
