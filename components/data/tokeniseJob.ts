import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { DatasetSpec, PlatformSpec } from "../../infra/config/types";
import { tokeniseResources } from "../../infra/data/tokenise";
import { HUB_ACCESS_LABEL } from "../../infra/metadata";
import { QUEUE_LABEL } from "../../infra/queues/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../../infra/security/podSecurity";
import { HF_CACHE_SUBPATH, hubEnv } from "../../infra/data/modelSource";
import { TokeniseJobConfig } from "../../infra/data/tokenise";
import { SHARED_DATA_CLAIM } from "../../infra/storage/values";
import { DATASET_LABEL } from "../../infra/metadata";
import { tokeniseConfigMapNames, tokeniseJobName } from "../../infra/naming";

/** The job's Python sources, shipped to the pod as a ConfigMap: the code that runs is the code that was tested. */
const TOKENISE_SOURCES = ["tokenise.py", "hygiene.py", "shards.py", "manifest.py"] as const;
const SOURCE_DIR = path.resolve(__dirname, "..", "..", "jobs", "tokenise");
/** Six hours: 3 M dialogue samples on 16 workers tokenise in about one. */
const TOKENISE_TIMEOUT_SECONDS = 6 * 3600;

export interface TokeniseJobArgs {
  spec: PlatformSpec;
  dataset: DatasetSpec;
  config: TokeniseJobConfig;
  /** The data-prep image derived from gpuStack. */
  image: string;
  /** The team namespace (it holds the shared-data claim). */
  namespace: pulumi.Input<string>;
  /** What must exist before the job runs: its claim's directories (AWS: the team-directories Job). */
  dependsOn?: pulumi.Resource[];
  provider: k8s.Provider;
}

/**
 * An indexed Job that tokenises a data set once into shards on the shared volume. Its name carries
 * the manifest key, so a change of data, tokenizer, hygiene or shard plan is a new job, and an
 * unchanged one finds its manifest and exits at once.
 */
export class TokeniseJob extends pulumi.ComponentResource {
  public readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: TokeniseJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:data:TokeniseJob", name, {}, opts);
    const { dataset, config } = args;
    const jobName = tokeniseJobName(dataset.name, config.manifestKey);
    const configMaps = tokeniseConfigMapNames(jobName);
    const labels = { "app.kubernetes.io/name": "tokenise", [DATASET_LABEL]: dataset.name };
    // Admitted through the team's queue like any job; allowed out to the hub only when the tokenizer lives there.
    const podLabels = { ...labels, ...(config.loading.offline ? {} : { [HUB_ACCESS_LABEL]: "true" }) };
    const sources = new k8s.core.v1.ConfigMap(`${name}-code`, {
      metadata: { name: configMaps.code, namespace: args.namespace, labels },
      data: Object.fromEntries(TOKENISE_SOURCES.map((f) => [f, fs.readFileSync(path.join(SOURCE_DIR, f), "utf8")])),
    }, { parent: this, provider: args.provider });
    const settings = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: configMaps.config, namespace: args.namespace, labels },
      data: { "dataset.json": JSON.stringify(config, null, 2) },
    }, { parent: this, provider: args.provider });

    const worker = tokeniseResources(args.spec, dataset);
    const requests = { cpu: String(worker.cpu), memory: `${worker.memoryMiB}Mi` };
    this.job = new k8s.batch.v1.Job(name, {
      // `pulumi up` waits for tokenisation (declared training runs are created after it); a no-op when
      // the shards already exist. The wait is bounded by TOKENISE_TIMEOUT_SECONDS.
      metadata: { name: jobName, namespace: args.namespace, labels: { ...labels, [QUEUE_LABEL]: dataset.team }, annotations: { "pulumi.com/timeoutSeconds": String(TOKENISE_TIMEOUT_SECONDS) } },
      spec: {
        completionMode: "Indexed",
        completions: config.parallelism,
        parallelism: config.parallelism,
        // A failed worker retries its own index; shards it already wrote are skipped.
        backoffLimitPerIndex: 3,
        template: {
          metadata: { labels: podLabels },
          spec: {
            restartPolicy: "Never",
            securityContext: restrictedPodSecurityContext(),
            // The job reads and writes files; it never calls the Kubernetes API.
            automountServiceAccountToken: false,
            containers: [{
              name: "tokenise",
              image: args.image,
              command: ["python3", "/opt/llm-platform/tokenise.py", "--config", "/etc/llm-platform/dataset.json"],
              env: hubEnv(`${config.dataRoot}/${HF_CACHE_SUBPATH}/huggingface`, dataset.hub, config.loading.offline),
              resources: { requests, limits: requests },
              volumeMounts: [
                { name: "data", mountPath: config.dataRoot },
                { name: "code", mountPath: "/opt/llm-platform", readOnly: true },
                { name: "config", mountPath: "/etc/llm-platform", readOnly: true },
              ],
              securityContext: restrictedContainerSecurityContext(),
            }],
            volumes: [
              { name: "data", persistentVolumeClaim: { claimName: SHARED_DATA_CLAIM } },
              { name: "code", configMap: { name: sources.metadata.name } },
              { name: "config", configMap: { name: settings.metadata.name } },
            ],
          },
        },
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn ?? [] });
    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
