import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { JOB_LABEL, ZERO_ADVICE_ANNOTATION, ZERO_ADVISED_STAGE_ANNOTATION } from "../../infra/metadata";
import { planTrainingRun, trainJob } from "../../infra/training/runtime";
import { deepspeedConfigMapName } from "../../infra/naming";

export interface TrainingJobsArgs {
  spec: PlatformSpec;
  /** The training image derived from gpuStack. */
  image: string;
  teamNamespaces: Record<string, pulumi.Input<string>>;
  /** What every TrainJob waits for: the runtimes and LocalQueues. */
  dependsOn: pulumi.Resource[];
  /** Each data set's tokenise Job: a run is created once its shards exist. */
  tokeniseJobs: Record<string, pulumi.Resource>;
  provider: k8s.Provider;
}

/** Declared training runs: a DeepSpeed config ConfigMap and a TrainJob each, queued through Kueue. */
export class TrainingJobs extends pulumi.ComponentResource {
  constructor(name: string, args: TrainingJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:training:TrainingJobs", name, {}, opts);
    for (const run of args.spec.trainingRuns) {
      const plan = planTrainingRun(args.spec, run);
      const config = new k8s.core.v1.ConfigMap(`${name}-${run.name}-deepspeed`, {
        metadata: {
          name: deepspeedConfigMapName(run.name),
          namespace: args.teamNamespaces[run.team],
          labels: { [JOB_LABEL]: run.job },
          // The advisor's reasoning travels with the config it produced.
          annotations: { [ZERO_ADVICE_ANNOTATION]: plan.zero.explanation, [ZERO_ADVISED_STAGE_ANNOTATION]: String(plan.zero.stage) },
        },
        data: { "ds_config.json": JSON.stringify(plan.deepspeed, null, 2) },
      }, { parent: this, provider: args.provider });
      new k8s.apiextensions.CustomResource(`${name}-${run.name}`, trainJob(args.spec, plan, args.image, deepspeedConfigMapName(run.name)), {
        parent: this,
        provider: args.provider,
        dependsOn: [config, ...args.dependsOn, ...(args.tokeniseJobs[run.dataset] ? [args.tokeniseJobs[run.dataset]] : [])],
      });
    }
    this.registerOutputs({});
  }
}
