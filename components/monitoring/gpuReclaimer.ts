import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { JOB_CONFIG_FILE, jobCronSpec, RECLAIM_SOURCES, reclaimerConfig, reclaimerRoleRules, RECLAIMER_NAME, RECLAIMER_SCHEDULE, reclaimingTeams } from "../../infra/monitoring/reclaim";

/** jobs/reclaim/: shipped to the pod as a ConfigMap, so the code that runs is the code that was tested. */
export const RECLAIM_SOURCE_DIR = path.resolve(__dirname, "..", "..", "jobs", "reclaim");

/** The jobs' Python sources as ConfigMap data. */
export function reclaimSources(): Record<string, string> {
  return Object.fromEntries(RECLAIM_SOURCES.map((f) => [f, fs.readFileSync(path.join(RECLAIM_SOURCE_DIR, f), "utf8")]));
}

export interface GpuReclaimerArgs {
  spec: PlatformSpec;
  /** The platform's system namespace, where the CronJob runs. */
  namespace: pulumi.Input<string>;
  /** Team namespace outputs by team name (a Role in each reclaiming team's). */
  teamNamespaces: Record<string, pulumi.Input<string>>;
  image: string;
  /** Kueue's release: the Workload CRD must exist before the first run. */
  kueue: pulumi.Resource;
  provider: k8s.Provider;
}

/** The idle-GPU reclaimer: a CronJob with RBAC only in the namespaces of teams whose policy is not off. */
export class GpuReclaimer extends pulumi.ComponentResource {
  public readonly cronJob: k8s.batch.v1.CronJob;

  constructor(name: string, args: GpuReclaimerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:monitoring:GpuReclaimer", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/name": RECLAIMER_NAME, [MANAGED_BY_LABEL]: MANAGED_BY };
    const account = new k8s.core.v1.ServiceAccount(name, { metadata: { name: RECLAIMER_NAME, namespace: args.namespace, labels } }, child);
    for (const team of reclaimingTeams(args.spec)) {
      const teamNamespace = args.teamNamespaces[team.name];
      const role = new k8s.rbac.v1.Role(`${name}-${team.name}`, { metadata: { name: RECLAIMER_NAME, namespace: teamNamespace, labels }, rules: reclaimerRoleRules() }, child);
      new k8s.rbac.v1.RoleBinding(`${name}-${team.name}`, {
        metadata: { name: RECLAIMER_NAME, namespace: teamNamespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.namespace }],
      }, child);
    }
    const code = new k8s.core.v1.ConfigMap(`${name}-code`, { metadata: { name: `${RECLAIMER_NAME}-code`, namespace: args.namespace, labels }, data: reclaimSources() }, child);
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: `${RECLAIMER_NAME}-config`, namespace: args.namespace, labels },
      data: { [JOB_CONFIG_FILE]: JSON.stringify(reclaimerConfig(args.spec), null, 2) },
    }, child);
    this.cronJob = new k8s.batch.v1.CronJob(name, {
      metadata: { name: RECLAIMER_NAME, namespace: args.namespace, labels },
      spec: jobCronSpec(RECLAIMER_SCHEDULE, { name: RECLAIMER_NAME, image: args.image, script: "reclaim.py", serviceAccountName: RECLAIMER_NAME, codeConfigMap: `${RECLAIMER_NAME}-code`, configConfigMap: `${RECLAIMER_NAME}-config` }),
    }, { ...child, dependsOn: [account, code, config, args.kueue] });
    this.registerOutputs({});
  }
}
