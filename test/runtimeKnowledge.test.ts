import { findInstanceType } from "../infra/catalog/instances";
import { isHubRepo, modelSourceProblems, needsRemoteCode } from "../infra/data/modelSource";
import { podVolumeProblems } from "../infra/k8s/volumes";
import { driversOfMinor, findAmiRelease, isNewerThanTable, newestReleaseWithDriver } from "../infra/nodes/eksAmi";
import { podsReadyEstimate, requiredTimeoutMinutes } from "../infra/queues/podsReady";
import { forwardedEnvNames, launchCommandProblems, mpirunCommand } from "../infra/training/launcher";
import { parseSpec } from "../infra/config/spec";
import { referenceConfig } from "./helpers/stacks";

const prod = parseSpec(referenceConfig("prod"));
const onprem = parseSpec(referenceConfig("onprem"));
const noTrust = { trustRemoteCode: false };

describe("the training launcher (DeepSpeed#7711)", () => {
  const efa = ["NCCL_DEBUG", "FI_PROVIDER"];
  const openmpiRunner = (version: string) => launchCommandProblems(["deepspeed", "--launcher", "openmpi", "--hostfile", "/etc/mpi/hostfile", "train.py"], { deepspeedVersion: version, fabricEnv: [], nodes: 1 });

  it("refuses deepspeed's OpenMPI runner from 0.16.4 through 0.18.3, and only there", () => {
    expect(openmpiRunner("0.16.3")).toEqual([]);
    expect(openmpiRunner("0.16.4")).toEqual([
      '`deepspeed --launcher openmpi` raises "MPI environment variables are not set" on DeepSpeed 0.16.4–0.18.3 (deepspeedai/DeepSpeed#7711; fixed in 0.18.4); this stack pins 0.16.4 — run mpirun over the hostfile instead (the platform\'s launcher does)',
    ]);
    expect(openmpiRunner("0.17.1")).toHaveLength(1);
    expect(openmpiRunner("0.18.3")).toHaveLength(1);
    expect(openmpiRunner("0.18.4")).toEqual([]);
    // the option's other spellings
    expect(launchCommandProblems(["deepspeed", "--launcher=OpenMPI", "train.py"], { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 })).toHaveLength(1);
    expect(launchCommandProblems(["deepspeed", "--launcher", "pdsh", "train.py"], { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 })).toEqual([]);
  });

  it("refuses a non-Python entry point without --no_python, and accepts it with", () => {
    const base = { deepspeedVersion: "0.18.4", fabricEnv: [], nodes: 1 };
    expect(launchCommandProblems(["deepspeed", "--hostfile", "/etc/mpi/hostfile", "llm-train"], base)).toEqual([
      "`deepspeed` runs `python -u llm-train` unless --no_python is given (DeepSpeed launcher/runner.py), and llm-train is not a Python file",
    ]);
    expect(launchCommandProblems(["deepspeed", "--no_python", "--hostfile", "/etc/mpi/hostfile", "llm-train"], base)).toEqual([]);
    expect(launchCommandProblems(["deepspeed", "--hostfile", "/etc/mpi/hostfile", "train.py"], base)).toEqual([]);
  });

  it("on two nodes requires every fabric variable forwarded; on one node nothing crosses", () => {
    const full = mpirunCommand({ ranks: 16, forwardEnv: [...efa, "PATH"], program: ["llm-train"] });
    expect(full).toEqual(["mpirun", "--hostfile", "/etc/mpi/hostfile", "-np", "16", "--bind-to", "none", "-x", "NCCL_DEBUG", "-x", "FI_PROVIDER", "-x", "PATH", "llm-train"]);
    expect(launchCommandProblems(full, { deepspeedVersion: "0.17.1", fabricEnv: efa, nodes: 2 })).toEqual([]);
    const missing = mpirunCommand({ ranks: 16, forwardEnv: ["NCCL_DEBUG"], program: ["llm-train"] });
    expect(launchCommandProblems(missing, { deepspeedVersion: "0.17.1", fabricEnv: efa, nodes: 2 })).toEqual([
      "mpirun does not forward FI_PROVIDER (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails",
    ]);
    expect(launchCommandProblems(missing, { deepspeedVersion: "0.17.1", fabricEnv: efa, nodes: 1 })).toEqual([]);
  });

  it("reads the command of an sh -c script, with \"$@\" standing for the arguments after the script's name", () => {
    const efaOnly = { deepspeedVersion: "0.17.1", fabricEnv: ["FI_PROVIDER"], nodes: 2 };
    expect(launchCommandProblems(["/bin/sh", "-c", "cd /work && mpirun -x FI_PROVIDER \"$@\"", "sh", "llm-train"], efaOnly)).toEqual([]);
    expect(launchCommandProblems(["bash", "-c", "mpiexec -np 16 llm-train; echo done"], efaOnly)).toEqual([
      "mpirun does not forward FI_PROVIDER (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails",
    ]);
    // "$@" brings the arguments in: the deepspeed CLI's program is the first after its options
    expect(launchCommandProblems(["sh", "-c", "deepspeed --num_gpus 8 $@", "sh", "serve"], { ...efaOnly, nodes: 1 })).toEqual([
      "`deepspeed` runs `python -u serve` unless --no_python is given (DeepSpeed launcher/runner.py), and serve is not a Python file",
    ]);
    // a shell without -c is a program like any other
    expect(launchCommandProblems(["sh", "train.sh"], efaOnly)).toEqual([]);
  });

  it("refuses mpirun with a DeepSpeed older than its MPI discovery (0.3.0), on and around the boundary", () => {
    const mpirun = ["mpirun", "-np", "8", "python3", "train.py"];
    expect(launchCommandProblems(mpirun, { deepspeedVersion: "0.2.9", fabricEnv: [], nodes: 1 })).toEqual([
      "DeepSpeed 0.2.9 cannot discover its ranks from OpenMPI (mpi_discovery arrived in 0.3.0)",
    ]);
    expect(launchCommandProblems(mpirun, { deepspeedVersion: "0.3.0", fabricEnv: [], nodes: 1 })).toEqual([]);
    expect(launchCommandProblems(["python3", "train.py"], { deepspeedVersion: "0.2.9", fabricEnv: [], nodes: 1 })).toEqual([]);
  });

  it("skips the deepspeed CLI's options with a value before its program, and reads --launcher at the end as none", () => {
    const base = { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 };
    expect(launchCommandProblems(["deepspeed", "--master_port", "29500", "--include", "localhost:0", "--bind_cores_to_rank", "run"], base)).toEqual([
      "`deepspeed` runs `python -u run` unless --no_python is given (DeepSpeed launcher/runner.py), and run is not a Python file",
    ]);
    expect(launchCommandProblems(["deepspeed", "--hostfile", "h"], base)).toEqual([]);
    expect(launchCommandProblems(["deepspeed", "train.py", "--launcher"], base)).toEqual([]);
  });

  it("counts only -x after mpirun as forwarding, lists every missing variable, and survives a trailing -x", () => {
    const efa = { deepspeedVersion: "0.17.1", fabricEnv: ["FI_PROVIDER", "NCCL_DEBUG"], nodes: 2 };
    const missingBoth = "mpirun does not forward FI_PROVIDER, NCCL_DEBUG (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails";
    expect(launchCommandProblems(["sh", "-c", "export -x FI_PROVIDER -x NCCL_DEBUG; mpirun -np 16 python3 t.py"], efa)).toEqual([missingBoth]);
    expect(launchCommandProblems(["mpirun", "-e", "FI_PROVIDER", "--env", "NCCL_DEBUG", "python3", "t.py", "-x"], efa)).toEqual([missingBoth]);
    expect(launchCommandProblems(["/usr/local/bin/mpirun", "-x", "FI_PROVIDER=efa", "-x", "NCCL_DEBUG", "python3", "t.py"], efa)).toEqual([]);
  });

  it("reads a script only after sh -c, and only from a real shell", () => {
    const efa = { deepspeedVersion: "0.17.1", fabricEnv: ["FI_PROVIDER"], nodes: 2 };
    const dropped = "mpirun does not forward FI_PROVIDER (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails";
    expect(launchCommandProblems(["sha256sum", "-c", "mpirun -np 2 t.py"], efa)).toEqual([]); // not a shell
    expect(launchCommandProblems(["sh", "-x", "mpirun -np 2 t.py"], efa)).toEqual([]); // no -c: the third word is a file name
    expect(launchCommandProblems(["sh", "-c"], efa)).toEqual([]);
    expect(launchCommandProblems(["/usr/bin/bash", "-c", "mpirun -np 2 t.py"], efa)).toEqual([dropped]);
    expect(launchCommandProblems(["-c", "mpirun -np 2 t.py"], efa)).toEqual([]); // "-c" without a shell before it
    expect(launchCommandProblems(["/opt/openmpi/bin/mpirun", "-np", "2", "t.py"], efa)).toEqual([dropped]); // found by its base name
  });

  it("replaces only a whole \"$@\" or $* word with the arguments", () => {
    const one = { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 };
    const notPython = (program: string) => `\`deepspeed\` runs \`python -u ${program}\` unless --no_python is given (DeepSpeed launcher/runner.py), and ${program} is not a Python file`;
    expect(launchCommandProblems(["sh", "-c", "deepspeed prefix$@", "sh", "serve"], one)).toEqual([notPython("prefix$@")]);
    expect(launchCommandProblems(["sh", "-c", "deepspeed $@.py", "sh", "serve"], one)).toEqual([]);
    expect(launchCommandProblems(["sh", "-c", 'deepspeed "$*"', "sh", "serve"], one)).toEqual([notPython("serve")]);
  });

  it("reads --launcher only as the whole option", () => {
    const base = { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 };
    expect(launchCommandProblems(["deepspeed", "--launcher_args", "openmpi", "train.py"], base)).toEqual([]);
    expect(launchCommandProblems(["deepspeed", "--no--launcher=openmpi", "train.py"], base)).toEqual([]);
  });

  it("skips the value of every deepspeed option that takes one", () => {
    const command = ["deepspeed", "--hostfile", "h", "--launcher", "pdsh", "--launcher_args", "a", "--master_addr", "m", "--master_port", "1", "--num_nodes", "2", "--num_gpus", "8", "--include", "i", "--exclude", "e", "--module", "mod", "--ssh_port", "22", "--bind_core_list", "0-3", "llm-train"];
    expect(launchCommandProblems(command, { deepspeedVersion: "0.17.1", fabricEnv: [], nodes: 1 })).toEqual([
      "`deepspeed` runs `python -u llm-train` unless --no_python is given (DeepSpeed launcher/runner.py), and llm-train is not a Python file",
    ]);
  });

  it("forwards one list for training and the fabric test: the pool's fabric variables, then the job's, then PATH and LD_LIBRARY_PATH", () => {
    const h100 = prod.nodePools.find((p) => p.name === "train-h100")!;
    expect(forwardedEnvNames(h100, ["SHARD_DIR", "NCCL_DEBUG"])).toEqual(["NCCL_DEBUG", "NCCL_SOCKET_IFNAME", "FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA", "FI_EFA_FORK_SAFE", "SHARD_DIR", "PATH", "LD_LIBRARY_PATH"]);
    const a100 = onprem.nodePools.find((p) => p.name === "train-a100")!;
    expect(forwardedEnvNames(a100)).toEqual(["NCCL_DEBUG", "NCCL_SOCKET_IFNAME", "NCCL_IB_DISABLE", "NCCL_IB_HCA", "PATH", "LD_LIBRARY_PATH"]);
  });
});

describe("Kueue's wait for ready pods, sized from the pool", () => {
  // Pull: a 20 GiB image through a 125 MiB/s gp3 root volume twice (write, unpack) = 20 × 1024 × 2 / 125 s = 327.68 s = 5.461 min.
  const pull = (20 * 1024 * 2) / 125 / 60;

  it("p5.48xlarge scaling from zero: 1 + 12 + 5.46 + 2 = 20.46 min, × 1.25 = 25.6 → 30 min", () => {
    const estimate = podsReadyEstimate({ name: "p5", minNodes: 0, maxNodes: 8, instanceType: findInstanceType("p5.48xlarge")! });
    expect(estimate).toEqual({ pool: "p5", reactionMinutes: 1, bootMinutes: 12, pullMinutes: pull, startMinutes: 2, timeoutMinutes: 30 });
  });

  it("g6e.xlarge (one GPU, no EFA) scaling from zero: 1 + 5 + 5.46 + 2 = 13.46 × 1.25 = 16.8 → 20 min", () => {
    expect(podsReadyEstimate({ name: "l40s", minNodes: 0, maxNodes: 1, instanceType: findInstanceType("g6e.xlarge")! }).timeoutMinutes).toBe(20);
  });

  it("a pool whose nodes always exist never boots: 5.46 + 2 = 7.46 × 1.25 = 9.3 → 10 min (on-prem, or min = max)", () => {
    expect(podsReadyEstimate({ name: "hosts", minNodes: 4, maxNodes: 4 })).toMatchObject({ reactionMinutes: 0, bootMinutes: 0, timeoutMinutes: 10 });
    expect(podsReadyEstimate({ name: "fixed-p5", minNodes: 2, maxNodes: 2, instanceType: findInstanceType("p5.48xlarge")! })).toMatchObject({ bootMinutes: 0, timeoutMinutes: 10 });
    // one node of head-room to grow is enough to make it a scale-up
    expect(podsReadyEstimate({ name: "p5", minNodes: 2, maxNodes: 3, instanceType: findInstanceType("p5.48xlarge")! }).bootMinutes).toBe(12);
  });

  it("the cluster-wide timeout is the slowest pool's, never below Kueue's 10 minute default", () => {
    expect(requiredTimeoutMinutes([])).toBe(10);
    expect(requiredTimeoutMinutes([{ name: "hosts", minNodes: 4, maxNodes: 4 }, { name: "p5", minNodes: 0, maxNodes: 8, instanceType: findInstanceType("p5.48xlarge")! }])).toBe(30);
  });
});

describe("EKS AMI releases and their NVIDIA drivers (amazon-eks-ami CHANGELOG.md)", () => {
  it("knows what a release ships, as its release notes say", () => {
    // v20251120: Kubernetes 1.34 → 1.34.2-20251120, kmod-nvidia-latest-dkms 580.105.08-1.amzn2023
    expect(findAmiRelease("1.34.2-20251120")).toEqual({ releaseVersion: "1.34.2-20251120", nvidiaDriver: "580.105.08" });
    // v20251112: 1.34.1-20251112, 580.95.05; v20260714: 1.35.6-20260714, 580.159.03
    expect(findAmiRelease("1.34.1-20251112")?.nvidiaDriver).toBe("580.95.05");
    expect(findAmiRelease("1.35.6-20260714")?.nvidiaDriver).toBe("580.159.03");
    expect(findAmiRelease("1.34.2-20991231")).toBeUndefined();
  });

  it("picks the newest release of the minor that ships the driver, and lists the drivers a minor offers", () => {
    // 580.105.08 was shipped from v20251120 to v20260116 for 1.34
    expect(newestReleaseWithDriver("1.34", "580.105.08")?.releaseVersion).toBe("1.34.2-20260116");
    expect(newestReleaseWithDriver("1.34", "580.105.09")).toBeUndefined();
    expect(driversOfMinor("1.34").map((d) => d.driver)).toEqual(["570.172.08", "570.195.03", "580.95.05", "580.105.08", "580.126.09", "580.159.03"]);
  });

  it("tells a release newer than the table from an unknown old one", () => {
    expect(isNewerThanTable("1.34.9-20260715")).toBe(true);
    expect(isNewerThanTable("1.34.9-20260714")).toBe(false);
    expect(isNewerThanTable("1.34.1-20200101")).toBe(false);
    expect(isNewerThanTable("1.40.0-20260101")).toBe(true);
  });
});

describe("where a tokenizer or model comes from", () => {
  it("tells hub repositories from paths", () => {
    expect(isHubRepo("meta-llama/Llama-3.1-8B-Instruct")).toBe(true);
    expect(isHubRepo("gpt2")).toBe(false);
    expect(isHubRepo("/data/models/x")).toBe(false);
    expect(isHubRepo("a/b/c")).toBe(false);
    expect(isHubRepo("org/../x")).toBe(false);
  });

  it("requires a token Secret for a gated repository, trust_remote_code for ChatGLM, and the shared volume for paths", () => {
    expect(modelSourceProblems("meta-llama/Llama-3.1-8B-Instruct", noTrust, "tokenizer").map((p) => p.key)).toEqual(["hubTokenSecret"]);
    expect(modelSourceProblems("meta-llama/Llama-3.1-8B-Instruct", { ...noTrust, tokenSecret: { name: "hf", key: "token" } }, "tokenizer")).toEqual([]);
    expect(modelSourceProblems("THUDM/chatglm2-6b", noTrust, "tokenizer").map((p) => p.key)).toEqual(["trustRemoteCode"]);
    expect(modelSourceProblems("/data/models/chatglm2-6b", { trustRemoteCode: true }, "model")).toEqual([]);
    expect(modelSourceProblems("/models/x", noTrust, "model")).toEqual([{ key: "name", message: '"/models/x" is a path outside the shared volume; pods see only /data/… (stage the model on shared storage, e.g. /data/models/<name>)' }]);
    expect(modelSourceProblems("gpt2", noTrust, "tokenizer")).toEqual([{ key: "tokenizer", message: '"gpt2" is neither a Hugging Face repository ("org/name") nor a path on the shared volume (/data/…)' }]);
  });

  it("knows which tokenizers are code in their repository (and that Qwen from 1.5 on is not)", () => {
    for (const name of ["THUDM/chatglm-6b", "THUDM/chatglm3-6b", "baichuan-inc/Baichuan2-7B-Chat", "internlm/internlm2-chat-7b", "Qwen/Qwen-7B-Chat"]) expect([name, needsRemoteCode(name)]).toEqual([name, true]);
    for (const name of ["Qwen/Qwen1.5-7B-Chat", "Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "THUDM/glm-4-9b-chat-hf"]) expect([name, needsRemoteCode(name)]).toEqual([name, false]);
  });
});

describe("what the kubelet can mount", () => {
  const pod = (volumes: any[], mounts: any[]) => ({ where: "Pod p", namespace: "t", spec: { volumes, containers: [{ name: "c", volumeMounts: mounts }] } });

  it("accepts one claim mounted several times through one volume", () => {
    expect(podVolumeProblems(pod([{ name: "shared", persistentVolumeClaim: { claimName: "data" } }], [
      { name: "shared", mountPath: "/data", readOnly: true },
      { name: "shared", mountPath: "/checkpoints", subPath: "checkpoints" },
    ]))).toEqual([]);
  });

  it("accepts two claims on different file systems, refuses two on one", () => {
    const volumes = [{ name: "a", persistentVolumeClaim: { claimName: "a" } }, { name: "b", persistentVolumeClaim: { claimName: "b" } }];
    const different = (_ns: string | undefined, claim: string) => ({ driver: "fsx.csi.aws.com", volumeHandle: `fs-${claim}` });
    const same = () => ({ driver: "fsx.csi.aws.com", volumeHandle: "fs-1" });
    expect(podVolumeProblems(pod(volumes, []), different)).toEqual([]);
    expect(podVolumeProblems(pod(volumes, []), same)).toHaveLength(1);
  });
});
