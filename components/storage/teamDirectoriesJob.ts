import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { FILE_SYSTEM_ROOT, TEAM_DIRECTORIES_CAPABILITIES, TEAM_DIRECTORIES_JOB, teamDirectoriesCommand } from "../../infra/storage/teamDirectories";

export interface TeamDirectoriesJobArgs {
  teams: readonly string[];
  namespace: pulumi.Input<string>;
  /** The claim on the file system's root. */
  claim: k8s.core.v1.PersistentVolumeClaim;
  image: string;
  provider: k8s.Provider;
}

/**
 * The Job that creates every team's tree on the shared file system (infra/storage/teamDirectories.ts),
 * idempotently. `pulumi up` waits for it to complete before the teams' volumes exist. Its name carries
 * a hash of the team list, so a new team list replaces it with a fresh run. The pod is the platform's one root pod: Pod Security
 * `baseline` (the platform namespace's level), every capability dropped but the three chown and
 * chmod on root-owned directories need, no privilege escalation, read-only root filesystem, no
 * service-account token (it needs no network: Lustre is mounted by the node).
 */
export function teamDirectoriesJob(name: string, args: TeamDirectoriesJobArgs, parent: pulumi.Resource): k8s.batch.v1.Job {
  const { command, args: teamArgs } = teamDirectoriesCommand(args.teams);
  const resources = { cpu: "100m", memory: "64Mi" };
  const labels = { "app.kubernetes.io/name": TEAM_DIRECTORIES_JOB, [MANAGED_BY_LABEL]: MANAGED_BY };
  return new k8s.batch.v1.Job(name, {
    metadata: { name: `${TEAM_DIRECTORIES_JOB}-${createHash("sha256").update(teamArgs.join("\n")).digest("hex").slice(0, 10)}`, namespace: args.namespace, labels },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
          containers: [{
            name: TEAM_DIRECTORIES_JOB,
            image: args.image,
            command,
            args: teamArgs,
            resources: { requests: resources, limits: resources },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"], add: [...TEAM_DIRECTORIES_CAPABILITIES] },
              seccompProfile: { type: "RuntimeDefault" },
            },
            volumeMounts: [{ name: "root", mountPath: FILE_SYSTEM_ROOT }],
          }],
          volumes: [{ name: "root", persistentVolumeClaim: { claimName: args.claim.metadata.name } }],
        },
      },
    },
  }, { parent, provider: args.provider });
}
