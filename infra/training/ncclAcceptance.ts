/**
 * The fabric acceptance test (pure): an NCCL all-reduce (nccl-tests all_reduce_perf on the aligned
 * training image) across two nodes of a pool, through the pool's own training runtime and fabric
 * profile, that fails when the measured bus bandwidth is below the pool's floor. The field notes
 * found their 64 Gbps network only by training slowly; this finds it in minutes after `pulumi up`.
 */
import { ACCEPTANCE_NODES, findInstanceType, ncclBusBandwidthFloorGBps, ringBusBandwidthFloorGBps } from "../catalog/instances";
import type { NodePoolSpec } from "../config/types";
import { gpusPerNode } from "../nodes/labels";
import { PRIORITY_LABEL, QUEUE_LABEL } from "../queues/labels";
import { afterPeersReachable, forwardedEnvNames, mpirunCommand } from "./launcher";
import { runtimeName, TRAINER_API } from "./runtime";
import { ACCEPTANCE_TEST_LABEL } from "../metadata";
import { acceptanceTestGenerateName } from "../naming";

export const NCCL_CHECK_CONFIGMAP = "llm-nccl-acceptance";
const NCCL_CHECK_DIR = "/opt/llm-platform/nccl";
const NCCL_TESTS_BINARY = "/opt/nccl-tests/build/all_reduce_perf";
export { NCCL_ACCEPTANCE_NAME_PREFIX } from "../naming";

/** The pool's floor: its config override, else the catalog's value for its type, else from its bandwidth. */
export function poolBusBandwidthFloorGBps(pool: NodePoolSpec): number {
  if (pool.ncclBusBandwidthFloorGBps !== undefined) return pool.ncclBusBandwidthFloorGBps;
  if (pool.kind === "aws") {
    const floor = ncclBusBandwidthFloorGBps(findInstanceType(pool.instanceType.name)!);
    if (floor !== undefined) return floor;
  }
  return ringBusBandwidthFloorGBps(pool.kind === "aws" ? pool.instanceType.networkGbps : pool.networkGbpsPerNode, gpusPerNode(pool));
}

/** A TrainJob manifest that runs the test (created by `npm run fabric-test … | kubectl create -f -`). */
export function ncclAcceptanceTrainJob(pool: NodePoolSpec, team: string, image: string) {
  const ranks = ACCEPTANCE_NODES * gpusPerNode(pool);
  const floor = poolBusBandwidthFloorGBps(pool);
  return {
    apiVersion: TRAINER_API,
    kind: "TrainJob",
    metadata: {
      generateName: acceptanceTestGenerateName(pool.name),
      namespace: team,
      labels: { [QUEUE_LABEL]: team, [PRIORITY_LABEL]: "high", [ACCEPTANCE_TEST_LABEL]: pool.name },
    },
    spec: {
      runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: runtimeName(pool.name) },
      trainer: {
        image,
        numNodes: ACCEPTANCE_NODES,
        command: afterPeersReachable([
          "python3", `${NCCL_CHECK_DIR}/check_busbw.py`, "--min-busbw-gbps", String(floor), "--",
          ...mpirunCommand({ ranks, forwardEnv: forwardedEnvNames(pool), program: [NCCL_TESTS_BINARY, "-b", "1G", "-e", "8G", "-f", "2", "-g", "1"] }),
        ]),
      },
      runtimePatches: [{
        manager: "llm-platform",
        trainingRuntimeSpec: {
          template: { spec: { replicatedJobs: [{
            name: "launcher",
            template: { spec: { template: { spec: {
              volumes: [{ name: "nccl-check", configMap: { name: NCCL_CHECK_CONFIGMAP } }],
              containers: [{ name: "node", volumeMounts: [{ name: "nccl-check", mountPath: NCCL_CHECK_DIR, readOnly: true }] }],
            } } } },
          }] } },
        },
      }],
    },
  };
}
