import { RecordedResource } from "../infra/plan/record";
import { runPolicies } from "../policies/run";
import { jobNcclEnvMatchesFabric, multinodeJobFabric, trainingJobFits, trainingJobQueued, trainingJobWithinOwnQuota, zeroStage3WhereStage2Fits } from "../policies/training";
import { referencePlan } from "./helpers/plan";

type Policy = Parameters<typeof runPolicies>[0][number];
const JOB = "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob";

/** prod's recorded resources, with the first TrainJob (and anything else) edited. */
async function prodWith(edit: (resources: RecordedResource[]) => void): Promise<RecordedResource[]> {
  const resources = structuredClone((await referencePlan("prod")).resources) as RecordedResource[];
  edit(resources);
  return resources;
}
const firstJob = (resources: RecordedResource[]) => resources.find((r) => r.type === JOB)!.inputs as any;
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);

describe("training policies on the prod stack", () => {
  it("all pass as declared", async () => {
    const resources = await prodWith(() => undefined);
    for (const policy of [trainingJobQueued, trainingJobFits, trainingJobWithinOwnQuota, multinodeJobFabric, jobNcclEnvMatchesFabric, zeroStage3WhereStage2Fits]) {
      expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
    }
  });
});

describe("policy training-job-queued (mandatory)", () => {
  it("fails a TrainJob without a queue, and one naming a queue the stack lacks", async () => {
    const resources = await prodWith((rs) => {
      delete firstJob(rs).metadata.labels["kueue.x-k8s.io/queue-name"];
      (rs.filter((r) => r.type === JOB)[1].inputs as any).metadata.labels["kueue.x-k8s.io/queue-name"] = "research";
    });
    expect(await messages(trainingJobQueued, resources)).toEqual([
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 has no kueue.x-k8s.io/queue-name label: it would take GPUs outside the queues",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src1024 names LocalQueue research, which this stack does not create in its namespace",
    ]);
  });
});

describe("policy training-job-fits (mandatory)", () => {
  it("fails a job wanting more nodes than its pool has and more GPUs than all queues guarantee", async () => {
    const resources = await prodWith((rs) => {
      firstJob(rs).spec.trainer.numNodes = 9;
    });
    expect(await messages(trainingJobFits, resources)).toEqual([
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 wants 9 nodes of pool train-h100, whose maxNodes is 8",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 needs 72 GPUs of pool train-h100, but all queues together guarantee only 48 there (its own sales-dialogue: 32): it can never be admitted",
    ]);
  });
});

describe("policy training-job-within-own-quota (advisory)", () => {
  it("warns when a job can run only on borrowed GPUs", async () => {
    const resources = await prodWith((rs) => {
      firstJob(rs).spec.trainer.numNodes = 5;
    });
    expect(await messages(trainingJobWithinOwnQuota, resources)).toEqual([
      "advisory: TrainJob sales-dialogue/sales-llama8b-src512 needs 40 GPUs of pool train-h100; queue sales-dialogue guarantees 32, so it runs on borrowed GPUs that can be reclaimed",
    ]);
  });
});

describe("policy multinode-job-fabric (mandatory)", () => {
  it("fails a multi-node job on a TCP pool", async () => {
    const resources = await prodWith((rs) => {
      const runtime = rs.find((r) => r.type === "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime")!.inputs as any;
      runtime.metadata.labels["llm-platform/fabric"] = "tcp";
    });
    expect(await messages(multinodeJobFabric, resources)).toEqual([
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 spans 2 nodes on pool train-h100, whose fabric is tcp: the field notes' 64 Gbps network made 4 nodes slower than 1",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src1024 spans 2 nodes on pool train-h100, whose fabric is tcp: the field notes' 64 Gbps network made 4 nodes slower than 1",
    ]);
  });
});

describe("policy job-nccl-env-matches-fabric (mandatory)", () => {
  it("rejects the field notes' hand-written .deepspeed_env on an EFA pool", async () => {
    const resources = await prodWith((rs) => {
      firstJob(rs).spec.trainer.env.push({ name: "NCCL_IB_DISABLE", value: "1" }, { name: "NCCL_SOCKET_IFNAME", value: "eth1" }, { name: "NCCL_NET", value: "Socket" });
    });
    expect(await messages(jobNcclEnvMatchesFabric, resources)).toEqual([
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512: NCCL_IB_DISABLE=1 on pool train-h100, whose fabric is efa: NCCL would fall back to TCP sockets; remove it — the runtime sets the fabric's environment",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512: NCCL_NET=Socket on pool train-h100, whose fabric is efa: forces TCP sockets over the RDMA fabric; remove it — the runtime sets the fabric's environment",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512: NCCL_SOCKET_IFNAME=eth1 on pool train-h100: pods have only eth0 (and lo); remove it — the runtime sets the fabric's environment",
    ]);
  });
});

describe("policy zero-stage-3-where-2-fits (advisory)", () => {
  it("warns when a job forces stage 3 although stage 2 fits", async () => {
    const resources = await prodWith((rs) => {
      const cm = rs.find((r) => r.name === "prod-jobs-sales-llama8b-src512-deepspeed")!.inputs as any;
      const config = JSON.parse(cm.data["ds_config.json"]);
      config.zero_optimization.stage = 3;
      cm.data["ds_config.json"] = JSON.stringify(config);
    });
    const found = await messages(zeroStage3WhereStage2Fits, resources);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^advisory: sales-dialogue\/sales-llama8b-src512-deepspeed: ZeRO stage 3 is forced, but stage 2 fits \(ZeRO stage 2: it fits on 2 × 8 GPUs/);
  });
});
