/**
 * Who may reach the cluster (config rules on the resolved spec): team members and admins.
 *
 * - On AWS a member is an IAM role or user ARN, mapped by an EKS access entry to its teams'
 *   Kubernetes groups (EKS user guide, "Create access entries": principalArn is an IAM role or
 *   user). A principal that is also in cluster.adminRoleArns would get two access entries for one
 *   principal, which EKS refuses (one access entry per principal).
 * - On an existing cluster a member is a group name the cluster's authenticator asserts; names
 *   starting with "system:" are Kubernetes' own (RBAC "Referring to subjects": the system: prefix is
 *   reserved) and binding one would hand a team's rights to system components or every
 *   authenticated user.
 */
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import type { PlatformSpec } from "./types";

/** An IAM role or user ARN, path allowed (IAM identifiers: names of [\w+=,.@-], paths of /-separated segments). */
const IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

export function teamMemberProblems(spec: PlatformSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const admins = spec.target === "aws" ? spec.cluster.adminRoleArns : [];
  spec.teams.forEach((team, i) => {
    team.members.forEach((member, j) => {
      const at = `${key("teams")}[${i}].members[${j}]`;
      const first = team.members.indexOf(member);
      if (first !== j) {
        problems.push({ path: at, message: `${show(member)} is already members[${first}] of team ${team.name}` });
        return;
      }
      if (spec.target === "aws") {
        if (!IAM_PRINCIPAL.test(member)) problems.push({ path: at, message: `${show(member)} is not an IAM role or user ARN (arn:aws:iam::<12-digit account>:role/<path/name> or …:user/<path/name>); EKS maps only IAM principals to Kubernetes groups` });
        else if (admins.includes(member)) problems.push({ path: at, message: `${show(member)} is also in cluster.adminRoleArns: it already has cluster-admin, and EKS allows one access entry per principal (remove it from one of the two)` });
      } else if (member.startsWith("system:")) {
        problems.push({ path: at, message: `${show(member)} is a Kubernetes system group (the "system:" prefix is reserved); name a group of your identity provider` });
      } else if (/\s/.test(member) || member.length > 253) {
        problems.push({ path: at, message: `${show(member)} is not a group name (no whitespace, at most 253 characters)` });
      }
    });
  });
  return problems;
}
