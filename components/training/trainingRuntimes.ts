import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSpec } from "../../infra/config/types";
import { NCCL_CHECK_CONFIGMAP } from "../../infra/training/ncclAcceptance";
import { clusterTrainingRuntime } from "../../infra/training/runtime";

const NCCL_CHECK_SOURCE = path.resolve(__dirname, "..", "..", "jobs", "nccl", "check_busbw.py");

export interface TrainingRuntimesArgs {
  pools: readonly NodePoolSpec[];
  /** The training image derived from gpuStack. */
  image: string;
  /** Team namespaces: each gets the fabric acceptance check script. */
  teamNamespaces: Record<string, pulumi.Input<string>>;
  provider: k8s.Provider;
  /** The Trainer release (the CRDs must exist first). */
  trainer: pulumi.Resource;
}

/** A DeepSpeed ClusterTrainingRuntime per training pool, and the fabric acceptance check in every team namespace. */
export class TrainingRuntimes extends pulumi.ComponentResource {
  public readonly runtimes: Record<string, k8s.apiextensions.CustomResource> = {};

  constructor(name: string, args: TrainingRuntimesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:training:TrainingRuntimes", name, {}, opts);
    for (const pool of args.pools) {
      this.runtimes[pool.name] = new k8s.apiextensions.CustomResource(`${name}-${pool.name}`, clusterTrainingRuntime(pool, args.image), {
        parent: this,
        provider: args.provider,
        dependsOn: [args.trainer],
      });
    }
    const check = fs.readFileSync(NCCL_CHECK_SOURCE, "utf8");
    for (const [team, namespace] of Object.entries(args.teamNamespaces)) {
      new k8s.core.v1.ConfigMap(`${name}-nccl-check-${team}`, {
        metadata: { name: NCCL_CHECK_CONFIGMAP, namespace },
        data: { "check_busbw.py": check },
      }, { parent: this, provider: args.provider });
    }
    this.registerOutputs({});
  }
}
