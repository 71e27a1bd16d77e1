import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TeamSpec } from "../../infra/config/spec";

export const TEAM_LABEL = "llm-platform/team";

export interface TeamNamespacesArgs {
  teams: readonly TeamSpec[];
  /** Pod Security Admission level: baseline, or privileged where InfiniBand workers need IPC_LOCK. */
  podSecurity: "baseline" | "privileged";
  provider: k8s.Provider;
}

/** One namespace per team: where its jobs, shared-data claim and queue live. */
export class TeamNamespaces extends pulumi.ComponentResource {
  /** Namespace name output by team name (depend on these to order objects after their namespace). */
  public readonly namespaces: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TeamNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:k8s:TeamNamespaces", name, {}, opts);
    for (const team of args.teams) {
      const ns = new k8s.core.v1.Namespace(`${name}-${team.name}`, {
        metadata: {
          name: team.name,
          labels: {
            [TEAM_LABEL]: team.name,
            "app.kubernetes.io/managed-by": "llm-platform",
            "pod-security.kubernetes.io/enforce": args.podSecurity,
          },
        },
      }, { parent: this, provider: args.provider });
      this.namespaces[team.name] = ns.metadata.name;
    }
    this.registerOutputs({});
  }
}
