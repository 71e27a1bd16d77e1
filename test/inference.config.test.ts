import { problemsOf } from "./helpers/problems";
import { parseSpec } from "../infra/config/spec";
import type { RawStackConfig } from "../infra/config/types";
import { referenceConfig, withValues } from "./helpers/stacks";

const KEY = "llm-platform:inferenceEndpoints";
const prod = referenceConfig("prod");
const onprem = referenceConfig("onprem");
const prodEndpoint = JSON.parse(prod.values[KEY])[0] as Record<string, unknown>;
const onpremEndpoint = JSON.parse(onprem.values[KEY])[0] as Record<string, unknown>;
const prodWith = (change: Record<string, unknown>) => withValues(prod, { [KEY]: [{ ...prodEndpoint, ...change }] });


// Each case: a bad endpoint and every line its error report must contain.
const corpus: [string, RawStackConfig, string[]][] = [
  ["a misspelt pool", prodWith({ pool: "infer-l40" }), ['llm-platform:inferenceEndpoints[0].pool: "infer-l40" is not a node pool (did you mean infer-l40s?)']],
  ["a CPU pool", prodWith({ pool: "system" }), ["llm-platform:inferenceEndpoints[0].pool: \"system\" has no GPUs; an endpoint serves on a GPU inference pool"]],
  ["an unknown team", prodWith({ team: "sales" }), ["llm-platform:inferenceEndpoints[0].team: \"sales\" is not a team of llm-platform:teams (did you mean sales-dialogue?)"]],
  ["replicas.min 0 without scaleToZero", prodWith({ replicas: { min: 0, max: 4 } }), ["llm-platform:inferenceEndpoints[0].replicas.min: 0 parks the endpoint at zero replicas, where the first request waits minutes for a model to load; set replicas.min ≥ 1, or scaleToZero: true to mean it"]],
  ["scaleToZero with replicas.min 2", prodWith({ scaleToZero: true }), ["llm-platform:inferenceEndpoints[0].scaleToZero: true needs replicas.min 0 (it is 2)"]],
  ["replicas.min above max", prodWith({ replicas: { min: 5, max: 4 } }), ["llm-platform:inferenceEndpoints[0].replicas.min: 5 is greater than replicas.max 4"]],
  ["more replicas than the pool holds", prodWith({ replicas: { min: 2, max: 30 } }), ["llm-platform:inferenceEndpoints[0].replicas.max: 30 is more than pool infer-l40s can hold (maxNodes 6 × 4 replicas per node = 24)"]],
  ["GPUs per replica that do not split the heads", prodWith({ gpusPerReplica: 3 }), ["llm-platform:inferenceEndpoints[0].gpusPerReplica: 3 does not divide the model's 32 attention heads, which vLLM splits across the GPUs (valid on pool infer-l40s: 1, 2, 4)"]],
  ["more GPUs per replica than a node has", prodWith({ gpusPerReplica: 8 }), ["llm-platform:inferenceEndpoints[0].gpusPerReplica: 8 is more than pool infer-l40s's 4 GPUs per node (a replica stays on one node; valid: 1, 2, 4)"]],
  ["an absolute weights path", prodWith({ weights: "/data/checkpoints/sales" }), ["llm-platform:inferenceEndpoints[0].weights: \"/data/checkpoints/sales\" is not a weights location (a path on the shared volume relative to it, e.g. \"checkpoints/<team>/<run>/hf\", or s3://<bucket>/<prefix>)"]],
  ["a weights path climbing out of the volume", prodWith({ weights: "checkpoints/../secrets" }), ["llm-platform:inferenceEndpoints[0].weights: \"checkpoints/../secrets\" is not a weights location (a path on the shared volume relative to it, e.g. \"checkpoints/<team>/<run>/hf\", or s3://<bucket>/<prefix>)"]],
  ["a malformed S3 prefix", prodWith({ weights: "s3://Bad_Bucket/x" }), ["llm-platform:inferenceEndpoints[0].weights: \"s3://Bad_Bucket/x\" is not an S3 prefix (s3://<bucket>/<prefix>, e.g. \"s3://acme-models/sales-llama8b\")"]],
  ["S3 weights on an existing cluster", withValues(onprem, { [KEY]: [{ ...onpremEndpoint, weights: "s3://acme-models/glm" }] }), ["llm-platform:inferenceEndpoints[0].weights: \"s3://acme-models/glm\": streaming from S3 needs an EKS Pod Identity (target aws); on an existing cluster put the weights on the shared volume"]],
  ["a reply budget above the cap", prodWith({ traffic: { requestsPerSecond: 20, inputTokens: 1024, outputTokens: 600 } }), ["llm-platform:inferenceEndpoints[0].traffic.outputTokens: 600 is more than maxOutputTokens 512: the server caps every reply there"]],
  ["traffic longer than the context", prodWith({ traffic: { requestsPerSecond: 20, inputTokens: 1900, outputTokens: 200 } }), ["llm-platform:inferenceEndpoints[0].traffic.inputTokens: 1900 + 200 output tokens exceed maxModelLen 2048: such requests are refused by the server"]],
  ["a cap that leaves no room for a prompt", prodWith({ maxOutputTokens: 2048 }), ["llm-platform:inferenceEndpoints[0].maxOutputTokens: 2048 leaves no room for a prompt within maxModelLen 2048 (prompt + reply ≤ maxModelLen)"]],
  ["KV heads that do not divide the heads", prodWith({ model: { ...(prodEndpoint.model as object), kvHeads: 5 } }), ["llm-platform:inferenceEndpoints[0].model.kvHeads: 5 must divide attentionHeads 32 (grouped-query attention shares each key/value head among a whole group of query heads)"]],
  ["heads that do not divide the hidden size", prodWith({ model: { ...(prodEndpoint.model as object), attentionHeads: 48 } }), ["llm-platform:inferenceEndpoints[0].model.attentionHeads: 48 does not divide hiddenSize 4096 (head dimension = hiddenSize / attentionHeads, e.g. 4096 / 32 = 128)"]],
  ["a misspelt key", prodWith({ maxOutputToken: 512 }), ["llm-platform:inferenceEndpoints[0]: unknown key \"maxOutputToken\" (did you mean maxOutputTokens?)"]],
  ["a misspelt model key", prodWith({ model: { ...(prodEndpoint.model as object), kvHead: 8 } }), ["llm-platform:inferenceEndpoints[0].model: unknown key \"kvHead\" (did you mean kvHeads?)"]],
  ["a misspelt adapter key", prodWith({ loraAdapters: [{ name: "tone", path: "a/lora", rnak: 8 }] }), ['llm-platform:inferenceEndpoints[0].loraAdapters[0]: unknown key "rnak" (did you mean rank?)']],
  ["a LoRA rank above vLLM's largest", prodWith({ loraAdapters: [{ name: "tone", path: "checkpoints/x/lora", rank: 1024 }] }), ["llm-platform:inferenceEndpoints[0].loraAdapters[0].rank: 1024 is above 512, the largest LoRA rank vLLM accepts"]],
  ["two adapters with one name", prodWith({ loraAdapters: [{ name: "tone", path: "a/lora", rank: 8 }, { name: "tone", path: "b/lora", rank: 8 }] }), ["llm-platform:inferenceEndpoints[0].loraAdapters[1].name: \"tone\" is already the name of loraAdapters[0]"]],
  ["two endpoints with one name", withValues(prod, { [KEY]: [prodEndpoint, prodEndpoint] }), ["llm-platform:inferenceEndpoints[1].name: \"sales-assistant\" is already the name of inferenceEndpoints[0] (endpoint names must be unique)"]],
  ["a vLLM version that is not one", prodWith({ vllmVersion: "latest" }), ["llm-platform:inferenceEndpoints[0].vllmVersion: \"latest\" is not a vLLM version (e.g. \"0.11.0\")"]],
  ["a fractional concurrency", prodWith({ concurrencyPerReplica: 2.5 }), ["llm-platform:inferenceEndpoints[0].concurrencyPerReplica: 2.5 is not a sequence count (a whole number > 0)"]],
];

describe("inference endpoint config", () => {
  it.each(corpus)("rejects %s with a message naming the key, the value and what is valid", (_name, raw, expected) => {
    const problems = problemsOf(raw);
    for (const line of expected) expect(problems).toContain(line);
  });
});

describe("inference endpoint config at its boundaries", () => {
  it("accepts exactly what the pool holds, a reply of exactly the cap, and prompt + reply of exactly maxModelLen", () => {
    expect(() => parseSpec(prodWith({ replicas: { min: 2, max: 24 } }))).not.toThrow();
    expect(problemsOf(prodWith({ replicas: { min: 2, max: 25 } }))).toEqual(["llm-platform:inferenceEndpoints[0].replicas.max: 25 is more than pool infer-l40s can hold (maxNodes 6 × 4 replicas per node = 24)"]);
    expect(() => parseSpec(prodWith({ traffic: { requestsPerSecond: 20, inputTokens: 1536, outputTokens: 512 } }))).not.toThrow();
    expect(problemsOf(prodWith({ traffic: { requestsPerSecond: 20, inputTokens: 1537, outputTokens: 512 } }))).toEqual(["llm-platform:inferenceEndpoints[0].traffic.inputTokens: 1537 + 512 output tokens exceed maxModelLen 2048: such requests are refused by the server"]);
    expect(() => parseSpec(prodWith({ maxOutputTokens: 2047 }))).not.toThrow();
  });

  it("refuses scaling to zero while nothing can wake a parked endpoint", () => {
    expect(() => parseSpec(prodWith({ replicas: { min: 0, max: 4 }, scaleToZero: true }))).toThrow(
      "llm-platform:inferenceEndpoints[0].scaleToZero: true is not supported yet: nothing wakes a parked endpoint (vLLM's metrics vanish with its last pod and the gateway answers fallbacks at once); keep replicas.min ≥ 1",
    );
  });

  it("fills the defaults: KV heads = attention heads, 16 sequences per replica, queue depth 5, no adapters", () => {
    const { kvHeads: _dropped, ...model } = prodEndpoint.model as Record<string, unknown>;
    const { concurrencyPerReplica: _c, ...rest } = prodEndpoint;
    const e = parseSpec(withValues(prod, { [KEY]: [{ ...rest, model }] })).inferenceEndpoints[0];
    expect(e.model.kvHeads).toBe(32);
    expect([e.concurrencyPerReplica, e.replicas.targetQueueDepth, e.loraAdapters, e.scaleToZero, e.trustRemoteCode]).toEqual([16, 5, [], false, false]);
    expect(e.weights).toEqual({ kind: "shared", path: "checkpoints/sales-dialogue/sales-llama8b-src1024/hf" });
  });
});
