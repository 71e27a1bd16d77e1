import { PLATFORM_TYPE } from "../infra/manifest";
import type { RecordedResource } from "../infra/recorded";
import { runPolicies } from "../policies/run";
import { containerImagesPinned, noRuntimeDownloads, noStandingClusterAdmin, podVolumesMountable, remoteCodeInJobs, trainingLauncherRuns } from "../policies/runtime";
import { jobNcclEnvMatchesFabric, kueueWaitsForPools, multinodeJobFabric, trainingJobFits, trainingJobQueued, trainingJobWithinOwnQuota, zeroStage3WhereStage2Fits } from "../policies/training";
import { recorded } from "./helpers/resources";

// A preview can hand a policy objects with fields not yet known or left out; a policy must judge
// them, never crash (the analyzer would report the crash instead of the finding).
const bare = (type: string, name: string, props: Record<string, unknown> = {}) => recorded(type, name, props);
const k8s = (kind: string, api = "core/v1") => bare(`kubernetes:${api}:${kind}`, `bare-${kind}`, { kind });
const partial: RecordedResource[] = [
  bare(PLATFORM_TYPE, "platform", { target: "aws", gpuStack: { deepspeedVersion: "0.17.1" }, nodePools: [] }),
  k8s("TrainJob", "trainer.kubeflow.org/v1alpha1"),
  k8s("ClusterTrainingRuntime", "trainer.kubeflow.org/v1alpha1"),
  k8s("ClusterQueue", "kueue.x-k8s.io/v1beta2"),
  k8s("LocalQueue", "kueue.x-k8s.io/v1beta2"),
  k8s("ConfigMap"),
  bare("kubernetes:core/v1:ConfigMap", "annotated", { kind: "ConfigMap", metadata: { annotations: { "llm-platform/zero-advised-stage": "2" } } }),
  k8s("Pod"),
  k8s("Deployment", "apps/v1"),
  k8s("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
  k8s("RoleBinding", "rbac.authorization.k8s.io/v1"),
  bare("kubernetes:helm.sh/v3:Release", "kueue", { chart: "oci://registry.k8s.io/kueue/charts/kueue" }),
];

describe("training and pod policies on partial resources", () => {
  it.each([
    ["training-job-queued", trainingJobQueued, ["mandatory: TrainJob undefined/undefined has no kueue.x-k8s.io/queue-name label: it would take GPUs outside the queues"]],
    ["training-job-fits", trainingJobFits, ["mandatory: TrainJob undefined/undefined uses runtime undefined, which is not a platform runtime of a training pool"]],
    ["training-job-within-own-quota", trainingJobWithinOwnQuota, []],
    ["multinode-job-fabric", multinodeJobFabric, []],
    ["job-nccl-env-matches-fabric", jobNcclEnvMatchesFabric, []],
    ["zero-stage-3-where-2-fits", zeroStage3WhereStage2Fits, []],
    ["kueue-waits-for-pools", kueueWaitsForPools, []],
    ["pod-volumes-mountable", podVolumesMountable, []],
    ["training-launcher-runs", trainingLauncherRuns, []],
    ["container-images-pinned", containerImagesPinned, []],
    ["no-runtime-downloads", noRuntimeDownloads, []],
    ["no-standing-cluster-admin", noStandingClusterAdmin, []],
    ["remote-code-in-jobs", remoteCodeInJobs, []],
  ] as const)("%s judges them without failing", async (_name, policy, expected) => {
    const { violations } = await runPolicies([policy], partial);
    expect(violations.map((v) => `${v.enforcement}: ${v.message}`)).toEqual(expected);
  });
});
