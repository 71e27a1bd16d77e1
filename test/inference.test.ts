import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSpec } from "../infra/config/spec";
import type { InferenceEndpointSpec, PlatformSpec } from "../infra/config/types";
import { candidateReleases, checkServingRelease, chooseServingRelease } from "../infra/inference/alignment";
import { kedaValues, scaledObject } from "../infra/inference/autoscaling";
import { planEndpoint } from "../infra/inference/endpoints";
import { estimateServing } from "../infra/inference/estimate";
import { vllmDeployment, vllmServiceMonitor } from "../infra/inference/manifests";
import { kvBytesPerToken, servingMemory, tensorParallelSizes, whatWouldFit } from "../infra/inference/memory";
import { cheapestReplicaUsdPerHour, poolReplicaUsdPerHour } from "../infra/inference/replicaCost";
import { inferenceReport } from "../infra/inference/report";
import { capsOutputServerSide, outputCapOf, vllmServeArgs } from "../infra/inference/vllmServer";
import { CHARTS } from "../infra/versions";
import { renderMarkdown } from "../infra/plan/markdown";
import { named, ofType, referencePlan } from "./helpers/plan";
import { referenceConfig, withValues } from "./helpers/stacks";
import { crdValidator } from "./helpers/crds";
import { describeWithUpstream, readUpstreamYaml, unknownValueKeys } from "./helpers/upstream";

const GIB = 1024 ** 3;
const prod = parseSpec(referenceConfig("prod"));
const staging = parseSpec(referenceConfig("staging"));
const onprem = parseSpec(referenceConfig("onprem"));
const endpoint = (spec: PlatformSpec) => spec.inferenceEndpoints[0];

// Llama-3.1-8B (config.json: hidden 4096, 32 layers, 32 heads, 8 KV heads) and ChatGLM2-6B (hidden 4096,
// 28 layers, 32 heads, multi_query_group_num 2).
const llama8b = { name: "llama-3.1-8b", parameters: 8.03e9, hiddenSize: 4096, layers: 32, attentionHeads: 32, kvHeads: 8 };
const chatglm2 = { name: "chatglm2-6b", parameters: 6.24e9, hiddenSize: 4096, layers: 28, attentionHeads: 32, kvHeads: 2 };

describe("serving memory", () => {
  it("sizes the KV cache from layers, KV heads and head dimension", () => {
    // 2 (K, V) × 32 layers × 8 KV heads × (4096 / 32 = 128) × 2 bytes = 131,072 bytes per token
    expect(kvBytesPerToken(llama8b)).toBe(131072);
    // ChatGLM2: 2 × 28 × 2 × 128 × 2 = 28,672
    expect(kvBytesPerToken(chatglm2)).toBe(28672);
  });

  it("fits prod's endpoint on one L40S: 15 GiB of weights and 8 GiB of KV within 40.8 GiB", () => {
    const m = servingMemory({ model: llama8b, loraAdapters: [], maxModelLen: 2048, concurrencyPerReplica: 32, gpusPerReplica: 1, gpu: "L40S" });
    expect(m.weightsBytes).toBe(16.06e9); // 8.03e9 × 2 bytes
    expect(m.kvBytes).toBe(8 * GIB); // 131,072 × 2,048 × 32 = 8,589,934,592
    expect(m.usableBytes).toBe(48 * 0.85 * GIB);
    expect(m.fits).toBe(true);
  });

  it("refuses 32 sequences of 8,192 tokens on one L40S and says what would fit", () => {
    const input = { model: llama8b, loraAdapters: [], maxModelLen: 8192, concurrencyPerReplica: 32, gpusPerReplica: 1, gpu: "L40S" as const };
    const m = servingMemory(input);
    expect(m.kvBytes).toBe(32 * GIB);
    expect(m.fits).toBe(false);
    // free = 40.8 GiB − 16.06e9 B = 43,808,666,419 − 16,060,000,000 = 27,748,666,419 B
    // concurrency ≤ 27,748,666,419 / (131,072 × 8,192 = 1,073,741,824) = 25.8 → 25
    // maxModelLen ≤ 27,748,666,419 / (131,072 × 32 = 4,194,304) = 6,615.8 → 6,615; two GPUs hold it
    expect(whatWouldFit(input, 4)).toEqual({ maxConcurrency: 25, maxModelLen: 6615, gpusPerReplica: 2 });
  });

  it("fits exactly at the headroom and not one token over", () => {
    // ChatGLM2 on a 32 GiB V100: usable 27.2 GiB; free = 29,205,777,612.8 − 12,480,000,000 = 16,725,777,612.8 B
    // = 583,348.83 tokens of 28,672 B: 583,348 fit, 583,349 do not.
    const at = (tokens: number) => servingMemory({ model: chatglm2, loraAdapters: [], maxModelLen: tokens, concurrencyPerReplica: 1, gpusPerReplica: 1, gpu: "V100" }).fits;
    expect([at(583348), at(583349)]).toEqual([true, false]);
  });

  it("offers only tensor-parallel sizes that split the attention heads on one node", () => {
    expect(tensorParallelSizes(llama8b, 8)).toEqual([1, 2, 4, 8]);
    expect(tensorParallelSizes({ ...llama8b, attentionHeads: 40, hiddenSize: 5120 }, 8)).toEqual([1, 2, 4, 5, 8]);
  });
});

describe("serving estimate", () => {
  it("matches a hand calculation: Llama-3.1-8B on one L40S, one request, 1,000 → 101 tokens", () => {
    const e = estimateServing({ model: llama8b, gpu: "L40S", gpusPerReplica: 1, concurrency: 1, inputTokens: 1000, outputTokens: 101, usdPerReplicaHour: 2.24208 });
    // achieved bandwidth 864 GB/s × 0.77 = 665.28 GB/s; achieved throughput 362.05 TFLOPS × 0.44 = 159.302 TFLOPS
    // prefill: max(2 × 8.03e9 × 1,000 / 159.302e12 = 100.815 ms, 16.06e9 B / 665.28e9 = 24.140 ms) = 100.815 ms
    expect(e.ttftMs).toBeCloseTo(100.815, 2);
    // decode step: (16.06e9 + 1 × (1,000 + 101/2) × 131,072 = 16.197690 e9 B) / 665.28e9 = 24.3472 ms
    expect(e.decodeStepMs).toBeCloseTo(24.3472, 3);
    expect(e.itlMs).toBeCloseTo(24.3472, 3); // one request: no other prefills in between
    // reply: 100.815 + 100 × 24.3472 = 2,535.54 ms; replies/s = 1 / 2.53554 = 0.39440
    expect(e.replyMs).toBeCloseTo(2535.54, 1);
    expect(e.repliesPerSecondPerReplica).toBeCloseTo(0.39440, 4);
    // $2.24208/h / 3,600 / 0.39440 × 1,000 = $1.5791 per thousand replies
    expect(e.usdPerThousandReplies).toBeCloseTo(1.5791, 3);
  });

  it("gives the field notes' A100-over-V100 reply time (about 60 %): 0.57 for ChatGLM2-6B, 512 → 256 tokens", () => {
    // Field notes, "Inference speed": an A100 takes about 60 % of a V100's time for the same model and reply length.
    const reply = (gpu: "V100" | "A100-40GB") => estimateServing({ model: chatglm2, gpu, gpusPerReplica: 1, concurrency: 1, inputTokens: 512, outputTokens: 256, usdPerReplicaHour: null }).replyMs;
    const ratio = reply("A100-40GB") / reply("V100");
    expect(ratio).toBeGreaterThan(0.5); // tolerance ±0.1 around the published 0.6
    expect(ratio).toBeLessThan(0.7);
    expect(ratio).toBeCloseTo(0.574, 3);
  });

  it("lands within 25 % of a published vLLM ITL: Llama-3-8B BF16 on one H100 SXM, 10 requests at once, median TPOT 7.56 ms", () => {
    // LambdaLabsML/vllm-benchmark results/prompt_10/1xH100-80GB-SXM/Meta-Llama-3-8B-Instruct_tp1_len2048.json
    // (2024-09-07): 10 prompts at once, mean 137 input / 187 output tokens, median_tpot_ms 7.558.
    const e = estimateServing({ model: llama8b, gpu: "H100", gpusPerReplica: 1, concurrency: 10, inputTokens: 137, outputTokens: 187, usdPerReplicaHour: null });
    expect(e.decodeStepMs / 7.558).toBeGreaterThan(0.75);
    expect(e.decodeStepMs / 7.558).toBeLessThan(1.25);
  });

  it("grows the reply time with the reply's length", () => {
    const reply = (outputTokens: number) => estimateServing({ model: llama8b, gpu: "L40S", gpusPerReplica: 1, concurrency: 16, inputTokens: 512, outputTokens, usdPerReplicaHour: null }).replyMs;
    const replies = [16, 64, 256, 1024].map(reply);
    expect(replies).toEqual([...replies].sort((a, b) => a - b));
    expect(new Set(replies).size).toBe(4);
  });

  it("shortens the reply time with bandwidth where compute is equal (A100 40 → 80 GB, H100 → H200)", () => {
    const reply = (gpu: "A100-40GB" | "A100" | "H100" | "H200") => estimateServing({ model: llama8b, gpu, gpusPerReplica: 1, concurrency: 8, inputTokens: 512, outputTokens: 256, usdPerReplicaHour: null }).replyMs;
    expect(reply("A100")).toBeLessThan(reply("A100-40GB"));
    expect(reply("H200")).toBeLessThan(reply("H100"));
  });

  it("trades inter-token latency for replies per second as the batch grows", () => {
    const at = (concurrency: number) => estimateServing({ model: llama8b, gpu: "L40S", gpusPerReplica: 1, concurrency, inputTokens: 512, outputTokens: 200, usdPerReplicaHour: null });
    expect(at(32).repliesPerSecondPerReplica).toBeGreaterThan(at(8).repliesPerSecondPerReplica);
    expect(at(32).itlMs).toBeGreaterThan(at(8).itlMs);
  });

  it("prices a replica as its share of the node, and has no price on-prem", () => {
    const pool = (spec: PlatformSpec, name: string) => spec.nodePools.find((p) => p.name === name)!;
    expect(poolReplicaUsdPerHour(pool(prod, "infer-l40s"), 1)).toBeCloseTo(10.49264 / 4, 6); // g6e.12xlarge: 4 L40S
    expect(poolReplicaUsdPerHour(pool(prod, "infer-l40s"), 4)).toBeCloseTo(10.49264, 6);
    expect(poolReplicaUsdPerHour(pool(onprem, "infer-v100"), 1)).toBeNull();
    // V100 32 GB only on p3dn.24xlarge ($31.212 / 8); A800 on no AWS type
    expect(cheapestReplicaUsdPerHour("V100", 1)).toEqual({ instanceType: "p3dn.24xlarge", usdPerHour: 31.212 / 8 });
    expect(cheapestReplicaUsdPerHour("A800", 1)).toBeNull();
  });
});

describe("vLLM release and output cap", () => {
  it("counts max_new_tokens as a ceiling from 0.8.0 up to, not including, 0.16.0", () => {
    expect(["0.7.3", "0.8.0", "0.8.5.post1", "0.15.1", "0.16.0", "0.29.0"].map(capsOutputServerSide)).toEqual([false, true, true, true, false, false]);
  });

  it("picks the newest matrix release with a server-side cap that the pool runs: 0.11.0 on L40S (R580) and on V100 (R535)", () => {
    expect(candidateReleases()).toEqual(["0.11.0", "0.10.1", "0.9.2", "0.8.5"]);
    expect(chooseServingRelease({ gpu: "L40S", driverVersion: "580.105.08" })).toMatchObject({ version: "0.11.0", chosenBy: "alignment" });
    const v100 = chooseServingRelease({ gpu: "V100", driverVersion: "535.230.02" });
    expect(v100).toMatchObject({ version: "0.11.0", chosenBy: "alignment" });
    expect(v100.findings.map((f) => [f.rule, f.kind])).toEqual(expect.arrayContaining([["driver-supports-image-cuda", "limited"], ["vllm-attention-backend", "limited"]]));
  });

  it("refuses vLLM 0.9.2 on a V100: its PyTorch 2.7 CUDA 12.8 wheel has no sm_70 kernels", () => {
    const check = checkServingRelease("V100", "535.230.02", "0.9.2");
    expect(check.findings.filter((f) => f.kind === "broken").map((f) => f.message)).toEqual([
      "vLLM 0.9.2 pins PyTorch 2.7.0, whose CUDA 12.8 wheel has no kernels for sm70 (V100; built for 7.5, 8.0, 8.6, 9.0, 10.0, 12.0)",
    ]);
  });

  it("keeps a release pinned in config, with the matrix's verdict on it", () => {
    const release = chooseServingRelease({ gpu: "V100", driverVersion: "535.230.02", requestedVersion: "0.21.0" });
    expect(release.chosenBy).toBe("config");
    expect(release.findings.some((f) => f.kind === "broken")).toBe(true);
  });

  it("renders the cap and reads it back", () => {
    const args = vllmServeArgs(endpoint(prod), "L40S");
    expect(outputCapOf(args)).toBe(512);
    expect(outputCapOf(["--override-generation-config", "{\"temperature\": 0.2}"])).toBeUndefined();
    expect(outputCapOf(["--override-generation-config", "not json"])).toBeUndefined();
  });
});

describe("the vLLM command line", () => {
  it("serves prod's model from the shared volume with its length, batch, cap and BF16", () => {
    expect(vllmServeArgs(endpoint(prod), "L40S")).toEqual([
      "/models/base",
      "--host", "0.0.0.0",
      "--port", "8000",
      "--served-model-name", "sales-llama8b",
      "--dtype", "bfloat16",
      "--tensor-parallel-size", "1",
      "--max-model-len", "2048",
      "--max-num-seqs", "32",
      "--gpu-memory-utilization", "0.9",
      "--override-generation-config", "{\"max_new_tokens\":512}",
    ]);
  });

  it("loads staging's LoRA adapter with room for its rank", () => {
    expect(vllmServeArgs(endpoint(staging), "L40S").slice(-7)).toEqual(["--enable-lora", "--max-loras", "1", "--max-lora-rank", "16", "--lora-modules", "sales-tone-formal=/models/lora/sales-tone-formal"]);
  });

  it("serves FP16 on Volta (no BF16 below compute capability 8.0) and runs ChatGLM's own tokenizer code", () => {
    const args = vllmServeArgs(endpoint(onprem), "V100");
    expect(args.slice(args.indexOf("--dtype"), args.indexOf("--dtype") + 2)).toEqual(["--dtype", "float16"]);
    expect(args).toContain("--trust-remote-code");
  });

  it("streams s3:// weights with the Run:ai streamer", () => {
    const spec = parseSpec(withValues(referenceConfig("prod"), { "llm-platform:inferenceEndpoints": [{ ...JSON.parse(referenceConfig("prod").values["llm-platform:inferenceEndpoints"])[0], weights: "s3://acme-models/sales-llama8b" }] }));
    const args = vllmServeArgs(endpoint(spec), "L40S");
    expect(args[0]).toBe("s3://acme-models/sales-llama8b");
    expect(args.slice(-2)).toEqual(["--load-format", "runai_streamer"]);
    expect(endpoint(spec).weights).toEqual({ kind: "s3", uri: "s3://acme-models/sales-llama8b", bucket: "acme-models", prefix: "sales-llama8b" });
  });
});

describe("start-up and drain budgets", () => {
  it("sizes prod's start-up probe from FSx throughput shared by every replica that may start at once", () => {
    const plan = planEndpoint(prod, endpoint(prod));
    // FSx 4,800 GiB × 250 MB/s/TiB / 1,024 = 1,171.875 MB/s over 16 replicas = 73.24 MB/s (NIC share 100 Gbps / 4 = 3,125 MB/s)
    expect(plan.startup.weightsReadMBps).toBeCloseTo(73.2422, 3);
    // 16.06e9 B / 73.2422e6 B/s = 219.27 s, plus 300 s warm-up = 519.27 s → 52 probes of 10 s
    expect(plan.startup.loadSeconds).toBeCloseTo(219.27, 1);
    expect(plan.startup.failureThreshold).toBe(52);
  });

  it("waits out the longest reply before SIGTERM and gives vLLM 30 s after it", () => {
    const plan = planEndpoint(prod, endpoint(prod));
    expect(plan.drain.longestReplySeconds).toBeGreaterThan(plan.estimate.replyMs / 1000);
    expect(plan.drain.preStopSeconds).toBe(Math.ceil(plan.drain.longestReplySeconds) + 5);
    expect(plan.drain.terminationGracePeriodSeconds).toBe(plan.drain.preStopSeconds + 30);
  });
});

describe("rendered endpoint (prod plan)", () => {
  const deploymentOf = async () => named(await referencePlan("prod"), "kubernetes:apps/v1:Deployment", "prod-sales-assistant").inputs as any;

  it("runs vLLM on the inference pool: node selector, GPU toleration, one GPU, pinned image", async () => {
    const d = await deploymentOf();
    const pod = d.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "llm-platform/pool": "infer-l40s" });
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    const c = pod.containers[0];
    expect(c.image).toBe("444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/vllm-openai:v0.11.0@sha256:014a95f21c9edf6abe0aea6b07353f96baa4ec291c427bb1176dc7c93a85845c");
    // g6e.12xlarge: 48 vCPU, 384 GiB, 4 L40S → each of 4 replicas: 0.9 × 48 / 4 = 10 CPU, 0.9 × 384 / 4 = 86 GiB
    expect(c.resources).toEqual({ requests: { cpu: "10", memory: "86Gi", "nvidia.com/gpu": "1" }, limits: { cpu: "10", memory: "86Gi", "nvidia.com/gpu": "1" } });
    expect(c.command).toEqual(["vllm", "serve"]);
  });

  it("mounts the team's claim once, read-only, with sub-paths for the weights", async () => {
    const pod = (await deploymentOf()).spec.template.spec;
    expect(pod.volumes.filter((v: any) => v.persistentVolumeClaim)).toEqual([{ name: "shared", persistentVolumeClaim: { claimName: "llm-shared-data", readOnly: true } }]);
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: "shared", mountPath: "/models/base", subPath: "checkpoints/sales-dialogue/sales-llama8b-src1024/hf", readOnly: true });
    // The path and message come from config: arguments to a fixed script, never its text (the
    // message's apostrophe once broke a single-quoted script).
    const init = pod.initContainers[0];
    expect(init.args).toEqual(["/models/base/config.json", "no Hugging Face checkpoint (config.json) at checkpoints/sales-dialogue/sales-llama8b-src1024/hf on team sales-dialogue's shared volume"]);
    // Run as the kubelet would (command then args) with a real sh: missing → the message and exit 1; present → exit 0.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weights-"));
    const run = (file: string) => spawnSync(init.command[0], [...init.command.slice(1), file, init.args[1]], { encoding: "utf8" });
    const missing = run(path.join(dir, "config.json"));
    expect([missing.status, missing.stdout]).toEqual([1, `${init.args[1]}\n`]);
    fs.writeFileSync(path.join(dir, "config.json"), "{}");
    expect(run(path.join(dir, "config.json")).status).toBe(0);
  });

  it("fetches nothing from a hub and sends no usage statistics", async () => {
    const env = Object.fromEntries((await deploymentOf()).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1", VLLM_NO_USAGE_STATS: "1", DO_NOT_TRACK: "1" });
  });

  it("probes /health: a start-up budget for the model load, then readiness and liveness; drains before stopping", async () => {
    const d = await deploymentOf();
    const c = d.spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, failureThreshold: 52, timeoutSeconds: 5 });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    const plan = planEndpoint(prod, endpoint(prod));
    expect(c.lifecycle.preStop.exec.command).toEqual(["sleep", String(plan.drain.preStopSeconds)]);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(plan.drain.terminationGracePeriodSeconds);
    expect(d.metadata.annotations["pulumi.com/timeoutSeconds"]).toBe(String(Math.ceil(plan.startup.budgetSeconds) + 900));
  });

  it("runs as a non-root user without privileges", async () => {
    const c = (await deploymentOf()).spec.template.spec.containers[0];
    expect(c.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("leaves the replica count to KEDA after creation", async () => {
    const d = named(await referencePlan("prod"), "kubernetes:apps/v1:Deployment", "prod-sales-assistant");
    expect(d.options.ignoreChanges).toEqual(["spec.replicas"]);
    expect((d.inputs as any).spec.replicas).toBe(2);
  });

  it("exposes a stable ClusterIP Service labelled by endpoint (the gateway's seam), a PDB and a ServiceMonitor", async () => {
    const plan = await referencePlan("prod");
    const svc = named(plan, "kubernetes:core/v1:Service", "prod-sales-assistant-svc").inputs as any;
    expect(svc.metadata.name).toBe("sales-assistant-vllm");
    expect(svc.spec).toEqual({ type: "ClusterIP", selector: { "app.kubernetes.io/name": "vllm", "llm-platform/endpoint": "sales-assistant" }, ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] });
    expect((named(plan, "kubernetes:policy/v1:PodDisruptionBudget", "prod-sales-assistant-pdb").inputs as any).spec.maxUnavailable).toBe(1);
    expect((named(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "prod-sales-assistant-metrics").inputs as any).spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "15s" }]);
  });

  it("places the ServiceMonitor where the stack's Prometheus looks, pointing at the team's namespace", () => {
    const monitor = vllmServiceMonitor(prod, planEndpoint(prod, endpoint(prod))) as any;
    expect(monitor.metadata.namespace).toBe("monitoring");
    expect(monitor.metadata.labels.release).toBe("kube-prometheus-stack");
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ["sales-dialogue"] });
  });

  it("scales on queue depth from the stack's Prometheus, holding replicas whose batches are full", async () => {
    const plan = await referencePlan("prod");
    const so = named(plan, "kubernetes:keda.sh/v1alpha1:ScaledObject", "prod-sales-assistant-scaler");
    expect(so.options.dependsOn).toContain(named(plan, "kubernetes:helm.sh/v3:Release", "prod-keda").urn);
    const spec = (so.inputs as any).spec;
    expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([2, 16]);
    expect(spec.triggers).toEqual([
      { type: "prometheus", name: "queue-depth", metadata: { serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090", query: 'sum(vllm:num_requests_waiting{namespace="sales-dialogue",service="sales-assistant-vllm"})', threshold: "5" } },
      { type: "prometheus", name: "running", metadata: { serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090", query: 'sum(vllm:num_requests_running{namespace="sales-dialogue",service="sales-assistant-vllm"})', threshold: "32" } },
    ]);
    // Prometheus unreadable: keep at least the 6 replicas the traffic needs
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 6, behavior: "currentReplicasIfHigher" });
  });

  it("installs KEDA once, pinned, on the system pool", async () => {
    const releases = ofType(await referencePlan("prod"), "kubernetes:helm.sh/v3:Release").filter((r) => (r.inputs as any).chart === "keda");
    expect(releases.map((r) => (r.inputs as any).version)).toEqual(["2.20.2"]);
    expect((releases[0].inputs as any).values.nodeSelector).toEqual({ "llm-platform/pool": "system" });
  });

  it("scales to zero only with a trigger that exists at zero replicas", () => {
    // Config refuses scaleToZero today (nothing exports the wake metric); the renderer is ready for when something does.
    const prod = parseSpec(referenceConfig("prod"));
    const spec = { ...prod, inferenceEndpoints: [{ ...endpoint(prod), replicas: { ...endpoint(prod).replicas, min: 0, max: 4 }, scaleToZero: true }] };
    const so = scaledObject(spec, planEndpoint(spec, endpoint(spec))) as any;
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.cooldownPeriod).toBe(300);
    expect(so.spec.triggers[2]).toEqual({ type: "prometheus", name: "gateway-pending", metadata: { serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090", query: 'sum(llm_gateway_pending_requests{endpoint="sales-assistant",namespace="sales-dialogue"})', threshold: "5", activationThreshold: "0" } });
  });
});

describe("plan inference report", () => {
  it("estimates each endpoint on its pool's GPU and every other catalog GPU, with nulls where the model does not fit", () => {
    const [entry] = inferenceReport(prod);
    expect([entry.endpoint, entry.pool, entry.gpu]).toEqual(["sales-assistant", "infer-l40s", "L40S"]);
    expect(entry.alternatives.map((a) => a.gpu)).toEqual(["V100", "V100-16GB", "A10G", "A100", "A100-40GB", "A800", "H100", "H800", "H200", "B200"]);
    // 23 GiB does not fit a 16 GiB V100 (13.6 usable) or a 24 GiB A10G (20.4 usable)
    expect(entry.alternatives.find((a) => a.gpu === "V100-16GB")).toEqual({ gpu: "V100-16GB", ttftMs: null, itlMs: null, replyMs: null, usdPerThousandReplies: null });
    expect(entry.alternatives.find((a) => a.gpu === "A10G")!.replyMs).toBeNull();
    expect(entry.alternatives.find((a) => a.gpu === "A800")!.usdPerThousandReplies).toBeNull(); // no AWS instance carries A800
    expect(entry.estimate.usdPerThousandReplies).not.toBeNull();
    expect(inferenceReport(onprem)[0].estimate.usdPerThousandReplies).toBeNull();
  });
});

describe("plan report Inference section", () => {
  it("shows each endpoint's estimate and its alternatives table, with the memory it needs and where its image comes from", async () => {
    const md = renderMarkdown([await referencePlan("prod")]);
    const section = md.slice(md.indexOf("### Inference"), md.indexOf("### Policies"));
    expect(section).toContain("**sales-dialogue/sales-assistant** on infer-l40s (1 × L40S per replica) at `sales-assistant-vllm.sales-dialogue.svc:8000`");
    expect(section).toContain("vLLM 0.11.0 (chosen by the alignment module)");
    expect(section).toContain("- Memory per replica: 23.0 GiB (weights 15.0 GiB, KV 8.0 GiB for 32 × 2048 tokens) of 40.8 GiB usable.");
    expect(section).toContain("| GPU | GPUs/replica | TTFT ms | ITL ms | reply ms | replies/s per replica | USD per 1,000 replies |");
    expect(section).toMatch(/\| \*\*L40S\*\* \(this pool\) \| 1 \| [\d.,]+ \| [\d.,]+ \| [\d,]+ \| [\d.]+ \| \$[\d.]+ \|/);
    expect(section).toContain("| V100-16GB (needs 23.0 GiB, has 1 × 16 GiB) | 1 | — | — | — | — | — |");
  });
});

describeWithUpstream("CRD and chart contracts (../shared/upstream: KEDA 2.20.2, prometheus-operator v0.93.1)", () => {
  const plans = [prod, staging, onprem].map((spec) => ({ spec, plan: planEndpoint(spec, endpoint(spec)) }));

  it("every ScaledObject validates against KEDA's CRD, including a scale-to-zero one", () => {
    const validate = crdValidator("charts/keda/2.20.2/crds/crd-scaledobjects.yaml", "v1alpha1");
    for (const { spec, plan } of plans) expect([spec.stack, validate(scaledObject(spec, plan))]).toEqual([spec.stack, []]);
    const zero: InferenceEndpointSpec = { ...endpoint(prod), replicas: { ...endpoint(prod).replicas, min: 0 }, scaleToZero: true };
    expect(validate(scaledObject(prod, planEndpoint(prod, zero)))).toEqual([]);
  });

  it("the validator rejects what the CRD forbids (a ScaledObject without triggers)", () => {
    const so = scaledObject(prod, plans[0].plan) as any;
    delete so.spec.triggers;
    expect(crdValidator("charts/keda/2.20.2/crds/crd-scaledobjects.yaml", "v1alpha1")(so)).toEqual(["/spec must have required property 'triggers'"]);
  });

  it("every ServiceMonitor validates against prometheus-operator's CRD", () => {
    const validate = crdValidator("prometheus-operator/v0.93.1/crds/crd-servicemonitors.yaml", "v1");
    for (const { spec, plan } of plans) expect([spec.stack, validate(vllmServiceMonitor(spec, plan))]).toEqual([spec.stack, []]);
  });

  it("KEDA values use only keys the pinned chart defines, at the pinned version", () => {
    expect(readUpstreamYaml("charts/keda/2.20.2/Chart.yaml")).toMatchObject({ version: CHARTS.keda.version, appVersion: "2.20.2" });
    expect(unknownValueKeys(kedaValues({ "llm-platform/pool": "system" }), readUpstreamYaml("charts/keda/2.20.2/values.yaml"))).toEqual([]);
  });

  it("serves on vLLM's own port and probe path (the production-stack chart's)", () => {
    const chart = readUpstreamYaml("charts/vllm-stack/vllm-stack-0.1.12/values.yaml").servingEngineSpec;
    const c = (vllmDeployment(prod, plans[0].plan) as any).spec.template.spec.containers[0];
    expect(c.ports[0].containerPort).toBe(chart.containerPort);
    expect(c.startupProbe.httpGet.path).toBe(chart.startupProbe.httpGet.path);
    expect(c.livenessProbe.httpGet.path).toBe(chart.livenessProbe.httpGet.path);
  });
});
