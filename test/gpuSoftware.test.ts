import { PLATFORM_TYPE } from "../infra/manifest";
import { gpuOperatorValues } from "../infra/gpu/operatorValues";
import { parseSpec } from "../infra/config/spec";
import { platformImages, parseImageRef, stackTag } from "../infra/images";
import type * as planCliModule from "../infra/plan/cli";
// Required where used: the module loads the whole program (Pulumi SDKs), seconds per test file.
const planCli = () => require("../infra/plan/cli") as typeof planCliModule;
import { CHARTS } from "../infra/versions";
import { gpuOperatorMatchesStack, gpuSoftwareAligned, gpuSoftwareAlignedPolicy, gpuSoftwareMinorVersionCompat, gpuSoftwareMinorVersionCompatPolicy, gpuSoftwareUntestedPolicy, platformImagesMatchStack } from "../policies/gpuSoftware";
import { runPolicies } from "../policies/run";
import { named, referencePlan, itWithPlan } from "./helpers/plan";
import { recorded } from "./helpers/resources";
import { referenceConfig, referenceStackDoc, tempProject, withValues } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml, unknownValueKeys } from "./helpers/upstream";

const REGISTRY = "registry.example.com/llm-platform";
const gpuStack = { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image", migStrategy: "single" };
const manifest = (stack: Record<string, unknown>, pools: Record<string, unknown>[]) =>
  recorded(PLATFORM_TYPE, "test", { stack: "test", target: "aws", budgetUsdPerMonth: 1, gpuStack: { ...gpuStack, ...stack }, images: { registry: REGISTRY, digests: {} }, nodePools: pools });
const pool = (name: string, gpu: string) => ({ name, purpose: "training", fabric: "efa", gpu, gpusPerNode: 8, networkGbpsPerNode: 3200, minNodes: 0, desiredNodes: 0, maxNodes: 2 });
const operator = (values: Record<string, unknown>, version: string = CHARTS.gpuOperator.version) => recorded("kubernetes:helm.sh/v3:Release", "gpu-operator", { chart: "gpu-operator", version, values });
const messages = async (policy: Parameters<typeof runPolicies>[0][number], resources: ReturnType<typeof recorded>[]) =>
  (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);

describe("policy gpu-software-aligned (mandatory)", () => {
  it("passes H100 and L40S pools on the prod stack", async () => {
    expect(await messages(gpuSoftwareAligned, [manifest({}, [pool("train-h100", "H100"), pool("infer-l40s", "L40S")])])).toEqual([]);
  });

  it("names the pool, GPU, versions, rule and a working combination", async () => {
    expect(await messages(gpuSoftwareAligned, [manifest({ cudaVersion: "11.3" }, [pool("train-h100", "H100")])])).toEqual([
      "mandatory: pool train-h100 (H100, sm90): CUDA 11.3 predates sm90 (first supported in 11.8); PyTorch 2.7.1 has no CUDA 11.3 wheel (its wheels: CUDA 11.8, 12.6, 12.8); " +
        "nearest working stack: CUDA 11.3 → 11.8; keep driver 580.105.08, PyTorch 2.7.1, DeepSpeed 0.17.1 " +
        "[stack: driver 580.105.08 (shipped by the node image), CUDA 11.3, PyTorch 2.7.1, DeepSpeed 0.17.1]",
    ]);
  });

  it("fails only the pool whose GPU the stack cannot drive (V100 beside H100 on PyTorch 2.7's CUDA 12.8 wheel)", async () => {
    const found = await messages(gpuSoftwareAligned, [manifest({}, [pool("train-h100", "H100"), pool("old-v100", "V100")])]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^mandatory: pool old-v100 \(V100, sm70\): PyTorch 2\.7\.1's CUDA 12\.8 wheel is not built for sm70/);
  });
});

describe("policy gpu-software-aligned: which pools, and how the stack is written", () => {
  it("checks only pools with a GPU model the catalog knows", async () => {
    const cpu = { ...pool("system", "H100"), gpu: undefined, gpusPerNode: 0 };
    expect(await messages(gpuSoftwareAligned, [manifest({ cudaVersion: "11.3" }, [cpu, pool("odd", "X999")])])).toEqual([]);
  });

  it("says the GPU operator installs the driver when it does", async () => {
    const [found] = await messages(gpuSoftwareAligned, [manifest({ cudaVersion: "11.3", driverManagedBy: "operator" }, [pool("train-h100", "H100")])]);
    expect(found).toMatch(/ \[stack: driver 580\.105\.08 \(installed by the GPU operator\), CUDA 11\.3, PyTorch 2\.7\.1, DeepSpeed 0\.17\.1\]$/);
  });
});

describe("policy gpu-software-aligned with a fixed date", () => {
  const aligned = gpuSoftwareAlignedPolicy(() => new Date("2026-12-02T00:00:00Z"));
  it("refuses a driver that predates the GPU part and asks for a newer node image", async () => {
    expect(await messages(aligned, [manifest({ driverVersion: "535.230.02", cudaVersion: "12.1", pytorchVersion: "2.4.1", deepspeedVersion: "0.15.4" }, [pool("train-h200", "H200")])])).toEqual([
      "mandatory: pool train-h200 (H200, sm90): driver 535.230.02 predates H200 (sm90, PCI 2335): NVIDIA H200 (SXM) is listed from driver 550.90.07; " +
        "nearest working stack: change the node image to one whose driver is ≥ 550.90.07 (now 535.230.02); keep CUDA 12.1, PyTorch 2.4.1, DeepSpeed 0.15.4 " +
        "[stack: driver 535.230.02 (shipped by the node image), CUDA 12.1, PyTorch 2.4.1, DeepSpeed 0.15.4]",
    ]);
  });
  it("does not refuse what upstream only never tested (DeepSpeed 0.19.5 with PyTorch 2.13)", async () => {
    expect(await messages(aligned, [manifest({ cudaVersion: "13.0", pytorchVersion: "2.13.0", deepspeedVersion: "0.19.5" }, [pool("a", "A100")])])).toEqual([]);
  });
});

describe("policy gpu-software-untested (advisory)", () => {
  const untested = gpuSoftwareUntestedPolicy(() => new Date("2026-12-02T00:00:00Z"));
  it("advises once per message, naming the kind, for untested, unknown and end-of-life findings", async () => {
    expect(await messages(untested, [manifest({ driverVersion: "535.230.02", cudaVersion: "12.1", pytorchVersion: "2.4.1", deepspeedVersion: "0.14.4" }, [pool("a", "A100"), pool("b", "A800")])])).toEqual([
      "advisory: pools a, b: [untested] DeepSpeed 0.14.4's CI ran PyTorch 1.10–2.3, not 2.4: untested, not known to fail (DeepSpeed 0.15.2's CI ran it)",
      "advisory: pools a, b: [end-of-life] driver branch R535 (long-term support branch) reached end of life in 2026-06 (NVIDIA data-center driver lifecycle): no security fixes since " +
        "(maintained: R620 long-term support branch to 2029-09, R595 production branch to 2027-03, R580 long-term support branch to 2028-06)",
    ]);
  });
  it("says the matrix is behind for a release newer than it knows", async () => {
    expect(await messages(untested, [manifest({ pytorchVersion: "2.15.0", deepspeedVersion: "0.17.1" }, [pool("a", "H100")])])).toEqual([
      "advisory: pools a: [unknown] PyTorch 2.15.0 is newer than the matrix (newest known 2.14.0): the matrix is behind; its wheels and their GPU targets are not checked",
      "advisory: pools a: [untested] DeepSpeed 0.17.1's CI ran PyTorch 2.0–2.7, not 2.15: untested, not known to fail",
    ]);
  });
  it("is silent on the prod stack before R580's end of life, and speaks after it", async () => {
    expect(await messages(untested, [manifest({}, [pool("train-h100", "H100")])])).toEqual([]);
    const later = gpuSoftwareUntestedPolicy(() => new Date("2028-07-01T00:00:00Z"));
    expect(await messages(later, [manifest({}, [pool("train-h100", "H100")])])).toEqual([
      "advisory: pools train-h100: [end-of-life] driver branch R580 (long-term support branch) reached end of life in 2028-06 (NVIDIA data-center driver lifecycle): no security fixes since " +
        "(maintained: R620 long-term support branch to 2029-09)",
    ]);
  });
});

describe("policy gpu-software-minor-version-compat (advisory)", () => {
  it("is advisory and named as the pack lists it", () => {
    expect([gpuSoftwareMinorVersionCompatPolicy(() => new Date(0)).name, gpuSoftwareMinorVersionCompat.enforcementLevel]).toEqual(["gpu-software-minor-version-compat", "advisory"]);
  });
  it("warns once for all pools when the driver relies on minor-version compatibility", async () => {
    expect(await messages(gpuSoftwareMinorVersionCompat, [manifest({ driverVersion: "535.230.02" }, [pool("a", "A100"), pool("b", "A100")])])).toEqual([
      "advisory: pools a, b: driver 535.230.02 is below CUDA 12.8's full-compatibility minimum 570.26; it runs under minor-version compatibility (≥ 525.60.13) without JIT of newer PTX, so kernels shipped only as newer PTX fail",
    ]);
    expect(await messages(gpuSoftwareMinorVersionCompat, [manifest({}, [pool("a", "A100")])])).toEqual([]);
  });
});

describe("policy gpu-operator-matches-stack (mandatory)", () => {
  const gpuPools = [pool("train-h100", "H100")];
  it("passes an operator that leaves the driver to the node image", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({}, gpuPools), operator({ driver: { enabled: false, version: "580.105.08" } })])).toEqual([]);
  });
  it("passes an operator that installs exactly gpuStack.driverVersion", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({ driverManagedBy: "operator" }, gpuPools), operator({ driver: { enabled: true, version: "580.105.08" } })])).toEqual([]);
  });
  it("fails an operator installing a driver the node image already ships, a different driver, or an unpinned chart", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({}, gpuPools), operator({ driver: { version: "595.91.07" } }, "v25.10.1")])).toEqual([
      "mandatory: GPU operator chart v25.10.1 is not the pinned v26.7.0 whose driver branches the matrix knows",
      "mandatory: GPU operator driver.enabled is true, but gpuStack.driverManagedBy is node-image: two drivers would fight over the nodes",
      "mandatory: GPU operator installs driver 595.91.07, but gpuStack.driverVersion is 580.105.08",
    ]);
  });
  it("fails a stack with GPU pools and no GPU operator", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({}, gpuPools)])).toEqual(["mandatory: the stack has GPU pools but no GPU operator release (chart gpu-operator v26.7.0)"]);
  });
  it("needs no operator without GPU pools, and counts only Helm releases of the gpu-operator chart", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({}, [])])).toEqual([]);
    const notTheOperator = [recorded("kubernetes:helm.sh/v3:Release", "other", { chart: "kueue", version: "0.19.2", values: {} }), recorded("kubernetes:core/v1:ConfigMap", "cm", { chart: "gpu-operator" })];
    expect(await messages(gpuOperatorMatchesStack, [manifest({}, gpuPools), ...notTheOperator])).toEqual(["mandatory: the stack has GPU pools but no GPU operator release (chart gpu-operator v26.7.0)"]);
  });
  it("reads an operator without values as installing the chart's default driver", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({ driverManagedBy: "operator" }, gpuPools), recorded("kubernetes:helm.sh/v3:Release", "gpu-operator", { chart: "gpu-operator", version: CHARTS.gpuOperator.version })])).toEqual([
      "mandatory: GPU operator installs driver (chart default), but gpuStack.driverVersion is 580.105.08",
    ]);
  });
  it("fails an operator told not to install the driver it is meant to manage", async () => {
    expect(await messages(gpuOperatorMatchesStack, [manifest({ driverManagedBy: "operator" }, gpuPools), operator({ driver: { enabled: false } })])).toEqual([
      "mandatory: GPU operator driver.enabled is false, but gpuStack.driverManagedBy is operator: no one installs the driver",
    ]);
  });
});

describe("policy platform-images-match-stack (mandatory)", () => {
  const configMap = (data: Record<string, unknown>) => recorded("kubernetes:core/v1:ConfigMap", "images", { data });
  const digest = `sha256:${"b".repeat(64)}`;
  const withDigest = (over: Record<string, unknown> = {}) =>
    recorded(PLATFORM_TYPE, "test", { stack: "test", target: "aws", budgetUsdPerMonth: 1, gpuStack, images: { registry: REGISTRY, digests: { [`${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`]: digest } }, nodePools: [], ...over });
  it("wants the digest where the config pins one, and accepts a digest where it pins none", async () => {
    const train = `${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`;
    expect(await messages(platformImagesMatchStack, [withDigest(), configMap({ training: `${train}@${digest}` })])).toEqual([]);
    expect(await messages(platformImagesMatchStack, [withDigest(), configMap({ training: train })])).toEqual([`mandatory: data.training uses ${train}, but gpuStack derives ${train}@${digest}`]);
    expect(await messages(platformImagesMatchStack, [withDigest(), configMap({ training: `${train}@sha256:${"c".repeat(64)}` })])).toHaveLength(1);
    expect(await messages(platformImagesMatchStack, [manifest({}, []), configMap({ training: `${train}@${digest}` })])).toEqual([]);
  });
  it("reads a manifest without digests, nested arrays and nulls, and looks only at Kubernetes resources", async () => {
    const noDigests = recorded(PLATFORM_TYPE, "test", { stack: "test", target: "aws", budgetUsdPerMonth: 1, gpuStack, images: { registry: REGISTRY }, nodePools: [] });
    const bad = `${REGISTRY}/llm-train:old`;
    expect(await messages(platformImagesMatchStack, [noDigests, configMap({ list: [[null, bad]], n: 3 })])).toEqual([
      `mandatory: data.list[0][1] uses ${bad}, but gpuStack derives ${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`,
    ]);
    expect(await messages(platformImagesMatchStack, [noDigests, recorded("aws:ecr/repository:Repository", "ecr", { url: bad })])).toEqual([]);
  });
  it("passes images carrying the stack's tag and ignores other registries", async () => {
    expect(await messages(platformImagesMatchStack, [manifest({}, []), configMap({ training: `${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`, other: "nvcr.io/nvidia/pytorch:25.01-py3" })])).toEqual([]);
  });
  it("fails an image whose tag disagrees with gpuStack, and an unknown platform repository", async () => {
    const job = recorded("kubernetes:batch/v1:Job", "train", { spec: { template: { spec: { containers: [{ name: "t", image: `${REGISTRY}/llm-train:torch2.6.0-cu124-ds0.16.0` }, { name: "x", image: `${REGISTRY}/homemade:latest` }] } } } });
    expect(await messages(platformImagesMatchStack, [manifest({}, []), job])).toEqual([
      `mandatory: spec.template.spec.containers[0].image uses ${REGISTRY}/llm-train:torch2.6.0-cu124-ds0.16.0, but gpuStack derives ${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`,
      `mandatory: spec.template.spec.containers[1].image uses ${REGISTRY}/homemade:latest, which is not a platform image (${REGISTRY}/llm-train, ${REGISTRY}/llm-dataprep)`,
    ]);
  });
});

describe("image pins", () => {
  it("derives every image from gpuStack, by digest where one is known", () => {
    const spec = parseSpec(withValues(referenceConfig("prod"), {
      // (the gateway's digest stays: prod's sales endpoint has a gateway, pulled by digest)
      "llm-platform:images": { registry: REGISTRY, digests: { [`${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1`]: `sha256:${"a".repeat(64)}`, [`${REGISTRY}/llm-gateway:0.1.0`]: `sha256:${"b".repeat(64)}` } },
    }));
    const images = platformImages(spec.gpuStack, spec.images);
    expect(stackTag(spec.gpuStack)).toBe("torch2.7.1-cu128-ds0.17.1");
    expect(images.training.ref).toBe(`${REGISTRY}/llm-train:torch2.7.1-cu128-ds0.17.1@sha256:${"a".repeat(64)}`);
    expect(images.dataPrep.ref).toBe(`${REGISTRY}/llm-dataprep:torch2.7.1-cu128-ds0.17.1`);
    expect(parseImageRef("host:5000/a/b:t@sha256:x")).toEqual({ repository: "host:5000/a/b", tag: "t", digest: "sha256:x" });
  });

  itWithPlan("publishes the images in a ConfigMap in the platform namespace", async () => {
    const cm = named(await referencePlan("prod"), "kubernetes:core/v1:ConfigMap", "prod-images");
    expect(cm.inputs).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "llm-platform-images", namespace: "llm-platform" },
      data: {
        training: "444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-train:torch2.7.1-cu128-ds0.17.1",
        dataPrep: "444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-dataprep:torch2.7.1-cu128-ds0.17.1",
      },
    });
  });
});

describe("GPU operator", () => {
  itWithPlan("on EKS leaves driver and toolkit to the accelerated AMI and runs plugin, GFD, DCGM exporter", async () => {
    const release = named(await referencePlan("prod"), "kubernetes:helm.sh/v3:Release", "prod-gpu-operator");
    expect(release.inputs).toMatchObject({ chart: "gpu-operator", version: "v26.7.0", namespace: "gpu-operator", repositoryOpts: { repo: "https://helm.ngc.nvidia.com/nvidia" } });
    expect(release.inputs.values).toMatchObject({
      driver: { enabled: false, version: "580.105.08" },
      toolkit: { enabled: false },
      devicePlugin: { enabled: true },
      gfd: { enabled: true },
      dcgmExporter: { enabled: true },
      mig: { strategy: "single" },
      nfd: { enabled: true },
      daemonsets: { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] },
    });
  });

  it("installs the pinned driver and drains one node at a time when it manages the driver", () => {
    const spec = parseSpec(withValues(referenceConfig("onprem"), {
      "llm-platform:gpuStack": { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.8.0", deepspeedVersion: "0.17.1", driverManagedBy: "operator", migStrategy: "none" },
    }));
    expect(gpuOperatorValues(spec)).toMatchObject({
      driver: { enabled: true, version: "580.105.08", upgradePolicy: { autoUpgrade: true, maxParallelUpgrades: 1, maxUnavailable: 1, drain: { enable: true, force: false } } },
      toolkit: { enabled: true },
      mig: { strategy: "none" },
      migManager: { enabled: false },
      // the Network Operator runs NFD on InfiniBand clusters
      nfd: { enabled: false },
    });
  });
});

describe("alignment through the plan", () => {
  const project = tempProject({
    misaligned: { ...referenceStackDoc("prod").config, "llm-platform:gpuStack": { driverVersion: "580.105.08", cudaVersion: "11.3", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1" } },
    // The field notes' setting: A100 servers whose hosts ship an R470 driver, PyTorch 1.12.1 built for CUDA 11.3.
    fieldnotes: {
      ...referenceStackDoc("onprem").config,
      "llm-platform:gpuStack": { driverVersion: "470.82.01", cudaVersion: "11.3", pytorchVersion: "1.12.1", deepspeedVersion: "0.8.3", driverManagedBy: "node-image" },
      "llm-platform:nodePools": [
        { name: "train-a100", gpu: "A100", gpusPerNode: 8, fabric: "infiniband", networkGbpsPerNode: 800, cpusPerNode: 128, memoryGiBPerNode: 1024, purpose: "training", minNodes: 4, maxNodes: 4 },
      ],
      "llm-platform:teams": [{ name: "sales-dialogue", gpuQuota: { "train-a100": 32 } }],
      "llm-platform:inferenceEndpoints": [],
      "llm-platform:trainingJobs": [
        { name: "sales-glm6b", team: "sales-dialogue", model: { name: "/data/models/chatglm2-6b", parameters: 6.24e9, hiddenSize: 4096, layers: 28, trustRemoteCode: true }, pool: "train-a100", nodes: 4, dataset: "sales-dialogue", globalBatchSize: 128 },
      ],
    },
  });
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const code = await planCli().runCli(args, (l) => out.push(l), () => undefined);
    return { code, out: out.join("\n") };
  };

  itWithPlan("fails a misaligned stack with exit 1 and the pool's message", async () => {
    const run = await cli("--project", project, "--stack", "misaligned");
    expect(run.code).toBe(planCli().EXIT_POLICY);
    expect(run.out).toContain("mandatory gpu-software-aligned: pool train-h100 (H100, sm90): CUDA 11.3 predates sm90 (first supported in 11.8)");
    expect(run.out).toContain("mandatory gpu-software-aligned: pool infer-l40s (L40S, sm89): CUDA 11.3 predates sm89 (first supported in 11.8)");
  });

  itWithPlan("accepts the field notes' A100 + R470 + PyTorch 1.12.1 (CUDA 11.3) on-prem stack", async () => {
    const run = await cli("--project", project, "--stack", "fieldnotes");
    expect(run.code).toBe(planCli().EXIT_CLEAN);
    // Advice, not refusals: R470 passed its end of life (July 2024), and ChatGLM2's tokenizer and model
    // run their own code (trust_remote_code) in the tokenise job and the training run, and the training
    // and data-prep images are referenced by tag, not digest (pod-images-by-digest).
    expect(run.out).toMatch(/^fieldnotes: \d+ resources, 0 mandatory \/ 5 advisory/);
  });
});

describeWithUpstream("GPU operator chart contract (../shared/upstream/charts/gpu-operator/v26.7.0)", () => {
  it("sets only keys the pinned chart defines, for every reference stack", () => {
    const defaults = readUpstreamYaml("charts/gpu-operator/v26.7.0/values.yaml");
    // dcgmExporter.config is the one key values.yaml documents only in a comment (checked in monitoring.test.ts).
    for (const stack of ["dev", "staging", "prod", "onprem"] as const) {
      expect([stack, unknownValueKeys(gpuOperatorValues(parseSpec(referenceConfig(stack))), defaults)]).toEqual([stack, ["dcgmExporter.config"]]);
    }
  });

  it("pins the operator whose default driver the matrix knows", () => {
    const defaults = readUpstreamYaml("charts/gpu-operator/v26.7.0/values.yaml");
    const { GPU_OPERATOR_VALIDATED_DRIVERS, GPU_OPERATOR_DRIVER_BRANCHES } = require("../infra/compat/gpuOperator") as typeof import("../infra/compat/gpuOperator");
    expect(GPU_OPERATOR_VALIDATED_DRIVERS).toContain(defaults.driver.version);
    expect(GPU_OPERATOR_DRIVER_BRANCHES).toContain(Number(String(defaults.driver.version).split(".")[0]));
    expect(defaults.driver.upgradePolicy).toHaveProperty("drain");
  });
});
