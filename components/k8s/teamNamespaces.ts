import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TeamSpec } from "../../infra/config/types";
import { MANAGED_BY, MANAGED_BY_LABEL, TEAM_LABEL } from "../../infra/metadata";


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
            [MANAGED_BY_LABEL]: MANAGED_BY,
            "pod-security.kubernetes.io/enforce": args.podSecurity,
          },
        },
      }, { parent: this, provider: args.provider });
      this.namespaces[team.name] = ns.metadata.name;
    }
    this.registerOutputs({});
  }
}
